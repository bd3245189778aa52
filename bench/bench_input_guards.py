"""What the input guards cost: the strict, resynchronising CSV row reader (ingest/csvrows.py) against
the plain csv.reader it wraps, and the JSON depth check (ingest/jsonstream.py) against the same stream
without it. Both sides run in the same process on the same generated files (seeded, under
/tmp/ownerscope-bench, not committed), alternately, best of --repeat each; the result is a ratio.

    .venv/bin/python bench/bench_input_guards.py [--rows N] [--records N] [--repeat R]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ownerscope.ingest import jsonstream  # noqa: E402
from ownerscope.ingest.csvrows import CsvRows  # noqa: E402

OUT = Path("/tmp/ownerscope-bench")


def gen_csv(path: Path, n: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "type", "name", "country", "aliases", "identifiers", "source_url", "notes"])
        for i in range(n):
            w.writerow([f"e{i}", "company", f"Company {i} \"Quoted\" Ltd", "ru", f"Alias {i};Other {i}",
                        f"ru-inn:{rng.randrange(10**10):010d}", f"https://example.org/{i}",
                        "a note, with a comma" if i % 3 else ""])


def gen_bods(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[\n")
        for i in range(n):
            st = {"statementId": f"s{i}", "recordId": f"r{i}", "recordType": "entity",
                  "statementDate": "2020-01-01", "recordDetails": {
                      "entityType": {"type": "registeredEntity"}, "name": f"Company {i}",
                      "identifiers": [{"scheme": "GB-COH", "id": f"{i:08d}"}, {"scheme": "XI-LEI", "id": "X"}],
                      "alternateNames": [f"Alias {i}"], "jurisdiction": {"code": "GB"},
                      "addresses": [{"type": "registered", "address": "1 Street", "country": {"code": "GB"}}]},
                  "source": {"type": ["officialRegister"], "url": "https://example.org/"},
                  "publicationDetails": {"publisher": {"name": "x", "url": "https://example.org/"}}}
            fh.write(("," if i else "") + json.dumps(st, indent=1) + "\n")
        fh.write("]\n")


def csv_plain(path: Path) -> int:
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _ in csv.reader(fh))


def csv_guarded(path: Path) -> int:
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _ in CsvRows(fh))


def json_rows(path: Path) -> int:
    return sum(1 for _ in jsonstream.iter_json(path))


def pair(ref_fn, fn, path: Path, repeat: int, setup_ref=None, undo_ref=None):
    """Run the reference and the guarded reader alternately; (records, best time) of each."""
    ref_t, t_, n_ref, n = [], [], 0, 0
    for _ in range(repeat):
        if setup_ref:
            setup_ref()
        try:
            t = time.perf_counter()
            n_ref = ref_fn(path)
            ref_t.append(time.perf_counter() - t)
        finally:
            if undo_ref:
                undo_ref()
        t = time.perf_counter()
        n = fn(path)
        t_.append(time.perf_counter() - t)
    return (n_ref, min(ref_t)), (n, min(t_))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=500_000)
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    c, j = OUT / "guards-entities.csv", OUT / "guards-bods.json"
    gen_csv(c, args.rows, random.Random(7))
    gen_bods(j, args.records)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print("| reader | records | best time | per second | ratio to the reference |\n|---|---|---|---|---|")
    (n, ref), (n2, guarded) = pair(csv_plain, csv_guarded, c, args.repeat)
    print(f"| csv.reader (reference) | {n:,} | {ref:.2f} s | {n / ref:,.0f} | 1.00 |")
    print(f"| CsvRows (strict, resync) | {n2:,} | {guarded:.2f} s | {n2 / guarded:,.0f} | {guarded / ref:.2f} |")
    real = jsonstream.nesting_problem

    def off():
        jsonstream.nesting_problem = lambda *a, **k: None

    def on():
        jsonstream.nesting_problem = real

    (n, ref), (n2, guarded) = pair(json_rows, json_rows, j, args.repeat, off, on)
    print(f"| iter_json, no depth check (reference) | {n:,} | {ref:.2f} s | {n / ref:,.0f} | 1.00 |")
    print(f"| iter_json with the depth check | {n2:,} | {guarded:.2f} s | {n2 / guarded:,.0f} | {guarded / ref:.2f} |")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
