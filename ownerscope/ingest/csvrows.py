"""CSV records with the line each starts on, where a malformed record costs that record only.

A quoted field may run over several lines (RFC 4180), so one bad quote can swallow every row after it into
one field. Here the reader is strict: a quote that is never closed, text after a closing quote or a field
beyond the size limit makes a bad record, reported with the line it starts on, and reading resumes on the
line after that one, so the rows the quote swallowed are read again as rows. The caller may also reject a
record that parsed but spans lines it should not (`resync`), with the same effect.

The lines of the record being parsed are kept (by `itertools.tee`, at C speed), so a bad quote costs at
most one field limit (128 KiB by default) of re-reading.
"""

from __future__ import annotations

import csv
from itertools import chain, islice, tee
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
    """Iterate (first line, fields) over the lines of an open text file (`newline=""`), numbered from
    `start`; a record that is not well-formed CSV comes as (first line, None) with its reason in
    `self.error`. `self.span` is (first line, last line) of the record just returned."""

    def __init__(self, lines: Iterable[str], start: int = 1, **fmtparams):
        self._fmt = fmtparams
        self._input = iter(lines)
        self._line = start  # the number of the next line the reader will take
        self.error: str | None = None
        self.span = (start, start)
        self._restart([])

    def _restart(self, again: list[str]) -> None:
        """A fresh reader over `again`, then the rest of the input (one flat chain, however many restarts)."""
        self._again = again
        # the reader pulls from one copy at C speed; the other lags one record behind and holds its lines
        ahead, self._behind = tee(chain(again, self._input))
        self._reader = csv.reader(ahead, strict=True, **self._fmt)
        self._pulled = 0  # lines taken by this reader so far
        self._last: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> tuple[int, list[str] | None]:
        self.error = None
        try:
            row = next(self._reader)
        except csv.Error as e:
            if not self._took():
                raise StopIteration from None
            self.error = _reason(e)
            self.resync()
            return self.span[0], None
        if not self._took():
            raise StopIteration
        return self.span[0], row

    def _took(self) -> int:
        """Account for the lines the reader took for the last record; how many there were."""
        n = self._reader.line_num - self._pulled
        self._pulled = self._reader.line_num
        if n == 1:
            next(self._behind)
            self._last = []
        elif n > 1:
            self._last = list(islice(self._behind, n))
        if n:
            self.span = (self._line, self._line + n - 1)
            self._line += n
        return n

    def resync(self) -> None:
        """Give up the record just returned: the lines after its first are read again as records."""
        again = self._last[1:]
        if again:
            self._line = self.span[0] + 1
            # the reader never reads ahead: what it has not taken is the rest of `_again`, then the input
            self._restart(again + self._again[self._pulled:])
        self._last = []


__all__ = ["CsvRows"]
