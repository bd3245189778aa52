"""Tracing an ownership structure on a date: every owner up to the top, every holding down.

Both walk the in-force ownership and control links of an OwnershipGraph (the exposure engine's), so they
agree with the verdicts; both are cycle-safe (each entity is visited once, shares are integrated by
solving a linear system, never by enumerating paths) and capped (`max_nodes`), saying when the cap cut
the walk. Shares are percentages. A floor (`effective`, unknown shares as 0) and a ceiling
(`effective_max`, unknown shares as what the other holders leave over) are both given, so an unknown
stake is never read as zero.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from ..authorities import is_sanctions
from ..exposure.effective import _solve, effective_owners
from ..exposure.ownership_graph import CONTROL, OWNERSHIP, OwnershipGraph, listed_mask

MAX_NODES = 300
EDGE_FIELDS = ("id", "source", "target", "type", "share", "share_min", "share_max", "share_min_exclusive",
               "start_date", "end_date", "ended", "role", "basis", "note")


def sanctions_listed(g: OwnershipGraph) -> np.ndarray:
    """Entities listed on the graph's date by any sanctions authority (not export controls, exclusions)."""
    d = g.designations
    auths = sorted({a for a in (d["authority"].unique().to_list() if d.height else []) if a and is_sanctions(a)})
    return listed_mask(g, auths) if auths else np.zeros(g.n, dtype=bool)


def _authorities(g: OwnershipGraph, ids: set[str]) -> dict[str, list[str]]:
    out: dict[str, set[str]] = {}
    d = g.designations
    if d.height:
        for eid, auth, active in zip(d["entity_id"].to_list(), d["authority"].to_list(), d["active"].to_list()):
            if active and eid in ids and auth:
                out.setdefault(eid, set()).add(auth)
    return {k: sorted(v) for k, v in out.items()}


def _edge(g: OwnershipGraph, e: int) -> dict:
    row = g.edge(e)
    out = {k: row.get(k) for k in EDGE_FIELDS}
    out["type"] = "control" if g.kind[e] == CONTROL else (row.get("type") or "ownership")
    return out


def _node(g: OwnershipGraph, i: int, listed: np.ndarray, auth: dict[str, list[str]], **extra) -> dict:
    eid = g.ids[i]
    return {"id": eid, "name": g.name(i), "type": g.types[i], "country": None, "listed": bool(listed[i]),
            "authorities": auth.get(eid, []), **extra}


def _empty(entity_id: str, g: OwnershipGraph, direction: str) -> dict:
    return {"root": entity_id, "as_of": g.as_of, "direction": direction, "nodes": [], "edges": [],
            "truncated": False, "found": False}


def owners_to_top(g: OwnershipGraph, entity_id: str, listed: np.ndarray | None = None,
                  max_nodes: int = MAX_NODES) -> dict:
    """Every direct and indirect owner or controller of an entity, up to the ultimate ones.

    Each owner carries its depth (links to the entity, shortest), its effective share (shares multiplied
    along each path and summed over paths; floor and ceiling), whether it is listed, and whether it is an
    ultimate owner (nothing owns it, or it sits in a cycle of mutual holdings that nothing outside owns).
    `listed_chain` is every link on a path from a listed owner down to the entity: the whole chain of a
    listed person's indirect stake, whether or not a rule counts it.
    """
    t = g.index.get(entity_id)
    if t is None:
        return _empty(entity_id, g, "up")
    listed = sanctions_listed(g) if listed is None else listed
    depth = {t: 0}
    edges: dict[int, None] = {}
    queue = deque([t])
    truncated = False
    while queue:
        v = queue.popleft()
        for e in g.in_edges(v).tolist():
            u = int(g.src[e])
            if u not in depth:
                if len(depth) >= max_nodes:
                    truncated = True
                    continue
                depth[u] = depth[v] + 1
                queue.append(u)
            edges[e] = None
    nodes = list(depth)
    local = {v: k for k, v in enumerate(nodes)}
    src = np.array([local[int(g.src[e])] for e in edges], dtype=np.int64)
    dst = np.array([local[int(g.dst[e])] for e in edges], dtype=np.int64)
    k = len(nodes)
    adj = sp.csr_matrix((np.ones(len(src)), (src, dst)), shape=(k, k))
    _, comp = connected_components(adj, directed=True, connection="strong")
    fed = set(comp[dst[comp[src] != comp[dst]]].tolist())  # components owned from outside themselves
    eff, eff_hi = effective_owners(g, entity_id), effective_owners(g, entity_id, upper=True)
    ids = {g.ids[v] for v in nodes}
    auth = _authorities(g, ids)
    direct: dict[int, float] = {}
    direct_max: dict[int, float] = {}
    controls: set[int] = set()
    for e in g.in_edges(t).tolist():
        u = int(g.src[e])
        if g.kind[e] == OWNERSHIP:
            direct[u] = direct.get(u, 0.0) + float(g.lo[e])
            direct_max[u] = direct_max.get(u, 0.0) + float(g.hi[e])
        else:
            controls.add(u)
    out_nodes = []
    for v in nodes:
        oid = g.ids[v]
        extra = {"depth": depth[v]}
        if v != t:
            extra.update(effective=round(eff.get(oid, 0.0), 6),
                         effective_max=round(min(100.0, eff_hi.get(oid, 0.0)), 6),
                         direct=round(direct[v], 6) if v in direct else None,
                         direct_max=round(min(100.0, direct_max[v]), 6) if v in direct else None,
                         controls=v in controls,
                         ultimate=int(comp[local[v]]) not in fed)
        out_nodes.append(_node(g, v, listed, auth, **extra))
    # the links on a path from a listed owner down to the entity
    down: dict[int, list[int]] = {}
    for e in edges:
        down.setdefault(int(g.src[e]), []).append(e)
    reach: set[int] = set()
    stack = [v for v in nodes if listed[v] and v != t]
    chain: list[int] = []
    while stack:
        v = stack.pop()
        if v in reach:
            continue
        reach.add(v)
        for e in down.get(v, []):
            chain.append(e)
            stack.append(int(g.dst[e]))
    owners = [n for n in out_nodes if n["id"] != entity_id]
    owners.sort(key=lambda n: (not n["ultimate"], -n["effective_max"], -n["effective"], n["depth"], n["name"] or ""))
    return {"root": entity_id, "as_of": g.as_of, "direction": "up", "found": True,
            "nodes": out_nodes, "edges": [_edge(g, e) for e in edges], "truncated": truncated,
            "owners": owners, "ultimate_owners": [n for n in owners if n["ultimate"]],
            "listed_owners": [n for n in owners if n["listed"]],
            "listed_chain": sorted({str(g.edge(e)["id"]) for e in chain})}


