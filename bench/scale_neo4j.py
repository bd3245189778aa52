"""The Neo4j reference of the scale benchmark: the bundle's rows written with plain UNWIND batches through
the official driver (entities CREATE, relations MATCH + MATCH + CREATE on a uniqueness constraint), under
labels of their own (BenchRef*), timed, then deleted. It is what a careful user would write by hand, and
sets the bar the ownerscope ingest into the same server in the same run is compared with.
"""

from __future__ import annotations

import os
import time

import polars as pl

from .scale_bundle import Bundle
from .scale_measure import DATASET, REL_LABELS, _empty_to_null

BATCH = 10_000
NODE = "BenchRefEntity"
DES = "BenchRefDesignation"


def _driver(url: str):
    import neo4j

    return neo4j.GraphDatabase.driver(url, auth=(os.environ.get("OWNERSCOPE_NEO4J_USER", "neo4j"),
                                                 os.environ.get("OWNERSCOPE_NEO4J_PASSWORD", "")))


def server_version(url: str) -> str:
    with _driver(url) as d:
        rec = d.execute_query("CALL dbms.components() YIELD name, versions, edition "
                              "RETURN name, versions[0] AS v, edition").records[0]
        return f"{rec['name']} {rec['v']} {rec['edition']}"


def _batches(frame: pl.DataFrame):
    for off in range(0, frame.height, BATCH):
        yield frame.slice(off, BATCH).to_dicts()


def _cleanup(session) -> None:
    for label in (NODE, DES):
        session.run(f"MATCH (n:{label}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS").consume()


def reference_load(url: str, b: Bundle) -> dict:
    """Write the bundle's rows with UNWIND batches; seconds for nodes, relations and in all."""
    ents = _empty_to_null(b.entities).with_columns(
        sources=pl.concat_list(pl.lit(DATASET)))
    rels = _empty_to_null(b.relations)
    des = _empty_to_null(b.designations).with_row_index("n").with_columns(
        id=pl.concat_str([pl.lit("des-"), pl.col("n").cast(pl.Utf8)])).drop("n")
    with _driver(url) as d, d.session(database=os.environ.get("OWNERSCOPE_NEO4J_DATABASE", "neo4j")) as s:
        _cleanup(s)
        s.run(f"CREATE CONSTRAINT bench_ref_id IF NOT EXISTS FOR (n:{NODE}) REQUIRE n.id IS UNIQUE").consume()
        s.run("CALL db.awaitIndexes(300)").consume()
        t0 = time.perf_counter()
        for rows in _batches(ents):
            s.run(f"UNWIND $rows AS r CREATE (e:{NODE}) SET e = r", rows=rows).consume()
        for rows in _batches(des):
            s.run(f"UNWIND $rows AS r MATCH (e:{NODE} {{id: r.entity_id}}) CREATE (e)-[:LISTED]->(x:{DES}) "
                  "SET x = r", rows=rows).consume()
        nodes_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        for rtype, label in REL_LABELS.items():
            part = rels.filter(pl.col("type") == rtype).drop("type")
            for rows in _batches(part):
                s.run(f"UNWIND $rows AS r MATCH (a:{NODE} {{id: r.source}}) MATCH (b:{NODE} {{id: r.target}}) "
                      f"CREATE (a)-[x:{label}]->(b) SET x = r", rows=rows).consume()
        rels_s = time.perf_counter() - t1
        stored = s.run(f"MATCH (:{NODE})-[r]->(:{NODE}) RETURN count(r) AS n").single()["n"]
        _cleanup(s)
        s.run("DROP CONSTRAINT bench_ref_id IF EXISTS").consume()
    total = nodes_s + rels_s
    return {"nodes_s": nodes_s, "relations_s": rels_s, "total_s": total, "relations": stored,
            "rels_per_s": b.relations.height / total, "rels_per_s_rel_phase": b.relations.height / rels_s}


def clear_store(url: str) -> None:
    from ownerscope.graph.store import open_store

    s = open_store(url)
    try:
        s.clear()
    finally:
        s.close()
