"""Proofs: the tree behind every verdict that is not clear, as data (text, HTML, PDF and JSON renderers
read it; none of them builds it).

The tree follows each contributing edge back to a listing. It expands an owner only when that owner was
caught in an earlier round than the entity it explains, so every tree is finite and grounded in the
listed persons, also on cycles; owners caught later are shown, counted, but not expanded.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..statuses import STATUSES
from .ownership_graph import CONTROL
from .proof_text import date_basis

if TYPE_CHECKING:
    from .engine import ExposureResult

MAX_DEPTH = 25


def sources_of(raw) -> list[dict]:
    out = []
    for s in raw or []:
        try:
            d = json.loads(s) if isinstance(s, str) else dict(s)
        except ValueError:
            d = {"dataset": str(s)}
        out.append({"dataset": d.get("dataset", ""), "record_id": d.get("record_id", ""),
                    "url": d.get("url", "")})
    return out



class _Explainer:
    def __init__(self, res: "ExposureResult"):
        self.res = res
        self.g = res.graph
        self.reg = res.regime
        self.th = res.threshold
        self.node_ids: dict[str, None] = {}
        self.edge_ids: dict[str, None] = {}
        self.listed_persons: dict[str, None] = {}
        self.date_unknown: dict[str, None] = {}  # listed persons whose listing date is unknown on as_of

    # ------------------------------------------------------------------ helpers
    def designations(self, i: int, counted: bool = True) -> list[dict]:
        cache = self.res._cache.setdefault("_designations", None)
        if cache is None:
            cache = {}
            for row in self.g.designations.iter_rows(named=True):
                cache.setdefault(row["entity_id"], []).append(row)
            self.res._cache["_designations"] = cache
        rows = cache.get(self.g.ids[i], [])
        auth = set(self.reg.authorities)
        out = []
        for r in rows:
            if counted != ((r["active"] or r.get("maybe", False)) and r["authority"] in auth):
                continue
            out.append({"id": r["id"], "authority": r["authority"], "program": r["program"],
                        "start_date": r["start_date"], "end_date": r["end_date"], "active": r["active"],
                        "maybe": bool(r.get("maybe")), "date_basis": date_basis(r),
                        "list_version": r.get("list_version"), "list_published": r.get("list_published"),
                        "sources": sources_of(r["sources"])})
        return sorted(out, key=lambda d: (d["authority"], d["program"] or ""))

    def brief(self, i: int) -> dict:
        return {"id": self.g.ids[i], "name": self.g.name(i), "type": self.g.types[i],
                "status": STATUSES[self.res.codes[i]]}

    def edge_info(self, e: int) -> dict:
        row = self.g.edge(e)
        return {"edge_id": row["id"], "type": row["type"], "source": row["source"], "target": row["target"],
                "share": row["share"], "share_min": row["share_min"], "share_max": row["share_max"],
                "share_min_exclusive": bool(row.get("share_min_exclusive")), "record_id": row.get("record_id"),
                "asserted_from": row.get("asserted_from"),
                "start_date": row["start_date"], "end_date": row["end_date"], "ended": bool(row["ended"]),
                "basis": row["basis"], "joint_group": row["joint_group"], "note": row["note"],
                "sources": sources_of(row["sources"])}

    def order(self, run, u: int, key: int | None) -> int | None:
        if key is None:
            return int(run.order[u]) if run.caught[u] else None
        return run.holders.get(u, {}).get(key)

    # ------------------------------------------------------------------ the tree
    def node(self, i: int, run, key: int | None, depth: int, path: frozenset) -> dict:
        d = self.brief(i)
        self.node_ids[d["id"]] = None
        if (key is None and (self.res.listed[i] or self.res.maybe[i])) or (key is not None and i == key):
            d["designations"] = self.designations(i)
            self.listed_persons[d["id"]] = None
            if self.res.maybe[i]:
                d["listing_date_unknown"] = True
                self.date_unknown[d["id"]] = None
            return d
        if i in path or depth > MAX_DEPTH:
            d["ref"] = True
            return d
        my_order = self.order(run, i, key)
        contributions = []
        total_lo = total_hi = 0.0
        control = []
        pools_done: set[int] = set()
        in_edges = self.g.in_edges(i).tolist()
        items = []
        for e in in_edges:
            u = int(self.g.src[e])
            ou = self.order(run, u, key)
            if ou is None:
                continue
            items.append((ou, -self.g.lo[e], e, u))
        items.sort()
        low, high = self.res.low, self.res.high
        joint_pools = self.reg.joint_arrangements and len(self.g.joint_target) > 0
        for ou, _, e, u in items:
            c = self.edge_info(e)
            self.edge_ids[c["edge_id"]] = None
            grounded = my_order is None or ou < my_order
            if self.g.kind[e] == CONTROL:
                c["counts"] = self.reg.control_counts
                c["counted"] = c["counted_max"] = 0.0
                c["running_total"], c["running_total_max"] = round(total_lo, 6), round(total_hi, 6)
                if self.reg.control_counts:
                    control.append(c)
            else:
                lo, hi = float(self.g.lo[e]), float(self.g.hi[e])
                j = int(self.g.joint[e])
                if joint_pools and j >= 0:
                    if j in pools_done:
                        lo = hi = 0.0
                        c["pooled_in_joint_group"] = True
                    else:
                        pools_done.add(j)
                        lo, hi = float(self.g.joint_lo[j]), float(self.g.joint_hi[j])
                        c["joint_partners"] = self.joint_partners(j, e)
                definite = self.order(low, u, key) is not None
                c["counted"] = lo if definite else 0.0
                c["counted_max"] = hi
                total_lo += c["counted"]
                total_hi += hi
                c["running_total"] = round(total_lo, 6)
                c["running_total_max"] = round(total_hi, 6)
            c["grounding"] = grounded
            if grounded:
                c["owner"] = self.node(u, run, key, depth + 1, path | {i})
            else:
                c["owner"] = {**self.brief(u), "ref": True}
                self.node_ids[self.g.ids[u]] = None
            contributions.append(c)
        d["contributions"] = contributions
        d["total"] = round(total_lo, 6)
        d["total_max"] = round(total_hi, 6)
        d["meets_threshold"] = self.th.meets(total_lo)
        d["control"] = bool(control)
        return d

    def joint_partners(self, j: int, e_self: int) -> list[dict]:
        out = []
        for e in self.g.in_edges(int(self.g.joint_target[j])).tolist():
            if e != e_self and int(self.g.joint[e]) == j:
                c = self.edge_info(e)
                self.edge_ids[c["edge_id"]] = None
                self.node_ids[c["source"]] = None
                c["owner"] = self.brief(int(self.g.src[e]))
                out.append(c)
        return out

    # ------------------------------------------------------------------ context
    def other_owners(self, i: int, key_caught) -> list[dict]:
        out = []
        for e in self.g.in_edges(i).tolist():
            u = int(self.g.src[e])
            if key_caught(u):
                continue
            c = self.edge_info(e)
            c["owner"] = self.brief(u)
            c["owner"]["designations_other"] = [f"{d['authority']}" + (f" {d['program']}" if d["program"] else "")
                                                for d in self.designations(u, counted=False) if d["active"]]
            c["unknown_share"] = c["type"] == "ownership" and c["share"] is None
            out.append(c)
        out.sort(key=lambda c: (not c["unknown_share"], -(c["share"] or 0)))
        return out

    def not_in_force(self, i: int) -> list[dict]:
        ina = self.g.inactive
        if ina.height == 0:
            return []
        rows = ina.filter(ina["target"] == self.g.ids[i]).iter_rows(named=True)
        out = []
        for r in rows:
            j = self.g.index.get(r["source"])
            out.append({"edge_id": r["id"], "type": r["type"], "source": r["source"],
                        "owner": self.brief(j) if j is not None else {"id": r["source"], "name": r["source"]},
                        "share": r["share"], "share_min": r["share_min"], "share_max": r["share_max"],
                        "share_min_exclusive": bool(r.get("share_min_exclusive")),
                        "start_date": r["start_date"], "end_date": r["end_date"], "ended": bool(r["ended"]),
                        "basis": r["basis"], "note": r["note"], "sources": sources_of(r["sources"]),
                        "record_id": r.get("record_id"), "asserted_from": r.get("asserted_from"),
                        "asserted_until": r.get("asserted_until"), "why": r.get("why") or "not_in_force"})
        return out


def owners_sum(g, i: int) -> float:
    """The known minimum stakes of all ownership edges in force into node i (percent)."""
    from .ownership_graph import OWNERSHIP

    e = g.in_edges(i)
    return float(g.lo[e][g.kind[e] == OWNERSHIP].sum()) if len(e) else 0.0


def build_proof(res: "ExposureResult", entity_id: str) -> tuple[dict, dict | None]:
    """(the verdict's facts, its proof) for one entity: the data every renderer reads."""

    i = res.index_of(entity_id)
    base = {"id": entity_id, "regime": res.regime.name, "as_of": res.as_of}
    if i is None:
        return {**base, "name": entity_id, "type": None, "status": "clear", "unknown": True}, None
    x = _Explainer(res)
    status = STATUSES[res.codes[i]]
    info = {**base, "name": res.graph.name(i), "type": res.graph.types[i], "status": status}
    th = res.threshold
    proof: dict = {"regime": res.regime.name, "as_of": res.as_of, "status": status,
                   "threshold": th.to_dict(),
                   "aggregation": "pooled across listed persons" if res.regime.aggregate
                   else "per designated person (joint arrangements pooled)",
                   "control_counts": res.regime.control_counts}
    if status == "listed" or (status == "possible" and res.maybe[i]):
        run = res.low if status == "listed" else res.high
        proof["tree"] = x.node(i, run, None if res.regime.aggregate else i, 0, frozenset())
    elif status == "clear":
        proof["tree"] = {**x.brief(i), "contributions": []}
        x.node_ids[entity_id] = None
    elif res.regime.aggregate:
        run = res.low if status == "derived" else res.high
        tree = x.node(i, run, None, 0, frozenset())
        proof["tree"] = tree
    else:
        run = res.low if status == "derived" else res.high
        holdings = []
        persons: dict[int, None] = {}
        for e in res.graph.in_edges(i).tolist():
            u = int(res.graph.src[e])
            for p in res.high.holders.get(u, {}):
                persons[p] = None
        mine = run.holders.get(i, {})
        for p in persons:
            tree = x.node(i, run, p, 0, frozenset())
            holdings.append({"person": x.brief(p), "total": tree["total"], "total_max": tree["total_max"],
                             "caught": p in mine, "tree": tree})
        holdings.sort(key=lambda h: (not h["caught"], -h["total"], -h["total_max"]))
        proof["holdings"] = holdings
        proof["tree"] = holdings[0]["tree"] if holdings else {**x.brief(i), "contributions": []}
        if holdings:
            proof["holder"] = holdings[0]["person"]
    tree = proof["tree"]
    caught_in_high = (lambda u: bool(res.high.caught[u])) if res.regime.aggregate else \
        (lambda u: bool(res.high.holders.get(u)))
    proof["total"] = tree.get("total", 0.0)
    proof["total_max"] = tree.get("total_max", 0.0)
    proof["gap"] = max(0.0, round(th.value - proof["total"], 6))
    own_listing = status == "listed" or bool(res.maybe[i])
    proof["other_owners"] = x.other_owners(i, caught_in_high) if not own_listing else []
    proof["not_in_force"] = x.not_in_force(i) if not own_listing else []
    conflict = owners_sum(res.graph, i)
    if conflict > 100.0 + 1e-6:
        proof["data_conflict"] = {"owners_sum": round(conflict, 6),
                                  "note": "the ownership stakes in force on the date sum to more than 100%"}
    proof["listed_persons"] = list(x.listed_persons)
    proof["listing_date_unknown"] = list(x.date_unknown)
    reasons = []
    if x.date_unknown:
        reasons.append("listing date unknown")
    proof["node_ids"] = list(x.node_ids)
    proof["edge_ids"] = list(x.edge_ids)
    proof["context_edge_ids"] = [c["edge_id"] for c in proof["other_owners"] + proof["not_in_force"]]
    if status == "review":
        proof["review"] = {"indication": "largest minority", "rule": res.regime.review_largest_minority,
                           "listed_stake": proof["total"], "largest_other_stake": float(res.other_max[i])}
    info["listed_persons"] = proof["listed_persons"]
    info["reasons"] = reasons
    info["total"] = proof["total"]
    info["total_max"] = proof["total_max"]
    info["threshold"] = th.to_dict()
    info["effective_listed_share"] = round(float(res.effective_listed[i]), 6)
    return info, proof
