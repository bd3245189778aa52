"""Country names and codes to lower-case ISO codes, through followthemoney's country type (cached: the
cleaner is slow and sources repeat the same few names)."""

from __future__ import annotations

from functools import lru_cache

from followthemoney import registry


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """"lb" -> "lb", "Lebanon" -> "lb", "British" -> None; None for what names no country."""
    v = (value or "").strip()
    if len(v) == 2 and v.isalpha():
        return v.lower()
    code = registry.country.clean(v) if v else None
    return code.lower() if code else None
