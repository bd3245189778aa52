"""The text of a proof: the words a person reads for a verdict (the engine's `explanation`, the reports'
share and date phrases). It reads proof data (ownerscope.exposure.proof) and never builds it."""

from __future__ import annotations

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


def dates_words(edge: dict) -> str:
    parts = []
    if edge.get("start_date"):
        parts.append(f"from {edge['start_date']}")
    if edge.get("end_date"):
        parts.append(f"until {edge['end_date']}")
    elif edge.get("ended"):
        parts.append("ended at an unknown date")
    return ", ".join(parts)


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


def designation_words(ds: list[dict]) -> str:
    parts = []
    for d in ds:
        s = d["authority"] + (f" {d['program']}" if d["program"] else "")
        if d["start_date"]:
            s += f" since {d['start_date']}"
        else:
            s += f" ({date_basis(d)})"
        parts.append(s)
    return "; ".join(parts)


def tree_lines(node: dict, indent: int, lines: list[str], th) -> None:
    pad = "  " * indent
    for c in node.get("contributions", []):
        owner = c["owner"]
        who = f"{owner['name']} ({owner['id']})"
        extra = []
        if c.get("note"):
            extra.append(f"note: {c['note']}")
        if dates_words(c):
            extra.append(dates_words(c))
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
            lines.append(f"{pad}    {owner['name']} is {perhaps}: {designation_words(owner['designations'])}")
        elif owner.get("ref"):
            lines.append(f"{pad}    {owner['name']} is {owner['status']} (explained separately)")
        elif owner.get("contributions") is not None:
            upto = f" (up to {pct(owner['total_max'])})" if owner["total_max"] != owner["total"] else ""
            lines.append(f"{pad}    {owner['name']} is {owner['status']}: its owners under this regime hold "
                         f"{pct(owner['total'])}{upto}" + (" and control it" if owner.get("control") else ""))
            tree_lines(owner, indent + 2, lines, th)


def render_text(info: dict, proof: dict, res) -> str:
    th = res.threshold
    status = info["status"]
    reg = res.regime
    head = (f"{info['name']} ({info['id']}): {status.upper()} under {reg.name} ({reg.title}) on {res.as_of}. "
            f"Threshold: {th.words()}" + (f" (since {th.since})" if th.since else "") + ".")
    lines = [head]
    tree = proof["tree"]
    if status == "listed":
        lines.append(f"Designated: {designation_words(tree.get('designations', []))}.")
        return "\n".join(lines)
    if status == "possible" and tree.get("listing_date_unknown") and tree.get("designations") is not None:
        lines.append(f"Possibly listed on {res.as_of} (listing date unknown): "
                     f"{designation_words(tree.get('designations', []))}. The list gives no listing date, "
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
            tree_lines(h["tree"], 1, lines, th)
    else:
        tree_lines(tree, 1, lines, th)
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
                         + "; ".join(x for x in (dates_words(c), why.get(c.get("why"), "")) if x)
                         if dates_words(c) or c.get("why") in why else
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
