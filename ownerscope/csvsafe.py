"""CSV for spreadsheets: every text cell is formula-neutralised before it is written.

A spreadsheet opening a CSV evaluates a cell that starts with `=`, `+`, `-` or `@` as a formula
(`=HYPERLINK(...)`, `+cmd|' /C calc'!A0`, `@SUM(...)`); a leading tab or carriage return can hide such a
start. Such a cell gets a leading `'`, which spreadsheets read as "this is text" (OWASP's advice).

The choice for numbers: only text (`str`) is neutralised. Numbers the program computed itself (an int or
a float such as a share, a score or a depth, negative or not) are written as numbers, since `-5` there is a
value, not somebody's text; a name such as "-cmd" or "-5" read from the data is text and gets the `'`.
None is written as an empty cell, booleans as True/False.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Mapping, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value with a leading `'` if it is text a spreadsheet would run as a formula; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]], extrasaction: str = "raise") -> str:
    """A CSV document (header row, then one line per mapping) with every text cell neutralised."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([neutralise(c) for c in columns])
    for row in rows:
        if extrasaction == "raise":
            extra = set(row) - set(columns)
            if extra:
                raise ValueError(f"row has keys not among the columns: {', '.join(sorted(extra))}")
        w.writerow([neutralise(row.get(c)) for c in columns])
    return buf.getvalue()


__all__ = ["FORMULA_START", "csv_text", "neutralise"]
