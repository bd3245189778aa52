"""Sentences every report format shares (HTML, PDF, CSV), so that each says the same thing."""

from __future__ import annotations


def list_version_words(data: dict) -> str:
    """'OFAC SDN list (advanced XML) published 2024-11-21, loaded 2026-12-02; no EU list loaded'."""
    from .currency import currency

    parts = [currency([lv], lv.get("authorities") or [])["words"] for lv in data["data"].get("list_versions", [])]
    missing = sorted({a for v in data["verdicts"] for a in v.get("missing_lists", [])})
    if missing:
        from ..authorities import label

        parts += [f"no {label(a)} list loaded" for a in missing]
    return "; ".join(parts) or "no list loaded"


def candidate_range(c: dict, threshold: float) -> str:
    """'0% to 40% on the other published stakes, could reach 25%' / '... just under 25%'."""
    lo, hi = c["effective_min"], c["effective_max"]
    top = f"just under {threshold:g}%" if not c["could_reach_threshold"] and round(hi, 2) >= threshold \
        else f"{hi:g}%"
    return (f"{lo:g}% to {top} on the other published stakes"
            + (f", could reach {threshold:g}%" if c["could_reach_threshold"] else ""))


def ubo_words(data: dict) -> str:
    """The beneficial-owner finding in one sentence, the same in every format."""
    th = f"{data['ubo_threshold']:g}%"
    ubos = data.get("ubos") or []
    cands = data.get("ubo_candidates") or []
    found = ", ".join(f"{u['name']} ({u['effective_share']:g}%)" for u in ubos)
    cand = "; ".join(f"{c['name']}: stake not published, {candidate_range(c, data['ubo_threshold'])}"
                     + (f" ({c['note']})" if c.get("note") else "") for c in cands)
    if ubos and cands:
        return f"{found}. Candidates with unknown stakes: {cand}."
    if ubos:
        return found + "."
    if cands:
        return (f"no natural person is known to hold {th} or more from published shares; candidates with "
                f"unknown stakes: {cand}.")
    return f"none found at or above {th} (published shares only; no person with an unpublished stake)."
