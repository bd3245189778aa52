"""The measurements of the scale benchmark. Each takes a store URL (or a bundle) and returns plain dicts.

Only public ownerscope entry points are used: the `ownerscope ingest csv` command (run as a subprocess,
so its peak RSS is its own), open_store, Core (exposure, search) and the store methods the explorer
calls (neighbours, shortest_paths, query). The raw engine load talks to LadybugDB directly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from .scale_bundle import Bundle

DATASET = "bench-scale"
NEIGHBOURS_READ = 2000  # what the explorer asks of Core.adjacent (ownerscope/ui/pages/explore.py)
PATH_HOPS, PATH_LIMIT = 6, 10  # what the explorer asks of Core.paths
SEARCH_LIMIT = 15  # the explorer's search box (core.search(text, limit=15))
REL_LABELS = {"ownership": "OWNS", "control": "CONTROLS", "directorship": "DIRECTS"}


def say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------- raw load
_PL_TYPES = {"STRING": pl.Utf8, "DOUBLE": pl.Float64, "BOOLEAN": pl.Boolean, "INT64": pl.Int64,
             "STRING[]": pl.List(pl.Utf8)}


def _sources(prefix: str, ids: pl.Expr, url: pl.Expr) -> pl.Expr:
    """The per-row provenance the store keeps today: a one-item list of a JSON object."""
    return pl.concat_list(pl.concat_str([pl.lit('{"dataset": "' + DATASET + '", "record_id": "' + prefix),
                                         ids, pl.lit('", "url": "'), url, pl.lit('"}')]))


def _empty_to_null(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.when(pl.col(pl.Utf8) == "").then(None).otherwise(pl.col(pl.Utf8)).name.keep())


def raw_frames(b: Bundle) -> dict[str, pl.DataFrame]:
    """The bundle as the engine's tables hold it (node frames keyed by table, rel frames with from/to)."""
    e = _empty_to_null(b.entities)
    ents = e.select(
        "id", "type", "name",
        aliases=pl.when(pl.col("aliases").is_null()).then(pl.lit([], dtype=pl.List(pl.Utf8)))
        .otherwise(pl.concat_list("aliases")),
        country="country",
        identifiers=pl.when(pl.col("identifiers").is_null()).then(pl.lit([], dtype=pl.List(pl.Utf8)))
        .otherwise(pl.concat_list("identifiers")),
        sources=_sources("", pl.col("id"), pl.col("source_url")),
        search=pl.concat_str([pl.col("name"), pl.col("aliases").fill_null("")], separator=" ").str.to_lowercase())
    r = _empty_to_null(b.relations).with_row_index("n")
    rels = {}
    for rtype, label in REL_LABELS.items():
        part = r.filter(pl.col("type") == rtype)
        rels[label] = part.select(
            pl.col("source").alias("from"), pl.col("target").alias("to"),
            id=pl.concat_str([pl.lit("rel-"), pl.col("n").cast(pl.Utf8)]),
            share="share", share_min="share_min", share_max="share_max", start_date="start_date",
            end_date="end_date", ended=pl.col("end_date").is_not_null(), basis="basis", role="role",
            sources=_sources("relations.csv:", (pl.col("n") + 2).cast(pl.Utf8), pl.col("source_url")))
    d = _empty_to_null(b.designations).with_row_index("n")
    des = d.select(id=pl.concat_str([pl.lit("des-"), pl.col("n").cast(pl.Utf8)]), entity_id="entity_id",
                   authority="authority", program="program", start_date="start_date", end_date="end_date",
                   sources=_sources("designations.csv:", (pl.col("n") + 2).cast(pl.Utf8), pl.col("source_url")))
    listed = des.select(pl.col("entity_id").alias("from"), pl.col("id").alias("to"))
    return {"Entity": ents, "Designation": des, **rels, "LISTED": listed}


def _conform(frame: pl.DataFrame, columns: list[tuple[str, str]], rel: bool) -> pl.DataFrame:
    """`frame` with exactly the table's columns, in its order (from/to first for a rel table); columns the
    bundle has no value for are null."""
    cols = [pl.col("from"), pl.col("to")] if rel else []
    for name, typ in columns:
        dtype = _PL_TYPES.get(typ, pl.Utf8)
        cols.append(pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype=dtype).alias(name))
    return frame.select(cols)


