"""Records per second of the ftm, ofac-sdn and uk-sanctions adapters, and of entity resolution.

    /tmp/venv/bin/python bench/bench_adapters_sanctions.py [--rows 1000000] [--ingest-rows 200000]

- parse: the adapter alone (file -> model records), on the real files and on generated files of --rows
  records (written to /tmp with a fixed seed, never committed);
- ingest: the whole pipeline into a fresh embedded store (batches, upserts, pending links), on the real
  sdn.csv and on generated files of --ingest-rows records;
- resolve: `resolve.run` on a store holding sdn.csv and the OpenSanctions zala export.
Real files are read from ../shared/data when present.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("OWNERSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data"))
OUT = Path(tempfile.gettempdir()) / "ownerscope-bench-sanctions"


def gen_ftm(path: Path, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    companies = max(n // 4, 1)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            k = i % 4
            if k == 0:
                obj = {"id": f"c{i}", "schema": "Company", "properties": {
                    "name": [f"Company {rnd.randrange(10**9)} LLC"], "jurisdiction": ["ru"],
                    "innCode": [str(rnd.randrange(10**9, 10**10))]}, "datasets": ["gen"]}
            elif k == 1:
                obj = {"id": f"p{i}", "schema": "Person", "properties": {
                    "name": [f"Person {rnd.randrange(10**9)}"], "country": ["ru"]}, "datasets": ["gen"]}
            elif k == 2:
                owner = f"p{rnd.randrange(companies) * 4 + 1}"
                asset = f"c{rnd.randrange(companies) * 4}"
                obj = {"id": f"o{i}", "schema": "Ownership", "properties": {
                    "owner": [owner], "asset": [asset], "percentage": [str(rnd.randrange(1, 100))],
                    "startDate": ["2020-01-01"]}, "datasets": ["gen"]}
            else:
                obj = {"id": f"s{i}", "schema": "Sanction", "properties": {
                    "entity": [f"c{rnd.randrange(companies) * 4}"], "authority": ["OFAC"],
                    "program": ["RUSSIA-EO14024"], "startDate": ["2022-04-06"]}, "datasets": ["gen"]}
            fh.write(json.dumps(obj) + "\n")


def gen_sdn(path: Path, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with path.open("w", encoding="latin-1", newline="") as fh:
        for i in range(1, n + 1):
            link = f"; Linked To: ENTITY {rnd.randrange(1, i + 1)} LLC" if i > 1 and i % 3 == 0 else ""
            kind = "\"individual\"" if i % 2 else "-0- "
            fh.write(f'{i},"ENTITY {i} LLC",{kind},"RUSSIA-EO14024] [UKRAINE-EO13662",-0- ,-0- ,-0- ,-0- ,-0- ,'
                     f'-0- ,-0- ,"Tax ID No. {rnd.randrange(10**9, 10**10)} (Russia); a.k.a. \'E{i}\'{link}."\r\n')


def gen_uk(path: Path, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    header = ("Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,DOB,Country,Other Information,Group Type,"
              "Alias Type,Regime,Listed On,Group ID\n")
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Last Updated,01/01/2024\n" + header)
        for i in range(n):
            group = i // 2
            alias = "Prime Alias" if i % 2 == 0 else "AKA"
            fh.write(f"NAME{rnd.randrange(10**6)},Given,,,,,,,Russia,,Individual,{alias},Russia,"
                     f"{rnd.randrange(1, 28):02d}/03/2022,{group}\n")


def parse_rate(fmt: str, path: Path) -> tuple[int, float]:
    from ownerscope.ingest.registry import get_adapter

    adapter = get_adapter(fmt)
    t = time.perf_counter()
    n = sum(1 for _ in adapter.read([path], "bench"))
    return n, time.perf_counter() - t


def ingest_rate(fmt: str, path: Path, store_dir: Path) -> tuple[int, float]:
    from ownerscope.graph.store import open_store
    from ownerscope.ingest.run import run_ingest

    shutil.rmtree(store_dir, ignore_errors=True)
    store_dir.mkdir(parents=True)
    store = open_store(str(store_dir / "s.lbug"))
    try:
        t = time.perf_counter()
        rep = run_ingest(fmt, [path], store=store, show_progress=False, quarantine=store_dir / "q.jsonl")
        return rep.read, time.perf_counter() - t
    finally:
        store.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--ingest-rows", type=int, default=200_000)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("OWNERSCOPE_HOME", str(OUT / "home"))
    print(f"# {platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}")
    real = {"ftm": SHARED / "opensanctions" / "zala.ftm.json", "ofac-sdn": SHARED / "ofac" / "sdn.csv",
            "uk-sanctions": SHARED / "uk_ofsi" / "ConList.csv"}
    gens = {"ftm": gen_ftm, "ofac-sdn": gen_sdn, "uk-sanctions": gen_uk}
    names = {"ftm": "gen.ftm.json", "ofac-sdn": "sdn-gen.csv", "uk-sanctions": "ConList-gen.csv"}
    for fmt in ("ftm", "ofac-sdn", "uk-sanctions"):
        if real[fmt].is_file():
            n, s = parse_rate(fmt, real[fmt])
            print(flush=True)
            print(f"{fmt:13s} parse  real {real[fmt].name:16s} {n:>9,} records {s:7.2f} s {n / s:>10,.0f} rec/s")
        big = OUT / names[fmt]
        gens[fmt](big, args.rows)
        n, s = parse_rate(fmt, big)
        print(f"{fmt:13s} parse  gen  {args.rows:>16,} {n:>9,} records {s:7.2f} s {n / s:>10,.0f} rec/s")
        small = OUT / ("small-" + names[fmt])
        gens[fmt](small, args.ingest_rows)
        n, s = ingest_rate(fmt, small, OUT / f"store-{fmt}")
        print(f"{fmt:13s} ingest gen  {args.ingest_rows:>16,} {n:>9,} records {s:7.2f} s {n / s:>10,.0f} rec/s")
    if real["ofac-sdn"].is_file():
        n, s = ingest_rate("ofac-sdn", real["ofac-sdn"], OUT / "store-sdn")
        print(f"{'ofac-sdn':13s} ingest real {'sdn.csv':16s} {n:>9,} records {s:7.2f} s {n / s:>10,.0f} rec/s")
        from ownerscope.graph.store import open_store
        from ownerscope.ingest import resolve
        from ownerscope.ingest.run import run_ingest

        store = open_store(str(OUT / "store-sdn" / "s.lbug"))
        try:
            run_ingest("ftm", [real["ftm"]], store=store, show_progress=False, quarantine=OUT / "q.jsonl")
            t = time.perf_counter()
            rep = resolve.run(store)
            s = time.perf_counter() - t
            print(f"resolve       sdn.csv + zala: {rep.compared:,} entities, {len(rep.merged)} merged, "
                  f"{rep.candidates} candidates in {s:.2f} s")
        finally:
            store.close()


if __name__ == "__main__":
    main()
