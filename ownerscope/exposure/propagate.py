"""The two propagation kernels: the least fixed point of "owned or controlled" grounded in the listed.

Both are semi-naive: each round looks only at the edges leaving entities caught in the round before,
so every edge is read once per caught owner (once in all for aggregating regimes) and they end on any
graph, cycles included, with the smallest consistent set of caught entities.

- `aggregate`: one pool of listed persons (OFAC, EU): numpy, vectorised per round.
- `per_person`: each designated person on their own (UK): a worklist of (person, entity) pairs.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from .ownership_graph import CONTROL, OWNERSHIP, OwnershipGraph
from .regimes import Threshold


@dataclass
class Run:
    caught: np.ndarray            # bool per node (listed included)
    order: np.ndarray             # round (aggregate) or sequence (per person) at which caught; -1 never
    total: np.ndarray             # listed holding per node: pooled, or the largest per-person holding
    holders: dict = field(default_factory=dict)  # per person: node -> {person: sequence}
    rounds: int = 0


def _meets(th: Threshold, values: np.ndarray) -> np.ndarray:
    return values >= th.value - 1e-9 if th.comparison == ">=" else values > th.value + 1e-9


def aggregate(g: OwnershipGraph, seed: np.ndarray, share: np.ndarray, joint_pool: np.ndarray | None,
              th: Threshold, control_counts: bool, kind: np.ndarray | None = None) -> Run:
    """Entities owned in the aggregate (or controlled) by the pool of listed persons, round by round.
    `kind` overrides the edges' kinds (the upper run reads untyped interests as control)."""
    kind = g.kind if kind is None else kind
    n = g.n
    caught = seed.copy()
    order = np.where(seed, 0, -1).astype(np.int64)
    total = np.zeros(n)
    joint_done = np.zeros(len(g.joint_target), dtype=bool)
    frontier = np.flatnonzero(seed)
    r = 0
    while frontier.size:
        r += 1
        e = g.out_edges_of(frontier)
        if e.size == 0:
            break
        kinds = kind[e]
        own = e[kinds == OWNERSHIP]
        targets = [g.dst[own]]
        weights = [share[own]]
        if joint_pool is not None and own.size:
            j = g.joint[own]
            in_group = j >= 0
            targets = [g.dst[own[~in_group]]]
            weights = [share[own[~in_group]]]
            groups = np.unique(j[in_group])
            groups = groups[~joint_done[groups]]
            joint_done[groups] = True
            targets.append(g.joint_target[groups])
            weights.append(joint_pool[groups])
        t = np.concatenate(targets)
        w = np.concatenate(weights)
        touched = np.unique(t)
        if t.size:
            pos = np.searchsorted(touched, t)
            total[touched] += np.bincount(pos, weights=w, minlength=touched.size)
        hit = _meets(th, total[touched])
        if control_counts:
            ctl_targets = np.unique(g.dst[e[kinds == CONTROL]])
            touched = np.concatenate([touched[hit], ctl_targets])
        else:
            touched = touched[hit]
        new = np.unique(touched[~caught[touched]])
        caught[new] = True
        order[new] = r
        frontier = new
    return Run(caught=caught, order=order, total=total, rounds=r)


def per_person(g: OwnershipGraph, seed: np.ndarray, share: np.ndarray, joint_pool: np.ndarray | None,
               th: Threshold, control_counts: bool, kind: np.ndarray | None = None) -> Run:
    """For each designated person separately: the entities they own (chains of qualifying stakes,
    whole stakes of owned entities attributed to them) or control. Joint groups pooled per person."""
    n = g.n
    holders: dict[int, dict[int, int]] = {}
    acc: dict[tuple[int, int], float] = {}
    joint_done: set[tuple[int, int]] = set()
    queue: deque[tuple[int, int]] = deque()
    seq = 0
    for p in np.flatnonzero(seed).tolist():
        holders[p] = {p: 0}
        queue.append((p, p))
    src_kind = g.kind if kind is None else kind
    dst = g.dst
    joint = g.joint
    value, strict = th.value, th.comparison == ">"

    def catch(p: int, t: int) -> None:
        nonlocal seq
        hs = holders.setdefault(t, {})
        if p not in hs:
            seq += 1
            hs[p] = seq
            queue.append((p, t))

    while queue:
        p, u = queue.popleft()
        for e in g.out_edges(u).tolist():
            t = int(dst[e])
            if p in holders.get(t, ()):
                continue
            if src_kind[e] == CONTROL:
                if control_counts:
                    catch(p, t)
                continue
            j = int(joint[e])
            if joint_pool is not None and j >= 0:
                if (p, j) in joint_done:
                    continue
                joint_done.add((p, j))
                w = float(joint_pool[j])
            else:
                w = float(share[e])
            a = acc.get((p, t), 0.0) + w
            acc[(p, t)] = a
            if (a > value + 1e-9) if strict else (a >= value - 1e-9):
                catch(p, t)

    caught = np.zeros(n, dtype=bool)
    order = np.full(n, -1, dtype=np.int64)
    for t, hs in holders.items():
        caught[t] = True
        order[t] = min(hs.values())
    total = np.zeros(n)
    for (p, t), a in acc.items():
        if a > total[t]:
            total[t] = a
    return Run(caught=caught, order=order, total=total, holders=holders, rounds=seq)
