"""The Exposure page and `ownerscope exposure` on the real OFAC SDN list (/work/shared/data/ofac/sdn.csv).

    .venv/bin/python bench/bench_exposure_page.py [--sdn PATH] [--repeat 5]

Loads the SDN CSV into a fresh embedded store, computes the OFAC result once (cold: store read, graph,
rules), then times, with the result cached as the app holds it:
  - reference: the page's previous code path (every listed and non-clear row turned into a dict, sorted in
    Python, the first 500 rendered as table rows), i.e. what "tick listed" cost before;
  - the page now (ui.pages.exposure.render: filter, order, one page of 50 rows, components built) for
    "listed", for every status, a text filter, an authority filter and the last page;
  - `exposure --format json --status listed --limit 100` streamed to /dev/null, against the old
    non-streamed to_json of every non-clear entity (the reference for the CLI).
Each figure is the median of --repeat runs, reported as a ratio to the reference measured in this run,
with the load average, machine and date.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

SDN = Path("/work/shared/data/ofac/sdn.csv")


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def old_page_rows(res, statuses):
    """The Exposure page before: every non-clear id sorted in Python, a dict per wanted row, 500 drawn."""
    from dash import dcc, html

    wanted = set(statuses)
    g = res.graph
    eff = res.effective_listed
    rows = []
    for eid in res.non_clear_ids():
        i = g.index[eid]
        status = res.status_of(eid)
        if status in wanted:
            rows.append({"status": status, "id": eid, "name": g.name(i), "type": g.types[i] or "",
                         "effective_listed_share": None if status == "listed" else round(float(eff[i]), 4)})
    return [html.Tr([html.Td(html.Span(r["status"].upper())), html.Td(dcc.Link(r["name"], href=f"/?focus={r['id']}")),
                     html.Td(r["type"]), html.Td(str(r["effective_listed_share"]))]) for r in rows[:500]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sdn", type=Path, default=SDN)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if not args.sdn.is_file():
        raise SystemExit(f"no SDN file at {args.sdn}")
    from ownerscope.core import Core
    from ownerscope.core import exposure_list
    from ownerscope.exposure.stream import write_json
    from ownerscope.graph.store import open_store
    from ownerscope.ingest.run import run_ingest
    from ownerscope.ui.pages.exposure import SHOWN, render

    tmp = Path(tempfile.mkdtemp(prefix="bench-expo-"))
    os.environ.setdefault("OWNERSCOPE_HOME", str(tmp / "home"))
    store_path = str(tmp / "sdn.lbug")
    t = time.perf_counter()
    rep = run_ingest("ofac-sdn", [args.sdn], store_url=store_path, show_progress=False, published="2024-05-03")
    ingest_s = time.perf_counter() - t
    s = open_store(store_path, read_only=True)
    core = Core(s)
    t = time.perf_counter()
    res = core.exposure("ofac", "2025-01-01")
    cold_s = time.perf_counter() - t
    _ = res.effective_listed
    counts = res.counts()
    listed = ["listed"]
    every = ["listed", *SHOWN]
    some_name = res.graph.name(int(exposure_list.severity_order(res)[len(exposure_list.severity_order(res)) // 2]))
    token = (some_name or "bank").split()[0][:6]
    old_listed = timed(lambda: old_page_rows(res, listed), args.repeat)
    figures = {
        "page: listed, first page": timed(lambda: render(res, 0, listed, None, None), args.repeat),
        "page: every status, first page": timed(lambda: render(res, 0, every, None, None), args.repeat),
        f"page: text filter {token!r}": timed(lambda: render(res, 0, every, None, token), args.repeat),
        "page: authority filter (us)": timed(lambda: render(res, 0, every, ["us"], None), args.repeat),
        "page: last page": timed(lambda: render(res, 10 ** 6, every, None, None), args.repeat),
    }

    def old_json():
        import json

        json.dumps(res.to_json(), ensure_ascii=False, indent=2, default=str)
        res._cache.clear()

    def new_json():
        write_json(io.StringIO(), [(res, exposure_list.ids(res, ["listed"], limit=100))], {})

    class Sink:  # counts what is written, keeps none of it (as a pipe to a file would)
        size = 0

        def write(self, text):
            Sink.size += len(text.encode("utf-8"))

        def flush(self):
            pass

    def all_json():
        Sink.size = 0
        write_json(Sink(), [(res, exposure_list.ids(res))], {})

    import tracemalloc

    old_json_s = timed(old_json, 1)
    new_json_s = timed(new_json, args.repeat)
    all_json_s = timed(all_json, 1)
    # memory apart (tracemalloc slows every allocation): the peak over the first 3,000 verdicts written,
    # against the old one-string way of the same 3,000
    first = exposure_list.ids(res)[:3000]
    tracemalloc.start()
    write_json(Sink(), [(res, first)], {})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    res._cache.clear()
    tracemalloc.start()
    import json as _json

    _json.dumps(res.to_json(first), ensure_ascii=False, indent=2, default=str)
    _, old_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    res._cache.clear()
    size_mb = Sink.size / 1e6
    load = os.getloadavg()
    lines = [
        f"## Exposure page and CLI on the OFAC SDN list ({datetime.now(timezone.utc).date()})",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; load average "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}. SDN CSV: {rep.stored:,} rows stored in {ingest_s:.1f} s; "
        f"OFAC on 2025-01-01: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()) + ".",
        f"Cold result (store read, graph, rules, once per data version and date): {cold_s:.2f} s.",
        "",
        "| what | median | vs reference |",
        "|---|---|---|",
        f"| reference: previous page code, 'listed' ticked (all rows, 500 drawn) | {old_listed * 1000:.1f} ms | 1.00 |",
    ]
    for k, v in figures.items():
        lines.append(f"| {k} | {v * 1000:.1f} ms | {v / old_listed:.3f} |")
    lines += [
        f"| reference: previous `exposure --format json` (every non-clear entity explained, one string) | "
        f"{old_json_s * 1000:.0f} ms | 1.00 |",
        f"| `exposure --format json --status listed --limit 100`, streamed | {new_json_s * 1000:.1f} ms | "
        f"{new_json_s / old_json_s:.3f} |",
        f"| `exposure --format json`, every non-clear entity, streamed ({size_mb:.0f} MB written) | "
        f"{all_json_s * 1000:.0f} ms | {all_json_s / old_json_s:.3f} |",
        "",
        f"Peak Python memory writing the first 3,000 verdicts: streamed {peak / 1e6:.1f} MB, the previous "
        f"one-string JSON {old_peak / 1e6:.1f} MB ({peak / old_peak:.3f} of it).",
    ]
    print("\n".join(lines))
    s.close()


if __name__ == "__main__":
    main()
