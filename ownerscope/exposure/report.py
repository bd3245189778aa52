"""A report on one entity that an analyst can hand to a compliance officer, as data: the verdict per
regime with its proof and sources, the ownership structure and its picture, beneficial owners, the date
and the data it rests on. The renderers (report_render: html, json, csv; report_pdf) read it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from .. import __version__
from .effective import effective_owners, ubo_candidates, ultimate_beneficial_owners
from .proof import sources_of
from .proof_text import share_words
from .svg import ownership_svg

MAX_NODES = 40


def _structure(g, root: int, results: list) -> dict:
    """The entity, its owners and controllers up the chain, and its direct holdings; with statuses."""
    first = results[0]
    keep: dict[int, int] = {root: 0}
    frontier = [root]
    depth = 0
    while frontier and len(keep) < MAX_NODES and depth < 6:
        depth += 1
        nxt = []
        for v in frontier:
            for e in g.in_edges(v).tolist():
                u = int(g.src[e])
                if u not in keep and len(keep) < MAX_NODES:
                    keep[u] = depth
                    nxt.append(u)
        frontier = nxt
    for e in g.out_edges(root).tolist()[:12]:
        keep.setdefault(int(g.dst[e]), -1)
    edges = []
    for v in keep:
        for e in g.in_edges(v).tolist():
            u = int(g.src[e])
            if u in keep:
                row = g.edge(e)
                edges.append({"id": row["id"], "source": g.ids[u], "target": g.ids[v], "kind": row["type"],
                              "label": picture_label(row), "words": share_words(row), "dashed": False,
                              "share": row["share"],
                              "start_date": row["start_date"], "end_date": row["end_date"],
                              "sources": sources_of(row["sources"])})
    ids = {g.ids[v] for v in keep}
    ina = g.inactive
    if ina.height:  # stakes not in force on the date, into the entities shown: drawn dashed
        for src in ina.filter(ina["target"].is_in(list(ids)))["source"].to_list():
            j = g.index.get(src)
            if j is not None and len(keep) < MAX_NODES + 10:
                keep.setdefault(j, 1)
                ids.add(src)
        for row in ina.filter(ina["target"].is_in(list(ids)) & ina["source"].is_in(list(ids))).iter_rows(named=True):
            edges.append({"id": row["id"], "source": row["source"], "target": row["target"], "kind": row["type"],
                          "label": picture_label(row) + (" indirect" if row.get("why") == "indirect"
                                                         else " ended" if row.get("why") == "not_in_force"
                                                         else f" {row.get('why') or 'not in force'}"),
                          "words": share_words(row) + (" (indirect, not counted)" if row.get("why") == "indirect"
                                                       else " (not in force)"), "dashed": True, "share": row["share"],
                          "start_date": row["start_date"], "end_date": row["end_date"],
                          "sources": sources_of(row["sources"])})
    nodes = []
    for v in keep:
        statuses = {r.regime.name: r.status_of(g.ids[v]) for r in results}
        nodes.append({"id": g.ids[v], "name": g.name(v), "type": g.types[v], "status": statuses[first.regime.name],
                      "statuses": statuses,
                      "caption": ", ".join(f"{k}: {s}" for k, s in statuses.items())})
    return {"nodes": nodes, "edges": edges}


CASE_FIELDS = ("reference", "analyst", "reviewer", "decision", "notes")


def case_fields(**given) -> dict:
    """The filing details of a report (case reference, analyst, reviewer, decision, notes): text as given,
    stripped; an empty one is left out of the report's header rather than printed blank."""
    out = {}
    for k in CASE_FIELDS:
        v = given.get(k)
        if v is not None and str(v).strip():
            out[k] = str(v).strip()
    return out


def _listings(detail: dict, as_of: str, list_versions: list[dict]) -> list[dict]:
    """Every listing of the entity, sanctions or not, with its legal basis (program) where the source
    gives one, whether it is in force on the date and the list version it comes from."""
    from ..authorities import kind, label
    from ..dates import active_on

    names = {lv["id"]: lv.get("name") or lv.get("format") for lv in list_versions}
    out = []
    for d in detail.get("designations", []):
        a = d.get("authority") or ""
        out.append({"authority": a, "authority_label": label(a), "kind": kind(a), "program": d.get("program"),
                    "start_date": d.get("start_date"), "end_date": d.get("end_date"),
                    "in_force": active_on(d.get("start_date"), d.get("end_date"), as_of),
                    "note": d.get("note"), "list_version": names.get(d.get("list_version")),
                    "sources": d.get("sources", [])})
    out.sort(key=lambda x: (x["kind"] != "sanctions", x["authority"], x["program"] or ""))
    return out


