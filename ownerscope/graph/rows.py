"""Conversions between model records, store rows and the views the CLI and UI show. Shared by backends."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import polars as pl
from rapidfuzz import fuzz

from ..text import MIN_NAME_CHARS, norm, search_text
from .model import LABEL_RELATIONS, Designation, Entity, Relation, Source
from .views import CandidateView, ResolutionRecord

if TYPE_CHECKING:
    from .views import Subgraph

REL_FIELDS = ("id", "share", "share_min", "share_max", "start_date", "end_date", "ended", "basis",
              "joint_group", "role", "note", "sources", "share_min_exclusive", "record_id", "asserted_from",
              "asserted_until")
REL_RETURN = ", ".join(f"r.{f}" for f in REL_FIELDS)

OWNERSHIP_SCHEMA = {"id": pl.Utf8, "source": pl.Utf8, "target": pl.Utf8, "type": pl.Utf8,
                    "share": pl.Float64, "share_min": pl.Float64, "share_max": pl.Float64,
                    "start_date": pl.Utf8, "end_date": pl.Utf8, "ended": pl.Boolean, "basis": pl.Utf8,
                    "joint_group": pl.Utf8, "note": pl.Utf8, "sources": pl.List(pl.Utf8),
                    "role": pl.Utf8, "share_min_exclusive": pl.Boolean, "record_id": pl.Utf8,
                    "asserted_from": pl.Utf8, "asserted_until": pl.Utf8}
DESIGNATION_SCHEMA = {"id": pl.Utf8, "entity_id": pl.Utf8, "authority": pl.Utf8, "program": pl.Utf8,
                      "start_date": pl.Utf8, "end_date": pl.Utf8, "sources": pl.List(pl.Utf8),
                      "list_version": pl.Utf8, "list_published": pl.Utf8}
# a designation as stored, in this order (every backend returns these columns)
DES_FIELDS = ("id", "entity_id", "authority", "program", "start_date", "end_date", "note", "sources",
              "list_version", "list_published")
DES_RETURN = ", ".join(f"d.{f}" for f in DES_FIELDS)
LIST_VERSION_FIELDS = ("id", "authority", "name", "format", "sha256", "published", "published_basis", "loaded",
                       "files", "url", "authorities", "records")
# the stored Entity properties in the order every backend returns them (entity_from_row reads this order)
ENTITY_FIELDS = ("id", "type", "name", "aliases", "country", "identifiers", "notes", "sources", "birth_dates",
                 "nationalities", "addresses")
ENTITY_RETURN = ", ".join(f"e.{f}" for f in ENTITY_FIELDS)
ENTITY_FRAME_SCHEMA = {"id": pl.Utf8, "type": pl.Utf8, "name": pl.Utf8, "country": pl.Utf8}


def normalise_frame(frame: pl.DataFrame | None, schema: dict) -> pl.DataFrame:
    """Give a frame exactly the schema's columns and types, whatever the backend returned."""
    if frame is None or frame.height == 0:
        return pl.DataFrame(schema=schema)
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])



def entity_row(e: Entity) -> dict:
    return {"id": e.id, "type": e.type, "name": e.name, "aliases": list(e.aliases), "country": e.country,
            "identifiers": list(e.identifiers), "notes": e.notes,
            "sources": [s.to_json() for s in e.sources],
            "birth_dates": list(e.birth_dates), "nationalities": list(e.nationalities),
            "addresses": list(e.addresses),
            "search": search_text(e.name, e.aliases, e.identifiers)}


def entity_from_row(row: list) -> Entity:
    """An Entity from values in ENTITY_FIELDS order (rows of older shapes may stop after `sources`)."""
    extra = [*row[8:11], None, None, None]
    return Entity(id=row[0], type=row[1], name=row[2], aliases=list(row[3] or []), country=row[4],
                  identifiers=list(row[5] or []), notes=row[6],
                  sources=[Source.from_json(s) for s in row[7] or []],
                  birth_dates=list(extra[0] or []), nationalities=list(extra[1] or []),
                  addresses=list(extra[2] or []))


