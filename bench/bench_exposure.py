"""Benchmark of the exposure engine on a seeded random ownership graph.

    /tmp/venv/bin/python bench/bench_exposure.py --nodes 1000000 --edges 2000000 --seed 7

The graph: mostly "downward" ownership edges (owner index below owned index: chains and fan-in, as in
corporate groups) plus 5% random edges that close cycles; shares drawn from common stake sizes, 5% unknown,
2% published as ranges, 3% with start/end dates; 2% control edges on top; 1% of nodes listed by us, eu
and uk. The frames have the schema the store's ownership_frame() / designation_frame() / entity_frame()
return, so the timings are those of compute_exposure() after the store read.
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np
import polars as pl


def generate(nodes: int, edges: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = pl.select(pl.concat_str([pl.lit("n"), pl.int_range(0, nodes).cast(pl.Utf8)]).alias("id"))["id"]
    # downward edges: target after source, within a window (groups), plus 5% anywhere (cycles)
    src = rng.integers(0, nodes - 1, edges)
    span = rng.integers(1, 1000, edges)
    dst = np.minimum(src + span, nodes - 1)
    wild = rng.random(edges) < 0.05
    dst[wild] = rng.integers(0, nodes, int(wild.sum()))
    keep = src != dst
    src, dst = src[keep], dst[keep]
    m = len(src)
    stakes = np.array([5, 10, 20, 25, 30, 40, 49, 50, 51, 60, 75, 100], dtype=np.float64)
    weights = np.array([10, 14, 12, 10, 10, 8, 4, 6, 5, 8, 6, 7], dtype=np.float64)
    share = rng.choice(stakes, m, p=weights / weights.sum())
    unknown = rng.random(m) < 0.05
    ranged = (~unknown) & (rng.random(m) < 0.02)
    share_min = np.where(ranged, np.maximum(share - 15, 0), np.nan)
    share_max = np.where(ranged, np.minimum(share + 15, 100), np.nan)
    share_col = np.where(unknown | ranged, np.nan, share)
    dated = rng.random(m) < 0.03
    years = rng.integers(2000, 2030, m)
    start = np.where(dated, np.char.add(years.astype(str), "-01-01"), "")
    ctl = rng.random(m) < 0.02
    n_ctl = int(ctl.sum())
    all_src = np.concatenate([src, src[ctl]])
    all_dst = np.concatenate([dst, rng.integers(0, nodes, n_ctl)])
    total = m + n_ctl
    sid = ids.gather(all_src)
    tid = ids.gather(all_dst)
    ownership = pl.DataFrame({
        "id": pl.select(pl.concat_str([pl.lit("r"), pl.int_range(0, total).cast(pl.Utf8)]).alias("id"))["id"],
        "source": sid, "target": tid,
        "type": pl.Series(np.where(np.arange(total) < m, "ownership", "control")),
        "share": pl.Series(np.concatenate([share_col, np.full(n_ctl, np.nan)])).fill_nan(None),
        "share_min": pl.Series(np.concatenate([share_min, np.full(n_ctl, np.nan)])).fill_nan(None),
        "share_max": pl.Series(np.concatenate([share_max, np.full(n_ctl, np.nan)])).fill_nan(None),
        "start_date": pl.Series(np.concatenate([start, np.full(n_ctl, "")])),
        "end_date": pl.Series([None] * total, dtype=pl.Utf8),
        "ended": pl.Series([False] * total),
        "basis": pl.Series(np.where(np.arange(total) < m, "", "board_majority_appointment_right")),
        "joint_group": pl.Series([None] * total, dtype=pl.Utf8),
        "note": pl.Series([None] * total, dtype=pl.Utf8),
    }).with_columns(pl.lit(['{"dataset": "bench", "record_id": "", "url": ""}'],
                           dtype=pl.List(pl.Utf8)).alias("sources")).with_columns(pl.col("share", "share_min", "share_max").cast(pl.Float64))
    listed = rng.choice(nodes, nodes // 100, replace=False)
    des = pl.DataFrame({
        "id": [f"d{a}{i}" for a in ("us", "eu", "uk") for i in listed],
        "entity_id": [f"n{i}" for _ in range(3) for i in listed],
        "authority": [a for a in ("us", "eu", "uk") for _ in listed],
        "program": pl.Series([None] * (3 * len(listed)), dtype=pl.Utf8),
        "start_date": pl.Series([None] * (3 * len(listed)), dtype=pl.Utf8),
        "end_date": pl.Series([None] * (3 * len(listed)), dtype=pl.Utf8),
        "sources": pl.Series([[]] * (3 * len(listed)), dtype=pl.List(pl.Utf8)),
    })
    types = np.where(rng.random(nodes) < 0.2, "person", "company")
    ents = pl.DataFrame({"id": ids, "type": pl.Series(types.tolist()), "name": ids,
                         "country": pl.Series([None] * nodes, dtype=pl.Utf8)})
    return ownership, des, ents


def timed(fn, repeat: int):
    best, value = None, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best, value


def main() -> None:
    from ownerscope.exposure import get_regime
    from ownerscope.exposure.effective import effective_owners, listed_effective
    from ownerscope.exposure.engine import exposure_on_graph
    from ownerscope.exposure.ownership_graph import build_graph

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--edges", type=int, default=2_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--as-of", default="2025-06-01")
    args = ap.parse_args()

    t0 = time.perf_counter()
    own, des, ents = generate(args.nodes, args.edges, args.seed)
    gen_s = time.perf_counter() - t0
    print(f"generated {own.height:,} edges ({(own['type'] == 'control').sum():,} control), {ents.height:,} "
          f"entities, {des.height:,} designations in {gen_s:.1f} s", flush=True)
    rows = []
    t_build, g = timed(lambda: build_graph(own, des, ents, args.as_of), args.repeat)
    rows.append(("build graph from frames (dates, shares, indices)", t_build, f"{g.m:,} edges in force"))
    for name in ("ofac", "eu", "uk"):
        reg = get_regime(name)
        g._out_ptr = None  # include the CSR build in every timing
        t, res = timed(lambda: exposure_on_graph(g, reg), args.repeat)
        c = res.counts()
        rows.append((f"{name}: both fixpoints (lower and upper shares) and statuses", t,
                     ", ".join(f"{k} {v:,}" for k, v in c.items() if k != "clear")
                     + f"; {res.low.rounds:,} {'rounds' if reg.aggregate else 'pairs'}"))
    res = exposure_on_graph(g, get_regime("ofac"))
    listed = res.listed
    t_eff, (r, ok) = timed(lambda: listed_effective(g, listed), args.repeat)
    rows.append(("effective listed ownership, whole graph (sweeps / bicgstab)", t_eff,
                 f"converged={ok}, {int((r > 0.25).sum()):,} entities above 25%"))
    sample = res.non_clear_ids()[:1000]
    t_expl, _ = timed(lambda: [res.verdict(i) for i in sample] if not res._cache.clear() else None, 1)
    rows.append((f"explanations + proofs for {len(sample)} non-clear entities", t_expl, "text and JSON"))
    target = next(i for i in res.non_clear_ids() if res.status_of(i) == "derived")
    t_one, eff = timed(lambda: effective_owners(g, target), args.repeat)
    rows.append(("effective owners of one derived entity (ancestor subgraph)", t_one, f"{len(eff):,} owners"))
    print(f"\nmachine: {platform.processor() or platform.machine()}, {__import__('os').cpu_count()} cores, "
          f"Python {platform.python_version()}, polars {pl.__version__}, numpy {np.__version__}")
    print(f"| step | best of {args.repeat} (s) | result |\n|---|---|---|")
    for label, t, note in rows:
        print(f"| {label} | {t:.3f} | {note} |")
    print(json.dumps({label: round(t, 4) for label, t, _ in rows}))


if __name__ == "__main__":
    main()
