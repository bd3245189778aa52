"""Dates as sources give them: ISO dates, possibly partial (YYYY or YYYY-MM), as FollowTheMoney does."""

from __future__ import annotations

import re
from datetime import date

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date(value: str | None) -> str | None:
    """Validate an ISO date (YYYY, YYYY-MM or YYYY-MM-DD, a time part is dropped); return it or None.

    Raises ValueError with a readable reason when the value is not a date.
    """
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    if "T" in value:
        value = value.split("T", 1)[0]
    m = _PARTIAL.match(value)
    if not m:
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}")
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"not a valid date: {value!r}") from None
    return value


def date_floor(value: str | None) -> str | None:
    """The first day a partial date can mean: '2023-12' -> '2023-12-01'. Used for comparisons."""
    if not value:
        return None
    parts = value.split("-")
    while len(parts) < 3:
        parts.append("01")
    return "-".join(parts)


def active_on(start: str | None, end: str | None, as_of: str, ended: bool = False) -> bool:
    """Whether something with [start, end) is in force on as_of (ISO day).

    `ended` without an end date means "ended at an unknown date": never treated as in force.
    """
    s = date_floor(start)
    e = date_floor(end)
    if s and s > as_of:
        return False
    if e and e <= as_of:
        return False
    if ended and not e:
        return False
    return True


def today() -> str:
    return date.today().isoformat()
