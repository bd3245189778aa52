"""Ingest the same data into the embedded store and into Neo4j, and time both.

    python bench/bench_ingest_backends.py --neo4j bolt://127.0.0.1:17688 [--entities 100000]
        [--relations 200000] [--designations 10000] [--seed 7] [--batch-size 100000 (the pipeline default)]

Data: a seeded, generated CSV bundle (see `write_bundle`) and the bundled demo (ownerscope/demo/seed_case).
Each run starts from an empty store; the generated bundle is then ingested a second time to time the
upsert path (every record exists and is merged). Neo4j's password comes from OWNERSCOPE_NEO4J_PASSWORD.
The Neo4j database is CLEARED: point it at a scratch server (tools/neo4j/neo4j-test-server).
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from ownerscope.ingest.pipeline import DEFAULT_BATCH

TYPES = ["company"] * 6 + ["person"] * 3 + ["organization", "vessel", "public_body"]
REL_TYPES = ["ownership"] * 12 + ["control"] * 2 + ["directorship"] * 4 + ["family", "associate", "linked"]
AUTHORITIES = ["us", "eu", "uk", "un", "ca", "ch"]
COUNTRIES = ["ru", "ae", "cy", "gb", "us", "de", "cn", "tr", "kz", ""]
SYL = ["al", "be", "ka", "ro", "mi", "tra", "nor", "vel", "sta", "gaz", "ost", "dor", "lin", "mar", "sev"]


def _name(rng: random.Random) -> str:
    words = ["".join(rng.choice(SYL) for _ in range(rng.randint(2, 4))).capitalize()
             for _ in range(rng.randint(1, 3))]
    return " ".join(words) + rng.choice(["", " LLC", " Holdings", " Ltd", " JSC", " DMCC"])


def write_bundle(folder: Path, entities: int, relations: int, designations: int, seed: int = 7) -> Path:
    """A seeded CSV bundle: `entities` entities, `relations` links between random entities (ids unique per
    row, so every row stores), `designations` listings. Same arguments, same files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "entities.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "type", "name", "country", "aliases", "identifiers", "source_url"])
        for i in range(entities):
            aliases = _name(rng) if rng.random() < 0.2 else ""
            ident = f"ru-inn:{7700000000 + i}" if rng.random() < 0.3 else ""
            w.writerow([f"e{i}", rng.choice(TYPES), _name(rng), rng.choice(COUNTRIES), aliases, ident,
                        f"https://example.org/e{i}"])
    with (folder / "relations.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "target", "type", "share", "start_date", "role", "source_url"])
        for i in range(relations):
            a, b = rng.randrange(entities), rng.randrange(entities)
            rtype = rng.choice(REL_TYPES)
            share = f"{rng.uniform(1, 100):.2f}" if rtype == "ownership" and rng.random() < 0.8 else ""
            # the row number as role keeps every generated relation distinct (relation ids hash the role)
            w.writerow([f"e{a}", f"e{b}", rtype, share, f"20{rng.randint(10, 24)}-01-01", f"r{i}",
                        "https://example.org/rel"])
    with (folder / "designations.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["entity_id", "authority", "program", "start_date", "source_url"])
        for i in range(designations):
            w.writerow([f"e{rng.randrange(entities)}", rng.choice(AUTHORITIES), f"PROG-{i}", "2022-03-01",
                        "https://example.org/des"])
    return folder


def _ingest(path: Path, store, label: str, batch_size: int) -> dict:
    from ownerscope.ingest.run import run_ingest

    t0 = time.perf_counter()
    report = run_ingest("csv", [path], dataset=f"bench:{path.name}", store=store, show_progress=False,
                        batch_size=batch_size, quarantine=Path(tempfile.gettempdir()) / "bench-quarantine.jsonl")
    secs = time.perf_counter() - t0
    return {"run": label, "rows": report.read, "stored": report.stored, "quarantined": report.quarantined,
            "seconds": round(secs, 2), "rows_per_s": round(report.read / secs)}


def _backend(name: str, url: str, work: Path):
    from ownerscope.graph.store import open_store

    if name == "embedded":
        return open_store(str(Path(tempfile.mkdtemp(dir=work)) / "bench.lbug"))
    store = open_store(url)
    store.clear()
    return store


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--neo4j", required=True, help="Bolt URL of a scratch Neo4j server (it is cleared)")
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--relations", type=int, default=200_000)
    ap.add_argument("--designations", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    ap.add_argument("--backends", default="embedded,neo4j")
    args = ap.parse_args(argv)

    from ownerscope.demo import SEED_CASE

    import neo4j
    from neo4j._codec.packstream import v1 as packstream

    rust = "yes" if getattr(packstream, "_rust_pack", None) else "no"  # neo4j-rust-ext in use

    work = Path(tempfile.mkdtemp(prefix="ownerscope-bench-"))
    try:
        t0 = time.perf_counter()
        bundle = write_bundle(work / "generated", args.entities, args.relations, args.designations, args.seed)
        print(f"generated bundle in {time.perf_counter() - t0:.1f} s: {bundle}", file=sys.stderr)
        results = []
        for backend in args.backends.split(","):
            for data, label, twice in ((SEED_CASE, "demo", False), (bundle, "generated", True)):
                store = _backend(backend, args.neo4j, work)
                try:
                    r = _ingest(data, store, f"{backend} {label} (empty store)", args.batch_size)
                    results.append(r)
                    print(json.dumps(r), file=sys.stderr)
                    if twice:
                        r = _ingest(data, store, f"{backend} {label} again (all upserts)", args.batch_size)
                        results.append(r)
                        print(json.dumps(r), file=sys.stderr)
                    counts = store.counts()
                finally:
                    store.close()
                results[-1]["counts"] = {k: sum(v.values()) for k, v in counts.items()}
        print(f"machine: {platform.machine()}, python {platform.python_version()}, neo4j driver "
              f"{neo4j.__version__}, neo4j-rust-ext: {rust}, batch size {args.batch_size}")
        print("| run | rows | seconds | rows/s |")
        print("| --- | ---: | ---: | ---: |")
        for r in results:
            print(f"| {r['run']} | {r['rows']:,} | {r['seconds']:.2f} | {r['rows_per_s']:,} |")
        for r in results:
            if "counts" in r:
                print(f"counts after {r['run']}: {r['counts']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
