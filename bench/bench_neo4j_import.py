"""The offline initial load into Neo4j (`ownerscope export neo4j-import` + Neo4j's own import tool) next
to the Bolt ingest of the same bundle, in the same run.

    python bench/bench_neo4j_import.py --port 17987 [--entities 70000] [--relations 130000]
        [--designations 5000] [--seed 7] [--no-bolt]

The server on PORT must be a tools/neo4j/neo4j-test-server instance: it is STOPPED, its database replaced
by the import, and started again (then cleared for the Bolt reference). Password: OWNERSCOPE_NEO4J_PASSWORD.
Steps timed: the bundle into an embedded store (the source), the export, the import tool (its own
"IMPORT DONE" figure and the wall clock including the JVM start), `finish_import` (constraints, indexes,
empty lists) and, as the reference, `ownerscope ingest csv` of the same bundle over Bolt.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest_backends import _ingest, write_bundle  # noqa: E402

TOOL = Path(__file__).resolve().parents[1] / "tools" / "neo4j" / "neo4j-test-server"


def _tool(*args: str) -> str:
    proc = subprocess.run([str(TOOL), *args], capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"{args}: {proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return proc.stdout


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--entities", type=int, default=70_000)
    ap.add_argument("--relations", type=int, default=130_000)
    ap.add_argument("--designations", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-bolt", action="store_true", help="skip the Bolt reference")
    args = ap.parse_args(argv)

    from ownerscope.graph import neo4j_import as NI
    from ownerscope.graph.store import open_store
    from ownerscope.ingest.pipeline import DEFAULT_BATCH

    url = f"bolt://127.0.0.1:{args.port}"
    work = Path(tempfile.mkdtemp(prefix="ownerscope-bench-import-"))
    bundle = write_bundle(work / "bundle", args.entities, args.relations, args.designations, args.seed)
    src = open_store(str(work / "src.lbug"))
    r = _ingest(bundle, src, "embedded (source)", DEFAULT_BATCH)
    t0 = time.perf_counter()
    files = NI.write_import_files(src, work / "import")
    export_s = time.perf_counter() - t0
    src.close()
    rows = files.rows
    _tool("stop", "--port", str(args.port))
    t0 = time.perf_counter()
    log = _tool("import", "--port", str(args.port), "--", "neo4j", f"@{files.args_file}")
    import_wall = time.perf_counter() - t0
    m = re.search(r"IMPORT DONE in (?:(\d+)m )?(\d+)s (\d+)ms", log)
    import_s = (int(m.group(1) or 0) * 60 + int(m.group(2)) + int(m.group(3)) / 1000) if m else import_wall
    _tool("start", "--port", str(args.port))
    neo = open_store(url)
    t0 = time.perf_counter()
    NI.finish_import(neo)
    finish_s = time.perf_counter() - t0
    counts = neo.counts()
    neo.clear()
    neo.close()
    out = [("embedded ingest of the bundle (source)", r["rows"], r["seconds"]),
           ("export neo4j-import (CSV files)", rows, export_s),
           ("neo4j-admin import (tool's own figure)", rows, import_s),
           ("neo4j-admin import (wall clock, JVM start included)", rows, import_wall),
           ("finish_import (constraints, indexes, empty lists)", rows, finish_s)]
    if not args.no_bolt:
        neo = open_store(url)
        neo.clear()
        b = _ingest(bundle, neo, "neo4j over Bolt", DEFAULT_BATCH)
        neo.clear()
        neo.close()
        out.append(("reference: ingest csv over Bolt (same bundle)", b["rows"], b["seconds"]))
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f} (end of run), heap {os.environ.get('OWNERSCOPE_NEO4J_HEAP', '1g')}, "
          f"page cache {os.environ.get('OWNERSCOPE_NEO4J_PAGECACHE', '64m')}")
    print(f"rows written to the import files: {rows:,} ({files.nodes} {files.relationships})")
    print(f"counts after the import: { {k: sum(v.values()) for k, v in counts.items()} }")
    print("| step | rows | seconds | rows/s |")
    print("| --- | ---: | ---: | ---: |")
    for name, n, s in out:
        print(f"| {name} | {n:,} | {s:.2f} | {round(n / s):,} |")
    if not args.no_bolt:
        print(f"import (tool) / Bolt ingest speed ratio: {(rows / import_s) / (b['rows'] / b['seconds']):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
