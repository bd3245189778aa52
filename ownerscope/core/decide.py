"""The screening decision over the scored candidates of one query, shared by the Screen page and the API.

A best candidate at or above the match score is a match only when it stands alone: when another candidate
scores the same or within a few points (TIE_MARGIN of the scale), the name alone does not tell them apart,
and the row is a "possible match" for a person to decide between the candidates, each shown with its
evidence (matched name, date of birth, country, identifiers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

MATCH = "match"
POSSIBLE = "possible match"
WEAK = "weak"
NO_MATCH = "no match"
TIE_MARGIN = 0.03  # of the score scale: 3 points out of 100, 0.03 out of 1


@dataclass
class Decision:
    decision: str                 # match, possible match, weak, no match
    tied: list[int] = field(default_factory=list)  # candidate positions a person must choose between
    reason: str = ""


def decide(scores: list[float], match: float, possible: float, scale: float = 1.0,
           margin: float = TIE_MARGIN) -> Decision:
    """`scores`: the candidates' scores, best first, on a 0..`scale` scale."""
    if not scores:
        return Decision(NO_MATCH)
    best = scores[0]
    if best < possible:
        return Decision(WEAK)
    near = margin * scale
    tied = [k for k, s in enumerate(scores) if s >= possible and best - s <= near + 1e-9]
    if len(tied) > 1:
        same = all(abs(scores[k] - best) <= 1e-9 for k in tied)
        how = "score the same" if same else f"score within {near:g} points of each other"
        return Decision(POSSIBLE, tied, f"{len(tied)} candidates {how}: a person decides which, if any, it is")
    if best >= match:
        return Decision(MATCH, [0])
    return Decision(POSSIBLE, [0], "the score is below a match: a person decides")


def evidence(entity, matched_name: str | None = None) -> dict:
    """What tells one candidate apart: the name matched, dates of birth, countries, identifiers."""
    countries = [c for c in dict.fromkeys([entity.country, *getattr(entity, "nationalities", [])]) if c]
    return {"id": entity.id, "name": entity.name, "matched_name": matched_name or entity.name,
            "type": entity.type, "birth_dates": list(getattr(entity, "birth_dates", []) or []),
            "countries": countries, "identifiers": list(entity.identifiers or [])}


def evidence_words(ev: dict) -> str:
    """'SBERBANK EUROPE AG: country at; identifiers: swift:SABRATWW' (what a person compares)."""
    parts = []
    if ev.get("matched_name") and ev["matched_name"] != ev.get("name"):
        parts.append(f"matched {ev['matched_name']!s}")
    if ev.get("birth_dates"):
        parts.append("born " + ", ".join(ev["birth_dates"][:3]))
    if ev.get("countries"):
        parts.append("country " + ", ".join(c.upper() for c in ev["countries"][:4]))
    if ev.get("identifiers"):
        ids = ev["identifiers"]
        parts.append("identifiers " + ", ".join(ids[:4]) + (f" (+{len(ids) - 4})" if len(ids) > 4 else ""))
    return f"{ev.get('name') or ev['id']}: " + ("; ".join(parts) if parts else "no date of birth, country or identifier")


__all__ = ["MATCH", "NO_MATCH", "POSSIBLE", "TIE_MARGIN", "WEAK", "Decision", "decide", "evidence",
           "evidence_words"]