def assemble_report(g, results: list, detail: dict, entity_id: str, as_of: str, store_url: str = "",
                    ubo_threshold: float = 25.0, case: dict | None = None) -> dict:
    """The report's data (for every renderer) from an ownership graph on a date, each regime's result on it
    (with its list versions) and the entity's detail."""
    list_versions = results[0].list_versions if results else []
    i = g.index.get(entity_id)
    verdicts = []
    used: dict[str, dict] = {}
    for r in results:
        v = r.verdict(entity_id)
        cur = r.currency
        for ds in cur["datasets"]:
            used.setdefault(ds["id"], ds)
        verdicts.append({**v, "regime_title": r.regime.title, "regime_notes": r.regime.notes,
                         "datasets": cur["datasets"], "missing_lists": cur["missing"]})
    structure = _structure(g, i, results) if i is not None else {"nodes": [], "edges": []}
    svg = ownership_svg(structure["nodes"], structure["edges"], entity_id) if structure["nodes"] else ""
    eff = effective_owners(g, entity_id) if i is not None else {}
    top = sorted(eff.items(), key=lambda kv: -kv[1])[:20]
    sources: dict[tuple, None] = {}
    for e in structure["edges"]:
        for s in e["sources"]:
            sources[(s["dataset"], s["url"])] = None
    for d in detail.get("designations", []):
        for s in d.get("sources", []):
            sources[(s["dataset"], s["url"])] = None
    datasets = sorted({d for d, _ in sources if d})
    return {
        "title": f"Ownership and sanctions exposure: {detail.get('name') or entity_id}",
        "generated_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "as_of": as_of, "ownerscope_version": __version__, "store": store_url,
        "case": case_fields(**(case or {})),
        "entity": {"id": entity_id, "name": detail.get("name") or entity_id, "type": detail.get("type"),
                   "country": detail.get("country"), "aliases": detail.get("aliases", []),
                   "identifiers": detail.get("identifiers", []), "addresses": detail.get("addresses", []),
                   "birth_dates": detail.get("birth_dates", []), "nationalities": detail.get("nationalities", []),
                   "designations": detail.get("designations", [])},
        "listings": _listings(detail, as_of, list_versions),
        "verdicts": verdicts,
        "structure": structure, "svg": svg,
        "effective_owners": [{"id": k, "name": g.name(g.index[k]), "type": g.types[g.index[k]],
                              "effective_share": round(v, 4)} for k, v in top],
        "ubo_threshold": ubo_threshold,
        "ubos": ultimate_beneficial_owners(g, entity_id, ubo_threshold) if i is not None else [],
        # persons whose stake is not published: shown as such, never folded into "none found"
        "ubo_candidates": ubo_candidates(g, entity_id, ubo_threshold) if i is not None else [],
        "data": {"datasets": datasets, "list_versions": list(used.values()),
                 "source_urls": sorted({u for _, u in sources if u}),
                 "entities_in_store": g.n, "ownership_and_control_edges_in_force": g.m,
                 "edges_not_in_force": g.inactive.height},
    }


def picture_label(row: dict) -> str:
    """A short label for an edge in the picture ("25%+", "25–50%", "?%", "control"); the proof has the words."""
    if row.get("type") == "control":
        return "control"
    share, lo, hi = row.get("share"), row.get("share_min"), row.get("share_max")
    strict = bool(row.get("share_min_exclusive"))
    if share is not None:
        return f"{share:g}%" + ("+" if strict and lo == share else "")
    if lo is not None or hi is not None:
        left = "" if lo is None else f"{'>' if strict else ''}{lo:g}"
        return f"{left}–{'' if hi is None else f'{hi:g}'}%"
    return "?%" if row.get("type") in ("ownership", "interest") else (row.get("type") or "")