def raw_copy(b: Bundle, work: Path) -> dict:
    """LadybugDB's own bulk load of the same data: Parquet files, then one COPY per table into a fresh
    database with the store's schema (created by opening an EmbeddedStore on it)."""
    import ladybug

    from ownerscope.graph.store import open_store

    path = work / "raw.lbug"
    shutil.rmtree(path, ignore_errors=True)
    path.unlink(missing_ok=True)
    open_store(str(path)).close()  # the store's own schema, whatever it is today
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    frames = raw_frames(b)
    files = {}
    for table, frame in frames.items():
        info = conn.execute(f"CALL TABLE_INFO('{table}') RETURN *").get_as_pl()
        columns = list(zip(info["name"].to_list(), info["type"].to_list()))
        f = work / f"raw-{table}.parquet"
        _conform(frame, columns, "from" in frame.columns).write_parquet(f)
        files[table] = f
    times = {}
    for table, f in files.items():
        t0 = time.perf_counter()
        conn.execute(f"COPY {table} FROM '{f}'")
        times[table] = time.perf_counter() - t0
    n_ent = conn.execute("MATCH (e:Entity) RETURN count(e)").get_next()[0]
    conn.close()
    db.close()
    nodes = times["Entity"] + times["Designation"]
    return {"nodes_s": nodes, "edges_s": sum(times.values()) - nodes, "total_s": sum(times.values()),
            "tables_s": times, "entities": n_ent, "parquet_mb": sum(f.stat().st_size for f in files.values()) / 1e6}


# ---------------------------------------------------------------------------------------------- ingest
def ingest_cli(folder: Path, store_url: str, quarantine: Path) -> dict:
    """`ownerscope ingest csv FOLDER --store URL` in a subprocess: wall time, peak RSS and its report."""
    exe = Path(sys.executable).with_name("ownerscope")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "from ownerscope.cli import run; run()"]
    cmd += ["ingest", "csv", str(folder), "--store", store_url, "--dataset", DATASET, "--quarantine",
            str(quarantine), "--no-progress", "--format", "json"]
    out_path = quarantine.with_suffix(".stdout")
    err_path = quarantine.with_suffix(".stderr")
    with out_path.open("wb") as out, err_path.open("wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # the benchmark is being stopped: stop the ingest it started too
            proc.kill()
            proc.wait()
            raise
        secs = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"ownerscope ingest failed ({proc.returncode}): "
                           f"{err_path.read_text(errors='replace')[-2000:]}")
    report = json.loads(out_path.read_text())
    return {"seconds": secs, "rss_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime,
            "read": report.get("read"), "stored": report.get("stored"),
            "quarantined": report.get("quarantined"), "exit": proc.returncode}


def store_counts(store_url: str) -> dict:
    from ownerscope.graph.store import open_store

    s = open_store(store_url, read_only=True)
    try:
        c = s.counts()
    finally:
        s.close()
    return {"entities": sum(c["entities"].values()), "relations": sum(c["relations"].values()),
            "designations": sum(c["designations"].values()), "relations_by_type": c["relations"],
            "designations_by_authority": c["designations"]}


# ---------------------------------------------------------------------------------------------- exposure
def exposure(store_url: str, regimes=("ofac", "eu", "uk")) -> dict:
    """Each regime alone (a fresh Core: store read + graph + rule), then all three on one Core (the graph
    built once and shared), with the store read, the graph build and each rule timed apart."""
    from ownerscope.core import Core
    from ownerscope.graph.store import open_store

    s = open_store(store_url, read_only=True)
    try:
        out: dict = {"alone": {}, "rule": {}, "counts": {}}
        t0 = time.perf_counter()
        s.ownership_frame(), s.designation_frame(), s.entity_frame()
        out["store_read_s"] = time.perf_counter() - t0
        for name in regimes:
            core = Core(s)
            t0 = time.perf_counter()
            res = core.exposure(name)
            out["alone"][name] = time.perf_counter() - t0
            out["counts"][name] = {k: v for k, v in res.counts().items() if k != "clear"}
        core = Core(s)
        t0 = time.perf_counter()
        core.graph()
        out["read_and_build_s"] = time.perf_counter() - t0
        for name in regimes:
            t1 = time.perf_counter()
            core.exposure(name)
            out["rule"][name] = time.perf_counter() - t1
        out["all_s"] = time.perf_counter() - t0
        out["graph_builds"] = core.graph_builds
    finally:
        s.close()
    return out


