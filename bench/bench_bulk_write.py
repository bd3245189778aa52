"""Embedded ingest next to the engine's own bulk load of the same files, in the same run.

    python bench/bench_bulk_write.py [--entities 200000] [--relations 400000] [--designations 2000]
        [--before /tmp/bench-before] [--seed 7]

Generates a seeded CSV bundle (80% ownership, some control and directorship, cycles) and times, each in a
fresh process and into a fresh store:

- raw: LadybugDB's own COPY of the same rows (read with polars, projected onto the store's schema, one
  COPY per table): the reference every other figure is divided by;
- `ownerscope ingest csv` under `--before` (a checkout of an earlier commit, e.g.
  `git worktree add --detach /tmp/bench-before main`), when given;
- `ownerscope ingest csv` under this tree;
- re-ingest of the same bundle into the store just loaded (unchanged), and of a copy in which 10% of the
  entities and 10% of the relations carry a changed field.

Printed: wall and CPU seconds (all threads of the process, the fairer figure on a shared machine), rows/s,
ratios to raw, and the re-ingest ratios to the fresh ingest of the same tree. Best kept at a modest size on
a shared machine; each figure is one run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
TYPES = ["company"] * 7 + ["person"] * 3
COUNTRIES = ["ru", "ae", "cy", "gb", "us", "de", "cn", ""]
SYL = ["al", "be", "ka", "ro", "mi", "tra", "nor", "vel", "sta", "gaz", "ost", "dor", "lin", "mar"]


def _name(rng: random.Random) -> str:
    return " ".join("".join(rng.choice(SYL) for _ in range(rng.randint(2, 4))).capitalize()
                    for _ in range(rng.randint(1, 3)))


def write_bundle(folder: Path, entities: int, relations: int, designations: int, seed: int = 7,
                 changed: float = 0.0) -> Path:
    """The seeded bundle; with `changed` > 0, that share of entities get another name and that share of
    relations another share (same ids: an update of the stored record)."""
    rng = random.Random(seed)
    alter = random.Random(seed + 1)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "entities.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "type", "name", "country", "identifiers", "source_url"])
        for i in range(entities):
            name = _name(rng)
            if changed and alter.random() < changed:
                name += " Renamed"
            ident = f"ru-inn:{7700000000 + i}" if rng.random() < 0.3 else ""
            w.writerow([f"e{i}", rng.choice(TYPES), name, rng.choice(COUNTRIES), ident,
                        f"https://example.org/e{i}"])
    with (folder / "relations.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "target", "type", "share", "start_date", "record_id", "source_url"])
        for i in range(relations):
            a = rng.randrange(entities)
            # a third of the links point back to an entity near the owner: chains and cycles
            b = (a + rng.randint(1, 5)) % entities if rng.random() < 0.3 else rng.randrange(entities)
            if a == b:
                b = (a + 1) % entities
            roll = rng.random()
            rtype = "ownership" if roll < 0.8 else "control" if roll < 0.9 else "directorship"
            share = rng.uniform(1, 100) if rtype != "directorship" else None
            if share is not None and changed and alter.random() < changed:
                share = share / 2
            w.writerow([f"e{a}", f"e{b}", rtype, "" if share is None else f"{share:.2f}",
                        f"20{rng.randint(10, 24)}-01-01", f"rec{i}", "https://example.org/rel"])
    with (folder / "designations.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["entity_id", "authority", "program", "start_date", "source_url"])
        for i in range(designations):
            w.writerow([f"e{rng.randrange(entities)}", rng.choice(["us", "eu", "uk"]), f"PROG-{i % 40}",
                        "2022-03-01", "https://example.org/des"])
    return folder


# the engine's own bulk load: the same rows, read with polars and copied table by table (no validation,
# no ids beyond the row's own, no merging): what ingest would cost if it were only the engine
RAW = r"""
import json, sys, time
from pathlib import Path
import ladybug, polars as pl
from ownerscope.graph.embedded import SCHEMA, ENTITY_SCHEMA, REL_SCHEMA, DES_SCHEMA
full = lambda f, schema: f.select([pl.col(c).cast(t) if c in f.columns else pl.lit(None, t).alias(c)
                                   for c, t in schema.items()])
from ownerscope.graph.model import RELATION_LABELS
bundle, db_path = Path(sys.argv[1]), sys.argv[2]
db = ladybug.Database(db_path); conn = ladybug.Connection(db)
for stmt in SCHEMA:
    conn.execute(stmt)
t, c = time.perf_counter(), time.process_time()
src = lambda col: pl.concat_str([pl.lit('{"dataset": "bench", "record_id": "'), col, pl.lit('", "url": ""}')])
ents = pl.read_csv(bundle / "entities.csv", infer_schema=False)
frame = ents.select(pl.col("id"), pl.col("type"), pl.col("name"), pl.lit([], pl.List(pl.Utf8)).alias("aliases"),
                    pl.col("country"), pl.col("identifiers").str.split(";").alias("identifiers"),
                    pl.lit(None, pl.Utf8).alias("notes"), pl.concat_list(src(pl.col("id"))).alias("sources"),
                    pl.col("name").str.to_lowercase().alias("search"))