def entity_from_dict(d: dict) -> Entity:
    """An Entity from an `entity_row` dict (merge snapshots; older snapshots lack the newer keys)."""
    return entity_from_row([d.get(f) for f in ENTITY_FIELDS])


def relation_row(r: Relation) -> dict:
    return {"from": r.source_id, "to": r.target_id, "id": r.id, "share": r.share, "share_min": r.share_min,
            "share_max": r.share_max, "start_date": r.start_date, "end_date": r.end_date,
            "ended": bool(r.ended), "basis": r.basis, "joint_group": r.joint_group, "role": r.role,
            "note": r.note, "sources": [s.to_json() for s in r.sources],
            "share_min_exclusive": bool(r.share_min_exclusive), "record_id": r.record_id,
            "asserted_from": r.asserted_from, "asserted_until": r.asserted_until}


def designation_row(d: Designation) -> dict:
    return {"id": d.id, "entity_id": d.entity_id, "authority": d.authority, "program": d.program,
            "start_date": d.start_date, "end_date": d.end_date, "note": d.note,
            "sources": [s.to_json() for s in d.sources], "list_version": d.list_version,
            "list_published": d.list_published}


def designation_from_row(row: list) -> dict:
    """A stored designation (columns DES_FIELDS) as the view `show` and the UI give."""
    d = dict(zip(DES_FIELDS, row))
    d["sources"] = [_source_dict(s) for s in d["sources"] or []]
    return d


def designation_record(d: dict, entity_id: str | None = None) -> Designation:
    """A stored designation (a DES_FIELDS dict, sources as JSON strings) as a model record, optionally
    moved onto another entity (entity resolution)."""
    return Designation(entity_id or d["entity_id"], d["authority"], d["program"], d["start_date"],
                       d["end_date"], d["note"], [Source.from_json(s) for s in d["sources"] or []],
                       d.get("list_version"), d.get("list_published"))


def list_version_row(lv) -> dict:
    return {**{f: getattr(lv, f) for f in LIST_VERSION_FIELDS if f != "id"}, "id": lv.id,
            "files": list(lv.files), "authorities": sorted(lv.authorities)}


def list_version_view(row: list) -> dict:
    d = dict(zip(LIST_VERSION_FIELDS, row))
    d["files"] = list(d["files"] or [])
    d["authorities"] = list(d["authorities"] or [])
    d["records"] = int(d["records"] or 0)
    return d


def from_dataset(sources: list[str] | None, dataset: str) -> bool:
    """Whether stored sources (JSON strings) include one of `dataset`."""
    return any(Source.from_json(s).dataset == dataset for s in sources or [])


def withdrawn_designation(did: str, note: str | None, day: str) -> dict:
    """The update that ends a designation missing from a newer snapshot of its list."""
    said = f"not in the list's snapshot of {day}: end date inferred"
    return {"id": did, "end_date": day, "note": f"{note}; {said}" if note else said}


def _source_dict(raw: str) -> dict:
    s = Source.from_json(raw)
    return {"dataset": s.dataset, "record_id": s.record_id, "url": s.url}


def relation_view(row: list, direction: str) -> dict:
    """row: label, REL_FIELDS..., other id, other name, other type."""
    label = row[0]
    vals = dict(zip(REL_FIELDS, row[1:1 + len(REL_FIELDS)]))
    other = row[1 + len(REL_FIELDS):]
    vals["sources"] = [_source_dict(s) for s in vals["sources"] or []]
    return {"type": LABEL_RELATIONS.get(label, label.lower()), "direction": direction,
            "other": other[0], "other_name": other[1], "other_type": other[2], **vals}


def edge_view(label: str, values: list, source: str, target: str) -> dict:
    vals = dict(zip(REL_FIELDS, values))
    vals["sources"] = [_source_dict(s) for s in vals["sources"] or []]
    return {"type": LABEL_RELATIONS.get(label, label.lower()), "source": source, "target": target, **vals}


