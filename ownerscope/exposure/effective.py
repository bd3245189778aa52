"""Effective (integrated) ownership: the product of shares along each path, summed over all paths.

Not the legal test of any regime, but a risk metric and the basis of beneficial-ownership thresholds.
Cycles are handled by solving y = b + W y iteratively (Jacobi sweeps, then scipy's bicgstab if they do
not settle): never a direct sparse factorisation, which is far too slow on big graphs (DESIGN.md).
Shares are the lower published values (unknown = 0), so every figure is a floor.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, bicgstab

from .ownership_graph import OWNERSHIP, OwnershipGraph

TOL = 1e-10
MAX_SWEEPS = 500


def _solve(apply_a, b: np.ndarray, n: int) -> tuple[np.ndarray, bool, int]:
    """Solve y = b + A(y) by sweeps; fall back to bicgstab on (I - A) y = b."""
    y = b.copy()
    for k in range(1, MAX_SWEEPS + 1):
        nxt = b + apply_a(y)
        if np.max(np.abs(nxt - y), initial=0.0) < TOL:
            return nxt, True, k
        y = nxt
    op = LinearOperator((n, n), matvec=lambda v: v - apply_a(v), dtype=np.float64)
    sol, info = bicgstab(op, b, x0=y, rtol=1e-10, maxiter=10 * n + 100)
    return sol, info == 0, MAX_SWEEPS


def _ownership_edges(g: OwnershipGraph, share: np.ndarray | None = None):
    own = g.kind == OWNERSHIP
    w = (g.lo if share is None else share)[own] / 100.0
    return g.src[own], g.dst[own], w


def listed_effective(g: OwnershipGraph, listed: np.ndarray) -> tuple[np.ndarray, bool]:
    """For every entity, the share integrated over all paths that listed persons hold in it (0..1).

    r[t] = sum over owners u of w(u, t) * (1 if u is listed else r[u]): paths stop at the first listed
    person, so a listed person's stake is not counted again through listed owners above it.
    """
    src, dst, w = _ownership_edges(g)
    wt = sp.csr_matrix((w, (dst, src)), shape=(g.n, g.n))
    free = (~listed).astype(np.float64)
    b = wt @ listed.astype(np.float64)
    r, ok, _ = _solve(lambda v: wt @ (free * v), b, g.n)
    return np.clip(r, 0.0, 1.0), ok


def ancestors(g: OwnershipGraph, target: int, limit: int = 200_000) -> list[int]:
    """Every entity with an ownership path into target (the target first)."""
    seen = {target: None}
    queue = deque([target])
    while queue and len(seen) < limit:
        v = queue.popleft()
        for e in g.in_edges(v).tolist():
            if g.kind[e] != OWNERSHIP:
                continue
            u = int(g.src[e])
            if u not in seen:
                seen[u] = None
                queue.append(u)
    return list(seen)


def effective_owners(g: OwnershipGraph, entity_id: str, share: np.ndarray | None = None,
                     upper: bool = False) -> dict[str, float]:
    """Integrated ownership (percent) of every direct or indirect owner in one entity: with each share at
    its lower published value (the default), at its highest possible value (`upper`, g.hi), or at `share`.

    y[u] = w(u, t) + sum over v != t of w(u, v) * y[v]: paths that run through t itself are not counted.
    With `upper`, the shares are the upper published values (an unknown share: what the other holders
    leave over), so the figure is a ceiling rather than a floor.
    """
    weights = share if share is not None else (g.hi if upper else g.lo)
    t = g.index.get(entity_id)
    if t is None:
        return {}
    nodes = ancestors(g, t)
    local = {v: k for k, v in enumerate(nodes)}
    rows, cols, vals = [], [], []
    for v in nodes:
        for e in g.in_edges(v).tolist():
            u = int(g.src[e])
            if g.kind[e] == OWNERSHIP and u in local:
                rows.append(local[u])
                cols.append(local[v])
                vals.append(weights[e] / 100.0)
    k = len(nodes)
    w = sp.csr_matrix((vals, (rows, cols)), shape=(k, k))
    b = np.asarray(w[:, 0].todense()).ravel()
    keep = np.ones(k)
    keep[0] = 0.0
    y, _, _ = _solve(lambda v: w @ (keep * v), b, k)
    return {g.ids[nodes[i]]: float(y[i] * 100.0) for i in range(1, k) if y[i] > 1e-12}


def ultimate_beneficial_owners(g: OwnershipGraph, entity_id: str, threshold: float = 25.0) -> list[dict]:
    """Natural persons (type `person`) whose effective ownership is at or above threshold percent."""
    out = []
    for oid, pct in effective_owners(g, entity_id).items():
        i = g.index[oid]
        if g.types[i] == "person" and pct >= threshold - 1e-9:
            out.append({"id": oid, "name": g.name(i), "effective_share": round(pct, 4)})
    return sorted(out, key=lambda d: (-d["effective_share"], d["name"]))


def ubo_candidates(g: OwnershipGraph, entity_id: str, threshold: float = 25.0) -> list[dict]:
    """Natural persons whose stake is not (fully) published: an unknown share or a range somewhere on their
    path. Each with its floor (published shares only) and its ceiling (every unknown share at the most the
    other holders leave), and whether the ceiling reaches `threshold`. They are candidates for a person to
    check, never dropped as "none found"."""
    low = effective_owners(g, entity_id)
    high = effective_owners(g, entity_id, g.hi)
    t = g.index.get(entity_id)
    direct_notes: dict[str, str] = {}
    if t is not None:
        for e in g.in_edges(t).tolist():
            if g.kind[e] == OWNERSHIP and not g.exact[e]:
                row = g.edge(e)
                if row.get("note"):
                    direct_notes.setdefault(g.ids[int(g.src[e])], row["note"])
    out = []
    for oid, hi in high.items():
        i = g.index[oid]
        lo = low.get(oid, 0.0)
        if g.types[i] != "person" or hi - lo <= 1e-6 or lo >= threshold - 1e-9:
            continue
        out.append({"id": oid, "name": g.name(i), "effective_min": round(lo, 4),
                    "effective_max": round(min(hi, 100.0), 4),
                    "could_reach_threshold": hi >= threshold - 1e-6, "note": direct_notes.get(oid)})
    return sorted(out, key=lambda d: (not d["could_reach_threshold"], -d["effective_max"], d["name"]))