def holdings_down(g: OwnershipGraph, entity_id: str, max_depth: int = 3, min_share: float = 0.0,
                  listed: np.ndarray | None = None, max_nodes: int = MAX_NODES) -> dict:
    """Everything an entity owns or controls, directly and indirectly, up to `max_depth` links down.

    A link is followed when its share can reach `min_share` (its upper value: an unknown share is
    followed, never dropped as zero) or when it is a control link. Each holding carries its depth and the
    entity's effective share in it (floor and ceiling, integrated over the paths followed).
    """
    r = g.index.get(entity_id)
    if r is None:
        return _empty(entity_id, g, "down")
    listed = sanctions_listed(g) if listed is None else listed
    max_depth = max(1, int(max_depth))
    depth = {r: 0}
    edges: dict[int, None] = {}
    queue = deque([r])
    truncated = False
    while queue:
        v = queue.popleft()
        if depth[v] >= max_depth:
            continue
        for e in g.out_edges(v).tolist():
            if g.kind[e] == OWNERSHIP and float(g.hi[e]) < min_share - 1e-9:
                continue
            w = int(g.dst[e])
            if w not in depth:
                if len(depth) >= max_nodes:
                    truncated = True
                    continue
                depth[w] = depth[v] + 1
                queue.append(w)
            edges[e] = None
    nodes = list(depth)
    local = {v: k for k, v in enumerate(nodes)}
    k = len(nodes)

    def integrate(share: np.ndarray) -> np.ndarray:
        rows, cols, vals = [], [], []
        for e in edges:
            if g.kind[e] == OWNERSHIP and int(g.dst[e]) != r:
                rows.append(local[int(g.dst[e])])
                cols.append(local[int(g.src[e])])
                vals.append(float(share[e]) / 100.0)
        w = sp.csr_matrix((vals, (rows, cols)), shape=(k, k))
        b = np.asarray(w[:, 0].todense()).ravel()
        keep = np.ones(k)
        keep[0] = 0.0  # paths through the entity itself are not counted again
        y, _, _ = _solve(lambda x: w @ (keep * x), b, k)
        return y * 100.0

    lo, hi = integrate(g.lo), integrate(g.hi)
    controlled = {int(g.dst[e]) for e in edges if g.kind[e] == CONTROL and int(g.src[e]) == r}
    auth = _authorities(g, {g.ids[v] for v in nodes})
    out_nodes = []
    for v in nodes:
        extra = {"depth": depth[v]}
        if v != r:
            j = local[v]
            extra.update(effective=round(float(lo[j]), 6), effective_max=round(min(100.0, float(hi[j])), 6),
                         controls=v in controlled)
        out_nodes.append(_node(g, v, listed, auth, **extra))
    holdings = [n for n in out_nodes if n["id"] != entity_id]
    holdings.sort(key=lambda n: (n["depth"], -n["effective_max"], n["name"] or ""))
    return {"root": entity_id, "as_of": g.as_of, "direction": "down", "found": True, "max_depth": max_depth,
            "min_share": min_share, "nodes": out_nodes, "edges": [_edge(g, e) for e in edges],
            "truncated": truncated, "holdings": holdings}


__all__ = ["owners_to_top", "holdings_down", "sanctions_listed", "MAX_NODES"]