def node_view(nid: str, name: str, ntype: str, country: str | None) -> dict:
    return {"id": nid, "name": name, "type": ntype, "country": country, "authorities": []}


MISSING = {"entities": "(no type)", "designations": "(no authority)"}


def counts_view(entities, relations: dict, designations) -> dict:
    """The counts every backend returns, from (key, n) pairs: sorted, with a missing key (a node written
    without a type, say) counted under MISSING's label and any other non-text key as text, so that neither
    fails the sort."""
    def tidy(pairs, missing):
        out: dict[str, int] = {}
        for k, n in pairs:
            k = missing if k is None or k == "" else str(k)
            out[k] = out.get(k, 0) + int(n or 0)
        return dict(sorted(out.items()))

    return {"entities": tidy(entities, MISSING["entities"]), "relations": tidy(relations.items(), "(none)"),
            "designations": tidy(designations, MISSING["designations"])}


def entity_detail(ent: Entity, designations: list[dict], relations: list[dict]) -> dict:
    designations = sorted(designations, key=lambda d: (d["authority"] or "", d["program"] or "",
                                                       d["start_date"] or ""))
    relations = sorted(relations, key=lambda r: (r["direction"], r["type"], str(r["other_name"] or "")))
    return {"id": ent.id, "type": ent.type, "name": ent.name, "aliases": ent.aliases, "country": ent.country,
            "identifiers": ent.identifiers, "birth_dates": ent.birth_dates, "nationalities": ent.nationalities,
            "addresses": ent.addresses, "notes": ent.notes, "designations": designations,
            "relations": relations,
            "sources": [{"dataset": s.dataset, "record_id": s.record_id, "url": s.url} for s in ent.sources]}


def rank_hits(text: str, rows: list[list], exact: str | None) -> list[dict]:
    q = norm(text)
    hits = []
    for rid, name, etype, country, aliases in rows:
        names = [name] + list(aliases or [])
        # WRatio scores a short query against the best-matching part of a long name ("r" in "rostec"
        # scores 90): below a few characters, only the whole name counts
        scorer = fuzz.WRatio if len(q.replace(" ", "")) >= MIN_NAME_CHARS else fuzz.ratio
        score = max(scorer(q, norm(n)) for n in names)
        if rid == exact:
            score = 101.0
        hits.append({"id": rid, "name": name, "type": etype, "country": country, "score": round(score, 1)})
    hits.sort(key=lambda h: (-h["score"], len(h["name"] or ""), h["id"]))
    return hits


def search_hits(text: str, rows: list[list], exact: str | None, fetch_one, authorities, limit: int) -> list[dict]:
    """The end of every backend's search: add the entity whose id is the query (`fetch_one(id)` gives its
    rows), rank, keep `limit`, attach each hit's designating authorities."""
    if exact and all(r[0] != exact for r in rows):
        rows = rows + fetch_one(exact)
    hits = rank_hits(text, rows, exact)[:limit]
    auth = authorities([h["id"] for h in hits])
    for h in hits:
        h["authorities"] = auth.get(h["id"], [])
    return hits


def plain(value: Any) -> Any:
    """A JSON-friendly copy of a value a backend returned."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if not str(k).startswith("_") or k == "_LABEL"}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def neighbourhood(center: list[list], rows: list[list], authorities, truncated: bool) -> "Subgraph":
    """Assemble a Subgraph from the centre row (id, name, type, country) and neighbour rows
    (label, REL_FIELDS..., source, target, other id, name, type, country); `authorities(ids)` gives
    each node's designating authorities. Shared by every backend."""
    from .views import Subgraph

    nodes = {r[0]: node_view(r[0], r[1], r[2], r[3]) for r in center}
    edges = []
    n = len(REL_FIELDS) + 1
    for row in rows:
        edges.append(edge_view(row[0], row[1:n], row[n], row[n + 1]))
        o = row[n + 2:]
        nodes.setdefault(o[0], node_view(*o))
    auth = authorities(list(nodes))
    for nid, node in nodes.items():
        node["authorities"] = auth.get(nid, [])
    return Subgraph(list(nodes.values()), edges, truncated)


