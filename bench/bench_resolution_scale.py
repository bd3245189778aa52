"""Entity resolution on a large store: does `ownerscope resolve run` complete on 200k entities, and how long
does each step take, on Neo4j and on the embedded store, in the same run.

    python bench/bench_resolution_scale.py --neo4j bolt://127.0.0.1:17687 [--entities 200000] [--shared 2000]

Two seeded CSV bundles of entities/2 each (two datasets, so they are compared); `--shared` entities of the
second restate one of the first: half with the same INN (an exact merge), half with a close spelling of the
name and the same country (a name merge or a review candidate). Resolution reads its records through the
store protocol (a plain read transaction on Neo4j: no console timeout, no row cap). The Neo4j database is
CLEARED: point it at a scratch server (tools/neo4j/neo4j-test-server). Password: OWNERSCOPE_NEO4J_PASSWORD.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import shutil
import tempfile
import time
from pathlib import Path

SYL = ["al", "be", "ka", "ro", "mi", "tra", "nor", "vel", "sta", "gaz", "ost", "dor", "lin", "mar", "sev",
       "pol", "kur", "zan", "tek", "vor"]


def _name(rng: random.Random) -> str:
    return " ".join("".join(rng.choice(SYL) for _ in range(rng.randint(2, 4))).capitalize()
                    for _ in range(rng.randint(2, 3)))


def _respell(rng: random.Random, name: str) -> str:
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1:] if name[i] != " " else name + "o"


def write_bundles(root: Path, entities: int, shared: int, seed: int = 11) -> tuple[Path, Path]:
    rng = random.Random(seed)
    half = entities // 2
    first = []
    a_dir, b_dir = root / "a", root / "b"
    for d in (a_dir, b_dir):
        d.mkdir(parents=True, exist_ok=True)
    with (a_dir / "entities.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "type", "name", "country", "identifiers", "source_url"])
        for i in range(half):
            row = [f"a{i}", "company", _name(rng), rng.choice(["ru", "ae", "cy", "kz"]), f"ru-inn:{7700000000 + i}",
                   f"https://example.org/a{i}"]
            first.append(row)
            w.writerow(row)
    picks = rng.sample(range(half), shared)
    with (b_dir / "entities.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "type", "name", "country", "identifiers", "source_url"])
        for k, i in enumerate(picks):
            src = first[i]
            if k % 2 == 0:  # same INN, another spelling: an exact identifier merge
                w.writerow([f"b{k}", "company", src[2].upper(), src[3], src[4], f"https://example.com/b{k}"])
            else:  # a close spelling, no identifier
                w.writerow([f"b{k}", "company", _respell(rng, src[2]), src[3], "", f"https://example.com/b{k}"])
        for k in range(shared, half):
            w.writerow([f"b{k}", "company", _name(rng), rng.choice(["ru", "ae", "cy", "kz"]),
                        f"ru-inn:{8800000000 + k}", f"https://example.com/b{k}"])
    return a_dir, b_dir


def run_backend(url: str, a_dir: Path, b_dir: Path) -> dict:
    from ownerscope.core import Core
    from ownerscope.graph.store import open_store

    store = open_store(url)
    try:
        store.clear()
        core = Core(store)
        t = time.perf_counter()
        core.ingest("csv", [a_dir], dataset="bench-a", show_progress=False)
        core.ingest("csv", [b_dir], dataset="bench-b", show_progress=False)
        ingest_s = time.perf_counter() - t
        t = time.perf_counter()
        records = store.resolution_records()
        read_s = time.perf_counter() - t
        t = time.perf_counter()
        rep = core.resolve_run()
        resolve_s = time.perf_counter() - t
        n = sum(core.counts()["entities"].values())
    finally:
        store.close()
    return {"ingest_s": ingest_s, "records": len(records), "read_s": read_s, "resolve_s": resolve_s,
            "merged": len(rep.merged), "candidates": rep.candidates, "entities_after": n}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--neo4j", help="bolt:// URL of a scratch Neo4j server (CLEARED)")
    ap.add_argument("--entities", type=int, default=200_000)
    ap.add_argument("--shared", type=int, default=2_000)
    ap.add_argument("--no-embedded", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ownerscope-bench-resolve-"))
    os.environ.setdefault("OWNERSCOPE_HOME", str(tmp / "home"))
    try:
        a_dir, b_dir = write_bundles(tmp, args.entities, args.shared)
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}; "
              f"load average before: {os.getloadavg()}", flush=True)
        runs = []
        if not args.no_embedded:
            runs.append(("embedded", str(tmp / "store.lbug")))
        if args.neo4j:
            runs.append(("neo4j", args.neo4j))
        for name, url in runs:
            r = run_backend(url, a_dir, b_dir)
            print(f"{name}: {args.entities:,} entities ingested in {r['ingest_s']:.1f} s; resolution records "
                  f"read: {r['records']:,} in {r['read_s']:.1f} s; resolve run {r['resolve_s']:.1f} s: merged "
                  f"{r['merged']:,}, {r['candidates']:,} candidates, {r['entities_after']:,} entities after; "
                  f"load average {os.getloadavg()}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
