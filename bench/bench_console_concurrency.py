"""Does a long console query make other users wait? Search latency in the running explorer, alone and
while a console query runs to its timeout, on each backend.

    python bench/bench_console_concurrency.py [--entities 100000] [--relations 200000] [--searches 40]
        [--console-seconds 30] [--neo4j bolt://127.0.0.1:17687]   (Neo4j is CLEARED: use a scratch server)

It loads a seeded generated bundle (bench_ingest_backends.write_bundle) into a store, starts
`ownerscope serve --console` on it as a subprocess with OWNERSCOPE_QUERY_TIMEOUT=console-seconds, and
sends the explorer's own search callback (an HTTP POST, as the browser does) `--searches` times alone,
then the same searches while another client's console query (a variable-length path count that would
run for hours) holds the console until its timeout. It reports p50 / p95 of both and their ratio, the
console query's time until it was stopped, and the load average. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest_backends import write_bundle  # noqa: E402

LONG_QUERY = "MATCH p = (a:Entity)-[*1..12]-(b:Entity) RETURN count(*) AS paths"
NAMES = ["Alka", "Rogaz", "Mitra", "Velnor", "Sevost", "Kamar", "Bedor", "Linsta", "Gazost", "Normi"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(base: str, body: dict, timeout: float = 300) -> tuple[float, str]:
    req = urllib.request.Request(base + "/_dash-update-component", json.dumps(body).encode(),
                                 {"Content-Type": "application/json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=timeout) as r:
        text = r.read().decode("utf-8", "replace")
    return time.perf_counter() - t0, text


def search_body(text: str) -> dict:
    return {"output": "search-hits.children", "outputs": {"id": "search-hits", "property": "children"},
            "inputs": [{"id": "search-input", "property": "value", "value": text}], "state": [],
            "changedPropIds": ["search-input.value"]}


def console_body(text: str) -> dict:
    return {"output": "query-output.children", "outputs": {"id": "query-output", "property": "children"},
            "inputs": [{"id": "query-run", "property": "n_clicks", "value": 1}],
            "state": [{"id": "query-text", "property": "value", "value": text}],
            "changedPropIds": ["query-run.n_clicks"]}


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def measure(store_url: str, env: dict, searches: int, console_s: float) -> dict:
    port = free_port()
    log = Path(env["OWNERSCOPE_HOME"]) / f"serve-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "ownerscope.cli", "serve", "--console", "--store", store_url,
                                 "--port", str(port)], env={**env, "OWNERSCOPE_QUERY_TIMEOUT": str(console_s)},
                                stdout=fh, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(base + "/", timeout=2)
                    break
                except OSError:
                    time.sleep(0.3)
            for n in NAMES:  # warm-up
                post(base, search_body(n))
            alone = [post(base, search_body(NAMES[i % len(NAMES)]))[0] for i in range(searches)]
            console: dict = {}

            def run_console():
                t0 = time.perf_counter()
                _, text = post(base, console_body(LONG_QUERY))
                console["seconds"] = time.perf_counter() - t0
                console["stopped"] = "limit" in text

            th = threading.Thread(target=run_console)
            th.start()
            time.sleep(2.0)  # the console query is running
            during, finished_before_console = [], 0
            for i in range(searches):
                during.append(post(base, search_body(NAMES[i % len(NAMES)]))[0])
                finished_before_console += th.is_alive()
            th.join()
        finally:
            proc.terminate()
            proc.wait(20)
    return {"alone_p50": statistics.median(alone), "alone_p95": pct(alone, 0.95),
            "during_p50": statistics.median(during), "during_p95": pct(during, 0.95), "during_max": max(during),
            "searches_while_console_ran": finished_before_console, "searches": searches,
            "console_s": console.get("seconds", float("nan")), "console_stopped": console.get("stopped")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--relations", type=int, default=200_000)
    ap.add_argument("--searches", type=int, default=40)
    ap.add_argument("--console-seconds", type=float, default=30.0)
    ap.add_argument("--neo4j", default=None)
    ap.add_argument("--skip-embedded", action="store_true", help="Measure Neo4j only.")
    args = ap.parse_args()

    from ownerscope.graph.store import open_store
    from ownerscope.ingest.run import run_ingest

    work = Path(tempfile.mkdtemp(prefix="ownerscope-bench-console-"))
    env = {**os.environ, "OWNERSCOPE_HOME": str(work / "home")}
    for k in ("OWNERSCOPE_AUTH_USER", "OWNERSCOPE_AUTH_PASSWORD", "OWNERSCOPE_AUTH_TOKEN"):
        env.pop(k, None)
    bundle = write_bundle(work / "bundle", args.entities, args.relations, 1000)
    targets = ([] if args.skip_embedded else [("embedded", str(work / "store.lbug"))]) + \
        ([("neo4j", args.neo4j)] if args.neo4j else [])
    rows = []
    for backend, url in targets:
        st = open_store(url)
        if backend == "neo4j":
            st.clear()
        run_ingest("csv", [bundle], dataset="bench-console", store=st, show_progress=False,
                   quarantine=work / "q.jsonl")
        st.close()
        load_before = os.getloadavg()
        r = measure(url, env, args.searches, args.console_seconds)
        r["backend"], r["load"] = backend, (load_before, os.getloadavg())
        rows.append(r)
        print(json.dumps(r, default=str), file=sys.stderr)
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{args.entities:,} entities, {args.relations:,} relations; console timeout {args.console_seconds:g} s; "
          f"date {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n")
    print("| backend | search p50 alone | p95 alone | p50 during console | p95 during | max during | p95 ratio | "
          "searches done while the console query ran | console query stopped after | load avg (1 min) before / after |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['backend']} | {r['alone_p50'] * 1000:.0f} ms | {r['alone_p95'] * 1000:.0f} ms | "
              f"{r['during_p50'] * 1000:.0f} ms | {r['during_p95'] * 1000:.0f} ms | {r['during_max'] * 1000:.0f} ms | "
              f"{r['during_p95'] / r['alone_p95']:.2f} | {r['searches_while_console_ran']} of {r['searches']} | "
              f"{r['console_s']:.1f} s ({'timeout' if r['console_stopped'] else 'finished'}) | "
              f"{r['load'][0][0]:.2f} / {r['load'][1][0]:.2f} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