def moved_relations(rows_by_direction, drop_id: str, keep_id: str) -> tuple[list[dict], list[Relation]]:
    """For merging `drop_id` into `keep_id`: the dropped node's links as stored (for undo) and the same
    links re-pointed at the kept node. rows_by_direction: (direction, rows of label, REL_FIELDS..., other)."""
    old_rels, new_rels = [], []
    for direction, rows in rows_by_direction:
        for row in rows:
            label, vals, other = row[0], dict(zip(REL_FIELDS, row[1:-1])), row[-1]
            ends = (drop_id, other) if direction == "out" else (other, drop_id)
            old_rels.append({"label": label, "from": ends[0], "to": ends[1], **vals,
                             "sources": list(vals["sources"] or [])})
            if other == keep_id:
                continue  # a link between the two merged records disappears with the merge
            new_ends = (keep_id, other) if direction == "out" else (other, keep_id)
            new_rels.append(Relation(
                source_id=new_ends[0], target_id=new_ends[1], type=LABEL_RELATIONS[label],
                share=vals["share"], share_min=vals["share_min"], share_max=vals["share_max"],
                start_date=vals["start_date"], end_date=vals["end_date"], ended=bool(vals["ended"]),
                basis=vals["basis"], joint_group=vals["joint_group"], role=vals["role"], note=vals["note"],
                sources=[Source.from_json(s) for s in vals["sources"] or []], key=vals["id"],
                share_min_exclusive=bool(vals.get("share_min_exclusive")), record_id=vals.get("record_id"),
                asserted_from=vals.get("asserted_from"), asserted_until=vals.get("asserted_until")))
    return old_rels, new_rels


# what entity resolution compares (graph/*.resolution_records), and a review candidate (possible_same_as)
RESOLUTION_RETURN = "e.id, e.type, e.name, e.aliases, e.country, e.identifiers, e.sources, e.birth_dates"
CANDIDATE_RETURN = "a.id, a.name, b.id, b.name, r.note, r.id"


def candidate_view(row) -> CandidateView:
    return CandidateView(a=row[0], a_name=row[1], b=row[2], b_name=row[3], reason=row[4], id=row[5])


def resolution_record(row) -> ResolutionRecord:
    return ResolutionRecord(*row)


# ---------------------------------------------------------------------------------------------- merges
def merge_pair(keep_id: str, drop_id: str, found: dict) -> tuple[Entity, Entity]:
    """The two entities of a merge (`found`: id -> Entity, as read by a backend), or the error both backends
    give: merging an entity into itself, or an id that is not there."""
    from ..errors import NotFound, StoreError

    if keep_id == drop_id:
        raise StoreError(f"cannot merge {keep_id!r} into itself")
    for eid in (keep_id, drop_id):
        if eid not in found:
            raise NotFound(f"no entity with id {eid!r} to merge")
    return found[keep_id], found[drop_id]


def merge_snapshot(keep: Entity, drop: Entity, old_rels: list[dict], new_rels: list[Relation],
                   old_des: list[dict], keep_des_before: list[dict], redirected: list[str]) -> dict:
    """What unmerge_entities needs to undo a merge, the same JSON-able shape on both backends: both
    entities as they were, the dropped entity's relations and designations, what the merge creates, the
    kept entity's designations it overwrites and the redirects that pointed at the dropped id."""
    from .model import RELATION_LABELS

    return {"keep": entity_row(keep), "drop": entity_row(drop), "relations": old_rels,
            "created_relations": [{"label": RELATION_LABELS[r.type], "from": r.source_id,
                                   "to": r.target_id, "id": r.id} for r in new_rels],
            "designations": [{**d, "sources": list(d["sources"] or [])} for d in old_des],
            "created_designations": [designation_record(d, keep.id).id for d in old_des],
            "keep_designations_before": [{**d, "sources": list(d["sources"] or [])} for d in keep_des_before],
            "redirects": redirected}
