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
                     _met(d["p95_ms"] < goals[kind]), f"{d['n']} seeded inputs; {d['found']} with a result"))
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


def embedded_rows(r: dict, size: str) -> list[tuple]:
    raw, fresh, again, changed = r["raw"], r["fresh"], r["again"], r["changed"]
    ratio = fresh["seconds"] / raw["total_s"]
    rows = [
        ("raw LadybugDB COPY (Parquet), nodes + edges", _s(raw["total_s"]), "reference", "—",
         f"{_s(raw['nodes_s'])} nodes + {_s(raw['edges_s'])} edges; Parquet written beforehand, not timed"),
        ("ownerscope ingest csv, fresh store", _s(fresh["seconds"]), "—", "—",
         f"{fresh['read']:,} rows read, {fresh['stored']:,} stored, {fresh['quarantined']:,} quarantined; "
         f"{fresh['read'] / fresh['seconds']:,.0f} rows/s; CPU {fresh['cpu_s']:.0f} s"),
        ("ingest / raw COPY", f"{ratio:.1f}×", "≤ 2×", _met(ratio <= 2), ""),
        ("ingest peak RSS", f"{fresh['rss_mb']:,.0f} MB", "< 2 GB (at 1m)", _met(fresh["rss_mb"] < 2048),
         "ru_maxrss of the ingest subprocess"),
        ("re-ingest unchanged bundle", _s(again["seconds"]), "—", "—",
         f"peak RSS {again['rss_mb']:,.0f} MB"),
        ("re-ingest unchanged / fresh", f"{again['seconds'] / fresh['seconds']:.2f}×", "≤ 0.5×",
         _met(again["seconds"] / fresh["seconds"] <= 0.5), ""),
        ("re-ingest with 10% of rows changed", _s(changed["seconds"]), "—", "—",
         f"peak RSS {changed['rss_mb']:,.0f} MB; names, shares, end dates changed, ids kept"),
        ("re-ingest 10% changed / fresh", f"{changed['seconds'] / fresh['seconds']:.2f}×", "≤ 0.7×",
         _met(changed["seconds"] / fresh["seconds"] <= 0.7), ""),
    ]
    rows += exposure_rows(r["exposure"], size)
    rows += _latency_rows(r["latency"], size)
    ex = r["exposure"]
    rows += _path_rows(r["naive"], ex["rule"]["ofac"], ex["counts"]["ofac"].get("derived", 0))
    return rows


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
    ref, ing = r["reference"], r["ingest"]
    rate = ing["relations"] / ing["seconds"]
    rows = [
        ("plain UNWIND batches (reference)", f"{ref['rels_per_s']:,.0f} rel/s", "—", "—",
         f"{_s(ref['total_s'])} for all rows ({_s(ref['nodes_s'])} nodes, {_s(ref['relations_s'])} relations: "
         f"{ref['rels_per_s_rel_phase']:,.0f} rel/s in that phase); batches of 10,000"),
        ("ownerscope ingest csv into Neo4j", f"{rate:,.0f} rel/s", "≥ 25,000 rel/s", _met(rate >= 25_000),
         f"{_s(ing['seconds'])} for {ing['read']:,} rows, {ing['stored']:,} stored; client peak RSS "
         f"{ing['rss_mb']:,.0f} MB"),
        ("ownerscope / UNWIND reference", f"{rate / ref['rels_per_s']:.2f}×", "—", "—",
         "relationships/s over the whole ingest on both sides"),
    ]
    rows += exposure_rows(r["exposure"], size, only_all=True)
    rows += _latency_rows(r["latency"], size)
    rows += _path_rows(r["naive"], None, None)
    return rows


def section(res: dict) -> str:
    size = res["size"]
    m, v, g = res["machine"], res["versions"], res["generated"]
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
        f"{g['designations']:,} designations; stored after the fresh ingest: {res['stored']['entities']:,} "
        f"entities, {res['stored']['relations']:,} relations, {res['stored']['designations']:,} designations.",
        "",
        "### Embedded (LadybugDB)",
        "",
        *_table(embedded_rows(res["embedded"], size)),
    ]
    if res.get("neo4j"):
        n = res["neo4j"]
        lines += ["", f"### Neo4j ({n['server']}; {n['memory']})", "",
                  f"Stored after the ingest: {n['stored']['entities']:,} entities, {n['stored']['relations']:,} "
                  f"relations, {n['stored']['designations']:,} designations.", "",
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
