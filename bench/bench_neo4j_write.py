"""Where the Neo4j write limit is: relationships/s over Bolt for the store's own write path and for
variants of it, on the same generated records, in the same run.

    python bench/bench_neo4j_write.py --neo4j bolt://127.0.0.1:17987 [--entities 50000]
        [--relations 100000] [--variants store,create,create-sorted,merge] [--batch 5000,20000,50000]

Records are generated in memory (no CSV parsing): entities first (through `upsert_entities`), then the
same relations are written by each variant into a cleared relationship set:
  store          Neo4jStore.upsert_relations (a lookup of the ids, then CREATE of the new ones)
  create         UNWIND ... MATCH both ends ... CREATE (no lookup: the relations are known new)
  create-sorted  the same, rows sorted by source id (neighbouring rows lock the same nodes)
  merge          UNWIND ... MATCH both ends ... MERGE (a)-[x:TYPE {id}]->(b) SET x = props
The page cache and heap are the server's (tools/neo4j: OWNERSCOPE_NEO4J_PAGECACHE, OWNERSCOPE_NEO4J_HEAP).
The Neo4j database is CLEARED. Password: OWNERSCOPE_NEO4J_PASSWORD.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time

from ownerscope.graph import rows as R
from ownerscope.graph.model import RELATION_LABELS, Entity, Relation, Source


def records(n_ent: int, n_rel: int, seed: int = 7):
    rng = random.Random(seed)
    src = [Source("bench", "", "https://example.org/x")]
    ents = [Entity(f"e{i}", "company", f"Company {i}", sources=src) for i in range(n_ent)]
    kinds = ["ownership"] * 8 + ["control", "directorship"]
    rels = [Relation(f"e{rng.randrange(n_ent)}", f"e{rng.randrange(n_ent)}", rng.choice(kinds),
                     share=round(rng.uniform(1, 100), 2), role=f"r{i}", sources=src) for i in range(n_rel)]
    return ents, rels


def _drop_relations(store) -> None:
    with store._session() as s:
        s.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS").consume()


def _cypher_variant(store, rels: list[Relation], batch: int, mode: str) -> None:
    by_label: dict[str, list[dict]] = {}
    for r in rels:
        row = R.relation_row(r)
        by_label.setdefault(RELATION_LABELS[r.type], []).append(
            {"from": row.pop("from"), "to": row.pop("to"), "id": row["id"], "props": row})
    for label, rows in by_label.items():
        if mode == "create-sorted":
            rows.sort(key=lambda x: (x["from"], x["to"]))
        if mode == "merge":
            q = (f"UNWIND $rows AS r MATCH (a:Entity {{id: r.from}}) MATCH (b:Entity {{id: r.to}}) "
                 f"MERGE (a)-[x:{label} {{id: r.id}}]->(b) SET x = r.props")
        else:
            q = (f"UNWIND $rows AS r MATCH (a:Entity {{id: r.from}}) MATCH (b:Entity {{id: r.to}}) "
                 f"CREATE (a)-[x:{label}]->(b) SET x = r.props")
        for i in range(0, len(rows), batch):
            chunk = rows[i:i + batch]
            store._write_tx(lambda tx, c: tx.run(q, rows=c).consume(), chunk)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--neo4j", required=True)
    ap.add_argument("--entities", type=int, default=50_000)
    ap.add_argument("--relations", type=int, default=100_000)
    ap.add_argument("--variants", default="store,create,create-sorted,merge")
    ap.add_argument("--batch", default="20000")
    args = ap.parse_args(argv)

    from ownerscope.graph import neo4j as N
    from ownerscope.graph.store import open_store

    ents, rels = records(args.entities, args.relations)
    store = open_store(args.neo4j)
    store.clear()
    t0 = time.perf_counter()
    store.upsert_entities(ents)
    ent_s = time.perf_counter() - t0
    results = [("upsert_entities (empty store)", "20000", len(ents), ent_s)]
    load0 = os.getloadavg()[0]
    for batch in [int(b) for b in args.batch.split(",")]:
        for variant in args.variants.split(","):
            _drop_relations(store)
            t0 = time.perf_counter()
            if variant == "store":
                old = N.CHUNK
                N.CHUNK = batch
                try:
                    store.upsert_relations(rels)
                finally:
                    N.CHUNK = old
            else:
                _cypher_variant(store, rels, batch, variant)
            secs = time.perf_counter() - t0
            n = store._read("MATCH ()-[r]->() RETURN count(r)")[0][0]
            assert n == len(rels), (variant, n)
            results.append((variant, str(batch), len(rels), secs))
            print(f"{variant} batch {batch}: {len(rels) / secs:,.0f} rels/s", file=sys.stderr)
    store.clear()
    store.close()
    ref = next(r for r in results if r[0] == "store")
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, python {platform.python_version()}, "
          f"load average {load0:.2f} (start) / {os.getloadavg()[0]:.2f} (end), "
          f"heap {os.environ.get('OWNERSCOPE_NEO4J_HEAP', '1g')}, page cache "
          f"{os.environ.get('OWNERSCOPE_NEO4J_PAGECACHE', '64m')} (as the server was started)")
    print("| write | batch | records | seconds | records/s | vs store path |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, batch, n, s in results:
        ratio = "" if name.startswith("upsert_entities") else f"{(n / s) / (ref[2] / ref[3]):.2f}"
        print(f"| {name} | {batch} | {n:,} | {s:.2f} | {n / s:,.0f} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
