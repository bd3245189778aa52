"""Explanations: a proof tree for every verdict that is not clear, as JSON and as text.

The tree follows each contributing edge back to a listing. It expands an owner only when that owner was
caught in an earlier round than the entity it explains, so every tree is finite and grounded in the
listed persons, also on cycles; owners caught later are shown, counted, but not expanded.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .ownership_graph import CONTROL

if TYPE_CHECKING:  # pragma: no cover
    from .engine import ExposureResult

MAX_DEPTH = 25


def pct(v: float | None) -> str:
    return "?" if v is None else f"{round(v, 4):g}%"


def holding_words(total: float | None, total_max: float | None = None) -> str:
    """A listed holding for people: what is certain and, when shares are unknown or ranged, how far it
    may go. An unknown share is never shown as "0%"."""
    total = total or 0.0
    if total_max is not None and total_max > total + 1e-9:
        return (f"{pct(total)} for certain, up to {pct(total_max)}" if total > 1e-9
                else f"unknown (up to {pct(total_max)})")
    return pct(total)


def share_words(edge: dict) -> str:
    if edge.get("type") == "control":
        return "control" + (f" ({edge['basis']})" if edge.get("basis") else "")
    if edge.get("type") == "interest":
        return "an interest of unstated kind (a holding of unknown size, or control)"
    if edge.get("share") is not None:
        if edge.get("share_min_exclusive") and edge.get("share_min") == edge["share"]:
            return f"just over {pct(edge['share'])} (e.g. plus one share)"
        return pct(edge["share"])
    lo, hi = edge.get("share_min"), edge.get("share_max")
    if lo is not None and edge.get("share_min_exclusive"):
        return f"more than {lo:g}%" + (f", up to {hi:g}%" if hi is not None else "") + " (range)"
    if lo is not None or hi is not None:
        return f"{'' if lo is None else f'{lo:g}'}–{'' if hi is None else f'{hi:g}'}% (range)"
    return "unknown share"


def _sources(raw) -> list[dict]:
    out = []
    for s in raw or []:
        try:
            d = json.loads(s) if isinstance(s, str) else dict(s)
        except ValueError:
            d = {"dataset": str(s)}
        out.append({"dataset": d.get("dataset", ""), "record_id": d.get("record_id", ""),
                    "url": d.get("url", "")})
    return out


def _dates(edge: dict) -> str:
    parts = []
    if edge.get("start_date"):
        parts.append(f"from {edge['start_date']}")
    if edge.get("end_date"):
        parts.append(f"until {edge['end_date']}")
    elif edge.get("ended"):
        parts.append("ended at an unknown date")
    return ", ".join(parts)


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
                        "sources": _sources(r["sources"])})
        return sorted(out, key=lambda d: (d["authority"], d["program"] or ""))

    def brief(self, i: int) -> dict:
        from .engine import STATUSES

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
                "sources": _sources(row["sources"])}

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
                        "basis": r["basis"], "note": r["note"], "sources": _sources(r["sources"]),
                        "record_id": r.get("record_id"), "asserted_from": r.get("asserted_from"),
                        "asserted_until": r.get("asserted_until"), "why": r.get("why") or "not_in_force"})
        return out


def owners_sum(g, i: int) -> float:
    """The known minimum stakes of all ownership edges in force into node i (percent)."""
    from .ownership_graph import OWNERSHIP

    e = g.in_edges(i)
    return float(g.lo[e][g.kind[e] == OWNERSHIP].sum()) if len(e) else 0.0


def explain(res: "ExposureResult", entity_id: str) -> dict:
    from .engine import STATUSES

    i = res.index_of(entity_id)
    base = {"id": entity_id, "regime": res.regime.name, "as_of": res.as_of}
    if i is None:
        return {**base, "name": entity_id, "type": None, "status": "clear",
                "explanation": f"{entity_id}: no ownership, control or designation data in the store.",
                "proof": None}
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
    info["explanation"] = render_text(info, proof, res)
    info["proof"] = proof
    return info


# ---------------------------------------------------------------------------------------------- text
def date_basis(d: dict) -> str:
    """How the listing date of a designation is known, in words (proofs and reports state it)."""
    from .ownership_graph import NO_VERSION, SUPERSEDED

    if d.get("start_date"):
        return f"listed on {d['start_date']} (date stated by the list)"
    if d.get("date_basis") == SUPERSEDED:
        return "undated entry, replaced by a dated designation for the same authority and program"
    if d.get("list_published") and d.get("date_basis") != NO_VERSION:
        return (f"listing date unknown: listed on or before {d['list_published']}, the publication date "
                f"of the list version it came from")
    return "listing date unknown (no list version recorded)"


def _designation_words(ds: list[dict]) -> str:
    parts = []
    for d in ds:
        s = d["authority"] + (f" {d['program']}" if d["program"] else "")
        if d["start_date"]:
            s += f" since {d['start_date']}"
        else:
            s += f" ({date_basis(d)})"
        parts.append(s)
    return "; ".join(parts)


def _tree_lines(node: dict, indent: int, lines: list[str], th) -> None:
    pad = "  " * indent
    for c in node.get("contributions", []):
        owner = c["owner"]
        who = f"{owner['name']} ({owner['id']})"
        extra = []
        if c.get("note"):
            extra.append(f"note: {c['note']}")
        if _dates(c):
            extra.append(_dates(c))
        src = "; ".join(s["url"] or s["dataset"] for s in c["sources"] if s["url"] or s["dataset"])
        if src:
            extra.append(f"source: {src}")
        tail = f" [{'; '.join(extra)}]" if extra else ""
        if c["type"] == "control":
            verdict = "counts as control" if c.get("counts") else "control alone does not count under this regime"
            lines.append(f"{pad}- {share_words(c)} by {who}: {verdict}{tail}")
        else:
            counted = pct(c["counted"])
            rng = "" if c["counted_max"] == c["counted"] else f" (up to {pct(c['counted_max'])})"
            joint = ""
            if c.get("joint_partners") is not None:
                partners = ", ".join(f"{p['owner']['name']} {share_words(p)}" for p in c["joint_partners"])
                joint = f", pooled joint arrangement '{c['joint_group']}' with {partners or 'no recorded partner'}"
            elif c.get("pooled_in_joint_group"):
                joint = f", already pooled in joint arrangement '{c['joint_group']}'"
            lines.append(f"{pad}+ {counted}{rng} held by {who} ({share_words(c)}{joint}); "
                         f"running total {pct(c['running_total'])}{tail}")
        if owner.get("designations") is not None:
            perhaps = "possibly listed (listing date unknown)" if owner.get("listing_date_unknown") else "listed"
            lines.append(f"{pad}    {owner['name']} is {perhaps}: {_designation_words(owner['designations'])}")
        elif owner.get("ref"):
            lines.append(f"{pad}    {owner['name']} is {owner['status']} (explained separately)")
        elif owner.get("contributions") is not None:
            upto = f" (up to {pct(owner['total_max'])})" if owner["total_max"] != owner["total"] else ""
            lines.append(f"{pad}    {owner['name']} is {owner['status']}: its owners under this regime hold "
                         f"{pct(owner['total'])}{upto}" + (" and control it" if owner.get("control") else ""))
            _tree_lines(owner, indent + 2, lines, th)


def render_text(info: dict, proof: dict, res) -> str:
    th = res.threshold
    status = info["status"]
    reg = res.regime
    head = (f"{info['name']} ({info['id']}): {status.upper()} under {reg.name} ({reg.title}) on {res.as_of}. "
            f"Threshold: {th.words()}" + (f" (since {th.since})" if th.since else "") + ".")
    lines = [head]
    tree = proof["tree"]
    if status == "listed":
        lines.append(f"Designated: {_designation_words(tree.get('designations', []))}.")
        return "\n".join(lines)
    if status == "possible" and tree.get("listing_date_unknown") and tree.get("designations") is not None:
        lines.append(f"Possibly listed on {res.as_of} (listing date unknown): "
                     f"{_designation_words(tree.get('designations', []))}. The list gives no listing date, "
                     f"so it is known to be listed only from its list version's publication date.")
        return "\n".join(lines)
    if status == "clear":
        lines.append("No ownership or control by a listed person in force on the date.")
    pooled = reg.aggregate
    holder = proof.get("holder")
    who = "listed persons together" if pooled else (f"{holder['name']} ({holder['id']})" if holder else "no one")
    verb = "hold" if pooled else "holds"
    total, total_max = proof["total"], proof["total_max"]
    if status == "derived":
        if tree.get("meets_threshold"):
            lines.append(f"Caught: {who} {verb} {pct(total)}, which is {th.words()}.")
        else:
            lines.append(f"Caught through control by {who} (holding {pct(total)}); "
                         f"the presumption of control is rebuttable.")
    elif status == "possible":
        need = "at least" if th.comparison == ">=" else "more than"
        lines.append(f"Possibly caught: {who} {verb} {holding_words(total, total_max)} "
                     f"within published ranges or unknown shares; it is caught if the uncertain stakes add "
                     f"{need} {pct(proof['gap'])} more.")
        if proof.get("listing_date_unknown"):
            lines.append("Listing date unknown for " + ", ".join(proof["listing_date_unknown"])
                         + f": their lists give no listing date and were published after {res.as_of}, so "
                         f"their stakes count only as possible.")
    elif status == "review":
        rv = proof.get("review", {})
        lines.append(f"Review (largest-minority indication): listed persons hold {pct(total)}, not "
                     f"{th.words()}, but this is at least {reg.review_largest_minority['ratio']:g} times the "
                     f"largest other recorded stake ({pct(rv.get('largest_other_stake'))}). Not a finding of "
                     f"ownership.")
    elif status == "exposed":
        if pooled:
            lines.append(f"Not caught: listed persons hold {holding_words(total, total_max)} in the aggregate, "
                         f"not {th.words()} (short by {pct(proof['gap'])}).")
        else:
            lines.append(f"Not caught: no single designated person holds {th.words()}; holdings of different "
                         f"designated persons are not aggregated under this regime.")
    if not pooled and proof.get("holdings"):
        for h in proof["holdings"]:
            lines.append(f"Holding of {h['person']['name']} ({h['person']['id']}): "
                         f"{holding_words(h['total'], h['total_max'])}"
                         + (" - caught" if h["caught"] else ""))
            _tree_lines(h["tree"], 1, lines, th)
    else:
        _tree_lines(tree, 1, lines, th)
    others = proof.get("other_owners") or []
    if others:
        lines.append(f"Other owners, not listed or owned under {reg.name}:")
        for c in others:
            o = c["owner"]
            s = f"  - {o['name']} ({o['id']}): {share_words(c)}"
            if c["unknown_share"]:
                s += " - stake not published: an owner to look at"
            if o.get("designations_other"):
                s += f"; designated by {', '.join(o['designations_other'])} (not counted under {reg.name})"
            if c.get("note"):
                s += f" [note: {c['note']}]"
            lines.append(s)
    if proof.get("data_conflict"):
        lines.append(f"Data conflict: the recorded owners' stakes in force on {res.as_of} sum to "
                     f"{pct(proof['data_conflict']['owners_sum'])}, more than 100%; check the sources "
                     f"(a stake recorded twice, or an update that did not end the earlier stake).")
    gone = [c for c in proof.get("not_in_force") or [] if c.get("why") != "indirect"]
    if gone:
        lines.append(f"Not in force on {res.as_of} (not counted):")
        why = {"superseded": "superseded by another version of the same source record",
               "withdrawn": "no longer asserted by its source"}
        for c in gone:
            lines.append(f"  - {c['owner']['name']} ({c['owner']['id']}): {share_words(c)}, "
                         + "; ".join(x for x in (_dates(c), why.get(c.get("why"), "")) if x)
                         if _dates(c) or c.get("why") in why else
                         f"  - {c['owner']['name']} ({c['owner']['id']}): {share_words(c)}, "
                         "dates outside the as-of date")
    indirect = [c for c in proof.get("not_in_force") or [] if c.get("why") == "indirect"]
    if indirect:
        lines.append("Indirect interests, reported by the source as held through others (not counted: "
                     "the links of the chain itself are what count):")
        for c in indirect:
            lines.append(f"  - {c['owner']['name']} ({c['owner']['id']}): {share_words(c)}"
                         + (f" [note: {c['note']}]" if c.get("note") else ""))
    return "\n".join(lines)