frame = full(frame, ENTITY_SCHEMA)
conn.execute("COPY Entity FROM frame")
rels = pl.read_csv(bundle / "relations.csv", infer_schema=False)
for rtype, part in rels.partition_by("type", as_dict=True).items():
    frame = part.select(pl.col("source").alias("from"), pl.col("target").alias("to"), pl.col("record_id").alias("id"),
                        pl.col("share").cast(pl.Float64), pl.col("start_date"),
                        pl.concat_list(src(pl.col("record_id"))).alias("sources"))
    frame = full(frame, REL_SCHEMA)
    conn.execute(f"COPY {RELATION_LABELS[rtype[0]]} FROM frame")
des = pl.read_csv(bundle / "designations.csv", infer_schema=False).with_row_index("n")
frame = des.select(pl.format("des-{}", pl.col("n")).alias("id"), pl.col("entity_id"), pl.col("authority"),
                   pl.col("program"), pl.col("start_date"))
frame = full(frame, DES_SCHEMA)
conn.execute("COPY Designation FROM frame")
frame = frame.select(pl.col("entity_id").alias("from"), pl.col("id").alias("to"))
conn.execute("COPY LISTED FROM frame")
print(json.dumps({"s": time.perf_counter() - t, "cpu": time.process_time() - c,
                  "n": ents.height + rels.height + des.height}))
"""

INGEST = r"""
import json, sys, time
from pathlib import Path
from ownerscope.graph.embedded import EmbeddedStore
from ownerscope.ingest.run import run_ingest
from ownerscope.ingest.registry import get_adapter
get_adapter("csv"), get_adapter("ftm")  # imports out of the timing
bundle, db_path, q = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
store = EmbeddedStore(db_path)
t, c = time.perf_counter(), time.process_time()
rep = run_ingest("csv", [bundle], store=store, show_progress=False, dataset="bench", quarantine=q)
store.close()
print(json.dumps({"s": time.perf_counter() - t, "cpu": time.process_time() - c, "n": rep.read, "stored": rep.stored, "merged": rep.merged,
                  "quarantined": rep.quarantined, "balanced": rep.balanced}))
"""


def run(tree: Path, script: str, *args) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", script, *map(str, args)], env=env, cwd=tree,
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{tree}: {out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=200_000)
    ap.add_argument("--relations", type=int, default=400_000)
    ap.add_argument("--designations", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--before", type=Path, help="an earlier checkout to compare against")
    ap.add_argument("--after", type=Path, default=HERE.parent)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ownerscope-bulk-"))
    try:
        sizes = (args.entities, args.relations, args.designations)
        bundle = write_bundle(work / "bundle", *sizes, seed=args.seed)
        changed = write_bundle(work / "changed", *sizes, seed=args.seed, changed=0.10)
        res: dict[str, dict] = {}
        res["raw"] = run(args.after, RAW, bundle, work / "raw.lbug")
        trees = [("before", args.before)] if args.before else []
        for label, tree in trees + [("after", args.after)]:
            db = work / f"{label}.lbug"
            res[label] = run(tree, INGEST, bundle, db, work / f"{label}-q.jsonl")
            res[f"{label} re-ingest unchanged"] = run(tree, INGEST, bundle, db, work / f"{label}-q2.jsonl")
            res[f"{label} re-ingest 10% changed"] = run(tree, INGEST, changed, db, work / f"{label}-q3.jsonl")
        raw = res["raw"]["s"]
        print(f"# {sizes[0]:,} entities, {sizes[1]:,} relations, {sizes[2]:,} designations; "
              f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
              f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
        cpu_raw = res["raw"]["cpu"]
        print(f"{'':28s} {'wall s':>8s} {'rows/s':>10s} {'/raw':>6s} {'cpu s':>8s} {'/raw':>6s}  re-ingest / fresh")
        for label, r in res.items():
            base = label.split(" ")[0]
            extra = ""
            if "re-ingest" in label:
                extra = (f"  wall {r['s'] / res[base]['s']:.2f}x, cpu {r['cpu'] / res[base]['cpu']:.2f}x")
            print(f"{label:28s} {r['s']:8.1f} {r['n'] / r['s']:10,.0f} {r['s'] / raw:6.2f} {r['cpu']:8.1f} "
                  f"{r['cpu'] / cpu_raw:6.2f}{extra}"
                  + (f"  (stored {r['stored']:,}, merged {r['merged']:,}, balanced {r['balanced']})"
                     if "stored" in r else ""))
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
