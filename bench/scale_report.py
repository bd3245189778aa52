"""The BENCHMARKS.md section of the scale benchmark: machine, date, load, versions, every figure with its
issue-12 goal and whether it is met. Only the text between this size's markers is rewritten."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# every figure's row label, in order (the smoke test checks each is present)
EMBEDDED_ROWS = [
    "raw LadybugDB COPY (Parquet), nodes + edges",
    "ownerscope ingest csv, fresh store",
    "ingest / raw COPY",
    "ingest peak RSS",
    "re-ingest unchanged bundle",
    "re-ingest unchanged / fresh",
    "re-ingest with 10% of rows changed",
    "re-ingest 10% changed / fresh",
    "store read (ownership, designation, entity frames)",
    "exposure ofac alone (fresh Core)",
    "exposure eu alone (fresh Core)",
    "exposure uk alone (fresh Core)",
    "exposure ofac + eu + uk (one Core, graph shared)",
    "search p50 / p95",
    "expand p50 / p95",
    "paths p50 / p95",
    "naive 10-hop Cypher path product",
    "engine fixpoint (ofac rule on the built graph)",
]
NEO4J_ROWS = [
    "plain UNWIND batches (reference)",
    "ownerscope ingest csv into Neo4j",
    "ownerscope / UNWIND reference",
    "exposure ofac + eu + uk (one Core, graph shared)",
    "search p50 / p95",
    "expand p50 / p95",
    "paths p50 / p95",
    "naive 10-hop Cypher path product",
]


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines()
                   if x.startswith("MemTotal"))
        ram = f"{mem / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "unknown"
    return {"cpu": cpu, "cores": os.cpu_count(), "ram": ram}


def versions(neo4j_server: str | None = None) -> dict:
    import ladybug
    import polars

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    out = {"python": platform.python_version(), "ladybug": getattr(ladybug, "__version__", "?"),
           "polars": polars.__version__, "ownerscope commit": commit}
    try:
        import neo4j

        from neo4j._codec.packstream import v1 as packstream

        rust = "with" if getattr(packstream, "_rust_pack", None) else "without"
        out["neo4j driver"] = f"{neo4j.__version__} ({rust} neo4j-rust-ext)"
    except ImportError:
        pass
    if neo4j_server:
        out["neo4j server"] = neo4j_server
    return out


def _s(x: float) -> str:
    if x < 1:
        return f"{x * 1000:.0f} ms" if x >= 0.01 else f"{x * 1000:.1f} ms"
    return f"{x:.2f} s" if x < 100 else f"{x:.0f} s"


def _ms(d: dict) -> str:
    return f"{d['p50_ms']:.1f} / {d['p95_ms']:.1f} ms"


def _met(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**not met**")


def _latency_rows(lat: dict, size: str) -> list[tuple]:
    note = "(goal stated at 1m)" if size != "1m" else ""
    goals = {"search": 50, "expand": 50, "paths": 300}
    rows = []
    for kind in ("search", "expand", "paths"):
        d = lat[kind]
        rows.append((f"{kind} p50 / p95", _ms(d), f"p95 < {goals[kind]} ms {note}".strip(),
                     _met(d["p95_ms"] < goals[kind]), f"{d['n']} seeded inputs; {d['found']} with a result"
                     + (f"; first call {_s(d['first_ms'] / 1000)}" if "first_ms" in d else "")))
    return rows


def _path_rows(naive: dict, fix_s: float | None, derived: int | None) -> list[tuple]:
    if naive["finished"]:
        got = _s(naive["seconds"])
        note = f"{naive['owned_50']:,} targets at 50%+ summed path product"
    elif naive.get("error"):
        got = "failed"
        note = naive["error"][:160]
    else:
        got = f"did not finish in {naive['timeout_s']:g} s"
        note = f"stopped by the console timeout after {naive['seconds']:.1f} s"
    rows = [("naive 10-hop Cypher path product", got, "—", "—",
             note + "; run through store.query (the read-only console)")]
    if fix_s is not None:
        rows.append(("engine fixpoint (ofac rule on the built graph)", _s(fix_s), "—", "—",
                     f"{derived:,} derived (the OFAC rule, not the bare path product)"))
    return rows


def _table(rows: list[tuple]) -> list[str]:
    out = ["| figure | measured | issue-12 goal | met? | note |", "|---|---:|---|---|---|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


def _guard(labels: list[str], fn) -> list[tuple]:
    """The rows `fn` builds, or 'not measured' rows when the run stopped before their step."""
    try:
        return fn()
    except (KeyError, TypeError):
        return [(label, "not measured", "—", "—", "the run stopped before this step") for label in labels]


def _ingest_rows(raw: dict, fresh: dict) -> list[tuple]:
    ratio = fresh["seconds"] / raw["total_s"]
    return [
        ("ownerscope ingest csv, fresh store", _s(fresh["seconds"]), "—", "—",
         f"{fresh['read']:,} rows read, {fresh['stored']:,} stored, {fresh['quarantined']:,} quarantined; "
         f"{fresh['read'] / fresh['seconds']:,.0f} rows/s; CPU {fresh['cpu_s']:.0f} s"),
        ("ingest / raw COPY", f"{ratio:.1f}×", "≤ 2×", _met(ratio <= 2), ""),
        ("ingest peak RSS", f"{fresh['rss_mb']:,.0f} MB", "< 2 GB (at 1m)", _met(fresh["rss_mb"] < 2048),
         "ru_maxrss of the ingest subprocess"),
    ]


def _again_rows(again: dict, fresh: dict, label: str, goal: float, note: str) -> list[tuple]:
    return [(label, _s(again["seconds"]), "—", "—", f"peak RSS {again['rss_mb']:,.0f} MB{note}"),
            (None, f"{again['seconds'] / fresh['seconds']:.2f}×", f"≤ {goal}×",
             _met(again["seconds"] / fresh["seconds"] <= goal), "")]


def embedded_rows(r: dict, size: str) -> list[tuple]:
    L = EMBEDDED_ROWS
    rows = _guard(L[0:1], lambda: [
        (L[0], _s(r["raw"]["total_s"]), "reference", "—",
         f"{_s(r['raw']['nodes_s'])} nodes + {_s(r['raw']['edges_s'])} edges; Parquet written beforehand, "
         "not timed")])
    rows += _guard(L[1:4], lambda: _ingest_rows(r["raw"], r["fresh"]))
    rows += _guard(L[8:13], lambda: exposure_rows(r["exposure"], size))
    rows += _guard(L[13:16], lambda: _latency_rows(r["latency"], size))
    rows += _guard(L[16:18], lambda: _path_rows(r["naive"], r["exposure"]["rule"]["ofac"],
                                                r["exposure"]["counts"]["ofac"].get("derived", 0)))
    for labels, key, goal, note in ((L[4:6], "again", 0.5, ""),
                                    (L[6:8], "changed", 0.7, "; names, shares, end dates changed, ids kept")):
        got = _guard(labels, lambda: _again_rows(r[key], r["fresh"], labels[0], goal, note))
        rows += [(labels[1], *row[1:]) if row[0] is None else row for row in got]
    order = {label: k for k, label in enumerate(L)}
    return sorted(rows, key=lambda row: order.get(row[0], len(L)))


def exposure_rows(ex: dict, size: str, only_all: bool = False) -> list[tuple]:
    note = " (goal stated at 1m)" if size != "1m" else ""
    rows = []
    if not only_all:
        rows.append(("store read (ownership, designation, entity frames)", _s(ex["store_read_s"]), "—", "—",
                     "the first read of the run"))
        for name in ("ofac", "eu", "uk"):
            c = ex["counts"][name]
            rows.append((f"exposure {name} alone (fresh Core)", _s(ex["alone"][name]), "—", "—",
                         "store read + graph + rule; " + ", ".join(f"{k} {v:,}" for k, v in c.items())))
    rule = " + ".join(f"{n} {_s(ex['rule'][n])}" for n in ("ofac", "eu", "uk"))
    rows.append(("exposure ofac + eu + uk (one Core, graph shared)", _s(ex["all_s"]), f"≤ 3 s{note}",
                 _met(ex["all_s"] <= 3), f"read + build {_s(ex['read_and_build_s'])}, rules {rule}; "
                 f"{ex['graph_builds']} graph build"))
    return rows


def neo4j_rows(r: dict, size: str) -> list[tuple]:
    L = NEO4J_ROWS

    def ingest():
        ref, ing = r["reference"], r["ingest"]
        rate = ing["relations"] / ing["seconds"]
        return [
            (L[1], f"{rate:,.0f} rel/s", "≥ 25,000 rel/s", _met(rate >= 25_000),
             f"{_s(ing['seconds'])} for {ing['read']:,} rows, {ing['stored']:,} stored; client peak RSS "
             f"{ing['rss_mb']:,.0f} MB"),
            (L[2], f"{rate / ref['rels_per_s']:.2f}×", "—", "—",
             "relationships/s over the whole ingest on both sides"),
        ]

    def reference():
        ref = r["reference"]
        return [(L[0], f"{ref['rels_per_s']:,.0f} rel/s", "—", "—",
                 f"{_s(ref['total_s'])} for all rows ({_s(ref['nodes_s'])} nodes, {_s(ref['relations_s'])} "
                 f"relations: {ref['rels_per_s_rel_phase']:,.0f} rel/s in that phase); batches of 10,000")]

    rows = _guard(L[0:1], reference) + _guard(L[1:3], ingest)
    rows += _guard(L[3:4], lambda: exposure_rows(r["exposure"], size, only_all=True))
    rows += _guard(L[4:7], lambda: _latency_rows(r["latency"], size))
    rows += _guard(L[7:8], lambda: _path_rows(r["naive"], None, None))
    return rows


def section(res: dict) -> str:
    size = res["size"]
    m, v, g = res["machine"], res["versions"], res["generated"]
    st = res.get("stored") or {"entities": 0, "relations": 0, "designations": 0}
    lines = [
        f"<!-- bench:scale:{size} start -->",
        f"## Scale benchmark, {size} (issue 12)",
        "",
        f"Command: `python -m bench --size {size}{' --neo4j URL' if res.get('neo4j') else ''}` "
        f"(seed {res['seed']}). Date: {res['date']}. Wall time of the run: {res['wall_s']:.0f} s.",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM. Load average (1/5/15 min) before "
        f"{res['load_before']}, after {res['load_after']} (other engineers' work shares the cores).",
        "Versions: " + ", ".join(f"{k} {x}" for k, x in v.items()) + ".",
        f"Data: {g['entities']:,} entities, {g['relations']:,} relations ("
        + ", ".join(f"{k} {n:,}" for k, n in sorted(g["relations_by_type"].items())) + f"), "
        f"{g['designations']:,} designations; stored after the fresh ingest: {st['entities']:,} "
        f"entities, {st['relations']:,} relations, {st['designations']:,} designations.",
        "",
        *([f"**The run was stopped before its end ({res['stopped']}): the figures it did not reach say "
            "'not measured'.**", ""] if res.get("stopped") else []),
        "### Embedded (LadybugDB)",
        "",
        *_table(embedded_rows(res["embedded"], size)),
    ]
    if res.get("neo4j"):
        n = res["neo4j"]
        ns = n.get("stored") or {"entities": 0, "relations": 0, "designations": 0}
        lines += ["", f"### Neo4j ({n['server']}; {n['memory']})", "",
                  f"Stored after the ingest: {ns['entities']:,} entities, {ns['relations']:,} "
                  f"relations, {ns['designations']:,} designations.", "",
                  *_table(neo4j_rows(n, size))]
    else:
        lines += ["", "Neo4j: not measured in this run (no `--neo4j`)."]
    lines += ["", f"<!-- bench:scale:{size} end -->"]
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str, size: str) -> None:
    """Replace this size's marked section of `path` (or append it), leaving the rest intact."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pat = re.compile(rf"<!-- bench:scale:{re.escape(size)} start -->.*?<!-- bench:scale:{re.escape(size)} end -->\n?",
                     re.DOTALL)
    if pat.search(old):
        new = pat.sub(lambda _: text, old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new, encoding="utf-8")