# ---------------------------------------------------------------------------------------------- latency
def sample_queries(b: Bundle, n: int, seed: int = 11) -> dict:
    """Seeded inputs: search texts (a word of a random entity's name, as a user types it), entities to
    expand, and pairs two or three links apart for paths."""
    rng = np.random.default_rng(seed)
    ents = b.entities
    rows = rng.choice(ents.height, n, replace=False)
    names = ents["name"].gather(rows).to_list()
    words = [nm.split()[0] if k % 2 else nm.split()[0][:5].lower() for k, nm in enumerate(names)]
    expand = ents["id"].gather(rng.choice(ents.height, n, replace=False)).to_list()
    rel = b.relations.select("source", "target")
    two = rel.join(rel, left_on="target", right_on="source", suffix="_2").filter(
        pl.col("source") != pl.col("target_2"))
    three = two.join(rel, left_on="target_2", right_on="source", suffix="_3").filter(
        pl.col("source") != pl.col("target_3"))
    pairs = []
    for frame, col in ((two, "target_2"), (three, "target_3")):
        k = min(n - n // 2 if col == "target_3" else n // 2, frame.height)
        picked = frame.select("source", col).sample(k, seed=seed)
        pairs += [tuple(p) for p in picked.iter_rows()]
    return {"search": words, "expand": expand, "paths": pairs}


def _pct(xs: list[float]) -> dict:
    a = np.array(xs) * 1000
    return {"p50_ms": float(np.percentile(a, 50)), "p95_ms": float(np.percentile(a, 95)), "n": len(xs)}


def latency(store_url: str, queries: dict) -> dict:
    """Search (Core.search), expand (Core.adjacent) and paths (Core.paths) as the explorer calls them, one
    warm-up call each (timed apart: the first search reads the embedded store's search column), then one
    timing per sampled input."""
    from ownerscope.core import Core
    from ownerscope.graph.store import open_store

    s = open_store(store_url, read_only=True)
    try:
        core = Core(s)
        calls = {"search": lambda q: core.search(q, limit=SEARCH_LIMIT),
                 "expand": lambda e: core.adjacent(e, limit=NEIGHBOURS_READ),
                 "paths": lambda p: core.paths(p[0], p[1], max_hops=PATH_HOPS, limit=PATH_LIMIT)}
        out = {}
        for kind, call in calls.items():
            items = queries[kind]
            t0 = time.perf_counter()
            call(items[0])
            first_ms = (time.perf_counter() - t0) * 1000
            times, found = [], 0
            for q in items:
                t0 = time.perf_counter()
                got = call(q)
                times.append(time.perf_counter() - t0)
                found += bool(got.nodes if hasattr(got, "nodes") else got)
            out[kind] = {**_pct(times), "found": found, "first_ms": first_ms}
    finally:
        s.close()
    return out


# ---------------------------------------------------------------------------------------------- path product
NAIVE_EMBEDDED = (
    "MATCH (l:Entity)-[:LISTED]->(d:Designation) WHERE d.authority = 'us' "
    "MATCH p = (l)-[o:OWNS*1..10]->(t:Entity) "
    # (list_transform with a lambda over rels(o) gave wrong values in ladybug 0.22; the share list works.
    # an unknown share makes the path's product null, which sum() skips, as coalesce(share, 0) does below)
    "WITH t, list_reduce(properties(rels(o), 'share'), (x, y) -> x * y / 100.0) / 100.0 AS f "
    "WITH t, sum(f) AS total WHERE total >= 0.5 RETURN count(t) AS owned_50")
NAIVE_NEO4J = (
    "MATCH (l:Entity)-[:LISTED]->(d:Designation) WHERE d.authority = 'us' "
    "MATCH p = (l)-[:OWNS*1..10]->(t:Entity) "
    "WITH t, reduce(x = 1.0, r IN relationships(p) | x * coalesce(r.share, 0.0) / 100.0) AS f "
    "WITH t, sum(f) AS total WHERE total >= 0.5 RETURN count(t) AS owned_50")


def naive_path_product(store_url: str, timeout_s: float) -> dict:
    """The query a user would write for "who do OFAC-listed persons own 50% of, through up to 10 hops":
    every ownership path from a listed entity, shares multiplied along it, summed per target. Run through
    the store's console (store.query, read-only) with a timeout, so it cannot hang the run."""
    from ownerscope.errors import OwnerscopeError
    from ownerscope.graph.store import open_store

    s = open_store(store_url, read_only=True)
    cypher = NAIVE_NEO4J if "://" in store_url else NAIVE_EMBEDDED
    t0 = time.perf_counter()
    try:
        res = s.query(cypher, limit=10, timeout_s=timeout_s)
        return {"seconds": time.perf_counter() - t0, "finished": True, "owned_50": res.rows[0][0],
                "timeout_s": timeout_s, "query": cypher}
    except OwnerscopeError as e:
        secs = time.perf_counter() - t0
        stopped = "limit" in str(e) or "timeout" in str(e).lower() or secs >= timeout_s * 0.9
        return {"seconds": secs, "finished": False, "error": None if stopped else str(e),
                "timeout_s": timeout_s, "query": cypher}
    finally:
        s.close()
