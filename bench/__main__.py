"""The scale benchmark of issue 12: one command for every figure, written into BENCHMARKS.md.

    python -m bench --size 100k [--neo4j bolt://127.0.0.1:17787] [--out BENCHMARKS.md] [--work DIR]

Steps (progress on stderr):
  1. a seeded CSV bundle (bench/scale_bundle.py): at 1m, 1M entities, 2M relations (80% ownership with
     shares, control, directorship, cycles) and 10k designations; other sizes in proportion. Also a copy
     with 10% of the rows changed. Written under --work (default: a temporary folder, removed at the end).
  2. embedded: the raw LadybugDB COPY of the same data (Parquet) into a fresh database with the store's
     schema, then `ownerscope ingest csv` into a fresh store (a subprocess: wall time, peak RSS), the
     ratio; exposure per regime and for all three (through Core); search / expand / paths p50 and p95
     (the explorer's calls); the naive 10-hop Cypher path product beside the engine's fixpoint, with a
     timeout; then re-ingest of the unchanged bundle and of the 10%-changed one (ratios to the fresh one).
  3. Neo4j, with --neo4j (password from OWNERSCOPE_NEO4J_PASSWORD; the database is CLEARED, use a scratch
     server): plain UNWIND batches of the same rows as a reference, the ownerscope ingest, exposure,
     search / expand / paths and the path-product query.
  4. the section between `<!-- bench:scale:SIZE start -->` and `<!-- bench:scale:SIZE end -->` of --out
     is rewritten (appended when absent); the rest of the file is left as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from . import scale_bundle, scale_measure as M, scale_report

SAMPLES = {"10k": 20, "100k": 50, "1m": 100, "5m": 100}


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", required=True, choices=list(scale_bundle.SIZES),
                    help="entities in the generated bundle (relations 2x, designations 1%%)")
    ap.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    ap.add_argument("--out", type=Path, default=scale_report.ROOT / "BENCHMARKS.md",
                    help="the Markdown file whose marked section is rewritten (default: the repo's BENCHMARKS.md)")
    ap.add_argument("--json", type=Path, help="also write every measured figure as JSON here")
    ap.add_argument("--work", type=Path, help="folder for the bundle and the stores (default: a temporary "
                    "folder, removed afterwards); kept when given")
    ap.add_argument("--neo4j", metavar="URL", help="a scratch Neo4j server (bolt://...), which is CLEARED")
    ap.add_argument("--neo4j-memory", default="server memory as its launcher set it",
                    help="how the Neo4j server's heap and page cache were set, for the report")
    ap.add_argument("--samples", type=int, help="inputs per latency figure (default by size: "
                    + ", ".join(f"{k} {v}" for k, v in SAMPLES.items()) + ")")
    ap.add_argument("--path-timeout", type=float, default=120.0,
                    help="seconds the naive path-product query may run before it is stopped (default 120)")
    return ap.parse_args(argv)


def run(args: argparse.Namespace, work: Path, res: dict) -> dict:
    """Every step, its figures filled into `res` as they are measured (so a stopped run keeps them)."""
    n = scale_bundle.entity_count(args.size)
    M.say(f"generating the {args.size} bundle ({n:,} entities) in {work}")
    t0 = time.perf_counter()
    bundle = scale_bundle.generate(work / "bundle", n, args.seed)
    changed = scale_bundle.changed_bundle(bundle, work / "bundle-changed")
    res["generated"] = {**bundle.counts(), "seconds": time.perf_counter() - t0}
    M.say(f"generated in {res['generated']['seconds']:.1f} s: {bundle.relations.height:,} relations, "
          f"{bundle.designations.height:,} designations")
    queries = M.sample_queries(bundle, args.samples or SAMPLES[args.size])

    emb: dict = {}
    res["embedded"] = emb
    M.say("raw LadybugDB COPY of the same data")
    emb["raw"] = M.raw_copy(bundle, work)
    M.say(f"raw COPY {emb['raw']['total_s']:.2f} s")
    store = str(work / "store.lbug")
    M.say("ownerscope ingest csv into a fresh embedded store")
    emb["fresh"] = M.ingest_cli(bundle.folder, store, work / "q-fresh.jsonl")
    M.say(f"fresh ingest {emb['fresh']['seconds']:.1f} s, peak RSS {emb['fresh']['rss_mb']:.0f} MB")
    res["stored"] = M.store_counts(store)
    M.say("exposure (ofac, eu, uk, all three)")
    emb["exposure"] = M.exposure(store)
    M.say(f"exposure, all three: {emb['exposure']['all_s']:.2f} s; search / expand / paths")
    emb["latency"] = M.latency(store, queries)
    M.say(f"naive 10-hop path product (timeout {args.path_timeout:g} s)")
    emb["naive"] = M.naive_path_product(store, args.path_timeout)
    M.say("re-ingest of the unchanged bundle")
    emb["again"] = M.ingest_cli(bundle.folder, store, work / "q-again.jsonl")
    M.say(f"re-ingest unchanged {emb['again']['seconds']:.1f} s; re-ingest with 10% changed")
    emb["changed"] = M.ingest_cli(changed.folder, store, work / "q-changed.jsonl")
    emb["stored_after_changed"] = M.store_counts(store)
    M.say(f"re-ingest changed {emb['changed']['seconds']:.1f} s")

    server = None
    if args.neo4j:
        from . import scale_neo4j as N

        server = N.server_version(args.neo4j)
        neo: dict = {"server": server, "memory": args.neo4j_memory}
        res["neo4j"] = neo
        M.say(f"Neo4j {server}: plain UNWIND reference load")
        N.clear_store(args.neo4j)
        neo["reference"] = N.reference_load(args.neo4j, bundle)
        M.say(f"reference {neo['reference']['total_s']:.1f} s; ownerscope ingest into Neo4j")
        N.clear_store(args.neo4j)
        neo["ingest"] = M.ingest_cli(bundle.folder, args.neo4j, work / "q-neo4j.jsonl")
        neo["stored"] = M.store_counts(args.neo4j)
        neo["ingest"]["relations"] = neo["stored"]["relations"]
        M.say(f"Neo4j ingest {neo['ingest']['seconds']:.1f} s; exposure, search / expand / paths")
        neo["exposure"] = M.exposure(args.neo4j)
        neo["latency"] = M.latency(args.neo4j, queries)
        M.say(f"Neo4j naive path product (timeout {args.path_timeout:g} s)")
        neo["naive"] = M.naive_path_product(args.neo4j, args.path_timeout)
        res["versions"] = scale_report.versions(server)
    return res


def _stop(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.neo4j and not os.environ.get("OWNERSCOPE_NEO4J_PASSWORD"):
        print("--neo4j needs OWNERSCOPE_NEO4J_PASSWORD", file=sys.stderr)
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix=f"ownerscope-scale-{args.size}-"))
    work.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, _stop)  # a stopped run still writes what it measured
    t_start = time.perf_counter()
    res: dict = {"size": args.size, "seed": args.seed, "load_before": _load(),
                 "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 "machine": scale_report.machine(), "versions": scale_report.versions()}
    try:
        run(args, work, res)
    except (KeyboardInterrupt, Exception) as e:  # noqa: BLE001 - reported, and the exit code says so
        res["stopped"] = f"{type(e).__name__}: {e}".strip(": ")
        M.say(f"stopped: {res['stopped']}")
        if "generated" not in res:
            raise
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    res["load_after"] = _load()
    res["wall_s"] = time.perf_counter() - t_start
    text = scale_report.section(res)
    scale_report.write_section(args.out, text, args.size)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")
    M.say(f"wrote the {args.size} section of {args.out}")
    print(text)
    return 1 if res.get("stopped") else 0


if __name__ == "__main__":
    sys.exit(main())
