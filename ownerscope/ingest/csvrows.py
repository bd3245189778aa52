"""CSV records with the line each starts on, where a malformed record costs that record only.

A quoted field may run over several lines (RFC 4180), so one bad quote can swallow every row after it into
one field. Here the reader is strict: a quote that is never closed, text after a closing quote or a field
beyond the size limit makes a bad record, reported with the line it starts on, and reading resumes on the
line after that one, so the rows the quote swallowed are read again as rows. The caller may also reject a
record that parsed but spans lines it should not (`resync`), with the same effect.

The lines already read for the record being parsed are kept, so a bad quote costs at most one field limit
(128 KiB by default) of re-reading.
"""

from __future__ import annotations

import csv
from collections import deque
from typing import Iterable, Iterator

REASONS = {
    "unexpected end of data": "unterminated quoted field: a quote opened on this line is never closed",
    "expected after": "text after a closing quote (a quote inside a quoted field must be doubled)",
    "field larger than field limit": "a field is larger than the field limit (an unterminated quote?)",
}


def _reason(e: csv.Error) -> str:
    msg = str(e)
    for key, words in REASONS.items():
        if key in msg:
            return f"malformed CSV: {words}"
    return f"malformed CSV: {msg}"


class CsvRows:
    """Iterate (first line, fields) over `lines` (pairs of physical line number and text); a record that is
    not well-formed CSV comes as (first line, None) with its reason in `self.error`."""

    def __init__(self, lines: Iterable[tuple[int, str]], **fmtparams):
        self._src = iter(lines)
        self._back: deque[tuple[int, str]] = deque()  # lines to read again after a bad record
        self._taken: list[tuple[int, str]] = []  # the lines of the record being parsed
        self._reader = csv.reader(CsvRows._Feed(self), strict=True, **fmtparams)
        self._last: list[tuple[int, str]] = []
        self.error: str | None = None
        self.span = (0, 0)  # first and last line of the last record

    class _Feed:
        """The lines the csv reader pulls; unlike a generator it can go on after the end (after a resync)."""

        def __init__(self, rows: "CsvRows"):
            self.rows = rows

        def __iter__(self):
            return self

        def __next__(self) -> str:
            r = self.rows
            item = r._back.popleft() if r._back else next(r._src)
            r._taken.append(item)
            return item[1]

    def __iter__(self):
        return self

    def __next__(self) -> tuple[int, list[str] | None]:
        self._taken = []
        self.error = None
        try:
            row = next(self._reader)
        except csv.Error as e:
            if not self._taken:  # nothing was read: the end
                raise StopIteration from None
            self.error = _reason(e)
            self._done()
            self.resync()
            return self.span[0], None
        self._done()
        return self.span[0], row

    def _done(self) -> None:
        self._last = self._taken
        self._taken = []
        if self._last:
            self.span = (self._last[0][0], self._last[-1][0])

    def resync(self) -> None:
        """Give up the record just returned: the lines after its first are read again as records."""
        self._back.extendleft(reversed(self._last[1:]))
        self._last = self._last[:1]


def numbered(fh, start: int = 1) -> Iterator[tuple[int, str]]:
    """(line number, text) for the lines of an open text file (opened with newline="")."""
    return enumerate(fh, start)


__all__ = ["CsvRows", "numbered"]
