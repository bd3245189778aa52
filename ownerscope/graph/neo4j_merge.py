"""Entity resolution primitives for Neo4j, mirroring EmbeddedStore.merge_entities / unmerge_entities /
delete_relations (same semantics, same snapshot shape), each run as ONE write transaction."""

from __future__ import annotations

from . import rows as R
from .model import RELATION_LABELS, Relation, dedupe
from .neo4j_schema import rel_type, rel_types

ENTITY_RETURN = R.ENTITY_RETURN
DES_FIELDS, DES_RETURN = R.DES_FIELDS, R.DES_RETURN


def _rows(tx, cypher: str, **params) -> list[list]:
    return [list(r.values()) for r in tx.run(cypher, params)]


def merge_tx(tx, keep_id: str, drop_id: str, upsert_relations, upsert_designations) -> dict:
    found = {r[0]: R.entity_from_row(r) for r in _rows(
        tx, f"UNWIND $ids AS i MATCH (e:Entity {{id: i}}) RETURN {ENTITY_RETURN}", ids=[keep_id, drop_id])}
    keep, drop = R.merge_pair(keep_id, drop_id, found)
    merged = keep.absorb(drop)
    labels = rel_types()
    old_rels, new_rels = R.moved_relations(
        [(direction, _rows(tx, f"MATCH (d:Entity {{id: $id}}){arrow}(o:Entity) RETURN type(r), {R.REL_RETURN}, "
                           "o.id", id=drop_id))
         for direction, arrow in (("out", f"-[r:{labels}]->"), ("in", f"<-[r:{labels}]-"))], drop_id, keep_id)
    old_des = [dict(zip(DES_FIELDS, r)) for r in _rows(
        tx, f"MATCH (e:Entity {{id: $id}})-[:LISTED]->(d:Designation) RETURN {DES_RETURN}", id=drop_id)]
    new_des = [R.designation_record(d, keep_id) for d in old_des]
    keep_des_before = [dict(zip(DES_FIELDS, r)) for r in _rows(
        tx, f"UNWIND $ids AS i MATCH (d:Designation {{id: i}}) RETURN {DES_RETURN}", ids=[d.id for d in new_des])]
    redirected = [r[0] for r in _rows(tx, "MATCH (r:Redirect) WHERE r.target = $id RETURN r.id", id=drop_id)]
    snapshot = R.merge_snapshot(keep, drop, old_rels, new_rels, old_des, keep_des_before, redirected)
    tx.run("MATCH (e:Entity {id: $row.id}) SET e = $row", row=R.entity_row(merged)).consume()
    by_label: dict[str, list[Relation]] = {}
    for rel in dedupe(new_rels):
        by_label.setdefault(RELATION_LABELS[rel.type], []).append(rel)
    for label, rels in by_label.items():
        upsert_relations(tx, label, rels)
    if new_des:
        upsert_designations(tx, dedupe(new_des))
    tx.run("MATCH (e:Entity {id: $id})-[:LISTED]->(d:Designation) DETACH DELETE d", id=drop_id).consume()
    tx.run("MATCH (e:Entity {id: $id}) DETACH DELETE e", id=drop_id).consume()
    tx.run("MATCH (r:Redirect) WHERE r.target = $old SET r.target = $new", old=drop_id, new=keep_id).consume()
    tx.run("MATCH (r:Redirect {id: $id}) DELETE r", id=keep_id).consume()
    tx.run("MERGE (x:Redirect {id: $id}) SET x.target = $target", id=drop_id, target=keep_id).consume()
    return snapshot


def unmerge_tx(tx, snapshot: dict) -> None:
    from ..errors import StoreError

    drop_id = snapshot["drop"]["id"]
    if _rows(tx, "MATCH (e:Entity {id: $id}) RETURN e.id", id=drop_id):
        raise StoreError(f"{drop_id!r} exists again (re-ingested?): merge it again or remove it first")
    for r in snapshot["created_relations"]:
        label = rel_type(r["label"])
        tx.run(f"MATCH ()-[x:{label} {{id: $id}}]->() USING INDEX x:{label}(id) "
               "WHERE startNode(x).id = $s AND endNode(x).id = $t DELETE x",
               s=r["from"], t=r["to"], id=r["id"]).consume()
    before = {d["id"]: d for d in snapshot["keep_designations_before"]}
    for did in snapshot["created_designations"]:
        if did in before:
            d = before[did]
            tx.run("MATCH (d:Designation {id: $id}) SET d.end_date = $end_date, d.note = $note, "
                   "d.sources = $sources, d.list_version = $list_version, d.list_published = $list_published",
                   id=did, end_date=d["end_date"], note=d["note"], sources=d["sources"],
                   list_version=d.get("list_version"), list_published=d.get("list_published")).consume()
        else:
            tx.run("MATCH (d:Designation {id: $id}) DETACH DELETE d", id=did).consume()
    keep = R.entity_from_dict(snapshot["keep"])
    tx.run("MATCH (e:Entity {id: $row.id}) SET e = $row", row=R.entity_row(keep)).consume()
    tx.run("CREATE (e:Entity) SET e = $row", row=R.entity_row(R.entity_from_dict(snapshot["drop"]))).consume()
    by_label: dict[str, list[dict]] = {}
    for r in snapshot["relations"]:
        props = {f: r[f] for f in R.REL_FIELDS}
        props["ended"] = bool(props["ended"])
        by_label.setdefault(rel_type(r["label"]), []).append({"from": r["from"], "to": r["to"], "props": props})
    for label, rows in by_label.items():
        tx.run(f"UNWIND $rows AS r MATCH (a:Entity {{id: r.from}}) MATCH (b:Entity {{id: r.to}}) "
               f"CREATE (a)-[x:{label}]->(b) SET x = r.props", rows=rows).consume()
    if snapshot["designations"]:
        tx.run("UNWIND $rows AS r CREATE (d:Designation) SET d = r WITH d, r "
               "MATCH (e:Entity {id: $drop}) CREATE (e)-[:LISTED]->(d)", rows=snapshot["designations"],
               drop=drop_id).consume()
    tx.run("MATCH (r:Redirect {id: $id}) DELETE r", id=drop_id).consume()
    if snapshot["redirects"]:
        tx.run("UNWIND $ids AS i MERGE (x:Redirect {id: i}) SET x.target = $target", ids=snapshot["redirects"],
               target=drop_id).consume()


def delete_relations_tx(tx, rels: list[tuple[str, str, str, str]]) -> None:
    by_label: dict[str, list[dict]] = {}
    for s, t, rtype, rid in rels:
        by_label.setdefault(rel_type(RELATION_LABELS[rtype]), []).append({"s": s, "t": t, "id": rid})
    for label, rows in by_label.items():
        tx.run(f"UNWIND $rows AS k MATCH ()-[x:{label} {{id: k.id}}]->() USING INDEX x:{label}(id) "
               "WHERE startNode(x).id = k.s AND endNode(x).id = k.t DELETE x", rows=rows).consume()
