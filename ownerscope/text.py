"""Name normalisation shared by search and entity resolution."""

from __future__ import annotations

from functools import lru_cache

from normality import normalize


@lru_cache(maxsize=200_000)
def norm(text: str | None) -> str:
    """Lower-case ASCII with punctuation folded to spaces; Cyrillic and other scripts transliterated."""
    if not text:
        return ""
    return normalize(text, ascii=True) or ""


def search_text(name: str, aliases: list[str] | None = None, ids: list[str] | None = None) -> str:
    parts = [norm(name)] + [norm(a) for a in aliases or []]
    parts += [norm(i.split(":", 1)[-1]) for i in ids or []]
    return " | ".join(p for p in dict.fromkeys(parts) if p)
