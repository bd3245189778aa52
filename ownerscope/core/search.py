"""Search ranked for a person: match quality first, then prominence.

The store's search scores each candidate's best name or alias against the text; names that match
equally well ("VSMPO" in "VSMPO-AVISMA Corporation" and in "VSMPO-AVISMA management") are then ordered
by prominence: listed by a sanctions authority, then on any list, then by how many links the entity has.
"""

from __future__ import annotations

from ..authorities import is_sanctions
from ..graph.store import GraphStore
from ..text import latin_name

POOL = 5  # candidates read per hit wanted, so that prominence can lift one from below the cut


def prominence(hit: dict) -> tuple:
    auth = hit.get("authorities") or []
    return (any(is_sanctions(a) for a in auth), bool(auth), hit.get("degree") or 0)


def rank(hits: list[dict]) -> list[dict]:
    """Sort by match score (whole points), then prominence, then the shorter name, then the id."""
    def key(h):
        listed, any_list, degree = prominence(h)
        return (-round(h.get("score") or 0), not listed, not any_list, -degree, len(h.get("name") or ""),
                h["id"])
    return sorted(hits, key=key)


def ranked_search(store: GraphStore, text: str, limit: int = 20) -> list[dict]:
    if not text or not text.strip():
        return []
    hits = store.search(text, limit=max(limit * POOL, 50))
    degrees = store.degrees([h["id"] for h in hits]) if hits else {}
    for h in hits:
        h["degree"] = degrees.get(h["id"], 0)
        h["listed"] = any(is_sanctions(a) for a in h.get("authorities") or [])
        h["latin"] = latin_name(h.get("name"))
    return rank(hits)[:limit]
