"""Parse and ingest rates of the same generated files under two source trees, interleaved, best of N.

    python bench/bench_compare_trees.py --before /tmp/bench-before [--after .] [--rounds 3] [--rows 20000]

`--before` is a checkout of an earlier commit (`git worktree add --detach /tmp/bench-before COMMIT`). Each
measurement runs in a fresh process with PYTHONPATH set to the tree, alternating before/after, and the
best (shortest) of the rounds is kept: on a shared, noisy machine the minimum is the figure least
disturbed by other jobs. Imports and FollowTheMoney's model are loaded before the clock starts. Printed: records per second for each tree and the ratio after/before. The files
are generated once with a fixed seed (bench_adapters_sanctions / bench_adapters_registers) under /tmp.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent

# one measurement, run inside the tree's process: prints {"n": records, "s": seconds}
PROBE = r"""
import json, sys, time, tempfile
from pathlib import Path
fmt, path, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
from ownerscope.ingest.registry import get_adapter
adapter = get_adapter(fmt)
# fixed costs out of the timing: FollowTheMoney's model (YAML, read on first use) and the country names
from followthemoney import model, registry
model.get("Person"), registry.country.clean("Russia")
t = time.perf_counter()
if mode == "parse":
    n = sum(1 for _ in adapter.read([path], "bench"))
else:
    from ownerscope.graph.embedded import EmbeddedStore
    from ownerscope.ingest.run import run_ingest
    d = Path(tempfile.mkdtemp(prefix="ownerscope-cmp-"))
    store = EmbeddedStore(d / "s.lbug")
    t = time.perf_counter()
    rep = run_ingest(fmt, [path], store=store, show_progress=False, dataset="bench", quarantine=d / "q.jsonl")
    n = rep.read
    store.close()
print(json.dumps({"n": n, "s": time.perf_counter() - t}))
"""


def files(rows: int) -> dict[str, Path]:
    sys.path.insert(0, str(HERE))
    import bench_adapters_registers as reg
    import bench_adapters_sanctions as san

    out = Path("/tmp/ownerscope-cmp")
    out.mkdir(exist_ok=True)
    made = {"ftm": out / f"ftm-{rows}.ftm.json", "ofac-sdn": out / f"sdn-{rows}.csv",
            "uk-sanctions": out / f"uk-{rows}.csv", "bods": out / f"bods-{rows}.json",
            "uk-psc": out / f"psc-{rows}.jsonl"}
    if not made["ftm"].exists():
        san.gen_ftm(made["ftm"], rows)
    if not made["ofac-sdn"].exists():
        san.gen_sdn(made["ofac-sdn"], rows // 3)
    if not made["uk-sanctions"].exists():
        san.gen_uk(made["uk-sanctions"], rows // 2)
    if not made["bods"].exists():
        reg.gen_bods(made["bods"], rows, random.Random(7))
    if not made["uk-psc"].exists():
        reg.gen_psc(made["uk-psc"], rows, random.Random(7))
    return made


def probe(tree: Path, fmt: str, path: Path, mode: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", PROBE, fmt, str(path), mode], env=env, cwd=tree,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", type=Path, required=True)
    ap.add_argument("--after", type=Path, default=HERE.parent)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rows", type=int, default=20_000)
    args = ap.parse_args()
    made = files(args.rows)
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    load = os.getloadavg()
    print(f"<!-- {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; "
          f"best of {args.rounds} interleaved rounds -->")
    print("| adapter, step | records | before rec/s | after rec/s | after / before |\n|---|---:|---:|---:|---:|")
    for fmt, path in made.items():
        for mode in ("parse", "ingest"):
            best = {k: None for k in trees}
            for _ in range(args.rounds):
                for name, tree in trees.items():
                    r = probe(tree, fmt, path, mode)
                    if best[name] is None or r["s"] < best[name]["s"]:
                        best[name] = r
            b, a = (best[k]["n"] / best[k]["s"] for k in ("before", "after"))
            print(f"| {fmt} {mode} | {best['after']['n']:,} | {b:,.0f} | {a:,.0f} | {a / b:.2f} |", flush=True)
    load = os.getloadavg()
    print(f"<!-- load at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} -->")


if __name__ == "__main__":
    main()
