"""Stream the records of a large JSON file in constant memory, each with the line where it starts.

Three layouts are accepted, told apart by the file's first bytes:
- a top-level array (`[ {...}, {...} ]`, pretty-printed or not): the elements, parsed one at a time with
  the C decoder from a sliding buffer (no whole-file load);
- JSON lines (one value a line, the Companies House snapshot layout): a bad line is reported and reading
  goes on with the next line;
- one or more values one after another (e.g. a single pretty-printed object).
In an array or a value stream, malformed JSON cannot be resynchronised: it is reported once with its line
and the rest of that file is not read.

A record nested deeper than MAX_DEPTH levels (the deepest record of any supported format has about six)
is reported as a problem of its own and reading goes on with the next record, in every layout: deep
nesting is a way to exhaust a parser's stack, not data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

CHUNK = 1 << 20  # characters read at a time
MAX_VALUE = 64 << 20  # a single record larger than this is treated as malformed
MAX_DEPTH = 32  # arrays and objects inside one another, counting the record itself
TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels"
_WS = " \t\r\n"
_decoder = json.JSONDecoder()


@dataclass
class JsonProblem:
    """Where and why a file stopped being valid JSON; `fatal` when the rest of the file is not read."""

    reason: str
    fatal: bool = True


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` (parsed JSON) has arrays or objects nested more than `limit` levels deep."""
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            v = v.values()
        elif not isinstance(v, list):
            continue
        if d > limit:
            return True
        stack.extend((x, d + 1) for x in v if isinstance(x, (dict, list)))
    return False


def nesting_problem(text: str | bytes, value: Any, start: int = 0, end: int | None = None) -> JsonProblem | None:
    """A problem if the record parsed from text[start:end] is nested too deeply; None otherwise.

    Counting brackets (in C) bounds the depth from above, so only a record with more than MAX_DEPTH of
    them is walked."""
    end = len(text) if end is None else end
    if isinstance(text, bytes):
        n = text.count(b"{", start, end) + text.count(b"[", start, end)
    else:
        n = text.count("{", start, end) + text.count("[", start, end)
    if n > MAX_DEPTH and too_deep(value):
        return JsonProblem(TOO_DEEP, fatal=False)
    return None


def layout(path: Path) -> str:
    """'array', 'lines' or 'values' (see the module doc); 'empty' for a file with no JSON at all."""
    with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
        head = fh.read(4096).lstrip(_WS)
        if not head:
            return "empty"
        if head[0] == "[":
            return "array"
        fh.seek(0)
        first = ""
        for raw in fh:
            if raw.strip():
                first = raw.strip().lstrip("\ufeff")
                break
    try:
        json.loads(first)
        return "lines"
    except ValueError:
        return "values"


def count_records(path: Path) -> int | None:
    """A quick estimate for progress bars: lines for JSON lines, None (unknown) for other layouts."""
    if layout(path) != "lines":
        return None
    with path.open("rb") as fh:
        return sum(1 for raw in fh if raw.strip())


def iter_json(path: Path) -> Iterator[tuple[int, Any | JsonProblem]]:
    """Yield (line, value) for every record; (line, JsonProblem) where the file is not valid JSON."""
    kind = layout(path)
    if kind == "empty":
        return
    if kind == "lines":
        yield from _lines(path)
    else:
        yield from _stream(path, in_array=kind == "array")


def _lines(path: Path) -> Iterator[tuple[int, Any | JsonProblem]]:
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            raw = raw.strip()
            if not raw:
                continue
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield n, JsonProblem("not valid UTF-8", fatal=False)
                continue
            try:
                value = json.loads(text)
            except ValueError as e:
                yield n, JsonProblem(f"invalid JSON: {_msg(e)}", fatal=False)
                continue
            except RecursionError:
                yield n, JsonProblem(TOO_DEEP, fatal=False)
                continue
            yield n, nesting_problem(text, value) or value


def _msg(e: ValueError) -> str:
    return e.msg if isinstance(e, json.JSONDecodeError) else str(e)


class _Buffer:
    """A sliding window over a text file that knows the line number of every position."""

    def __init__(self, fh):
        self.fh = fh
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._line = 1  # line number at self._at
        self._at = 0

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.fh.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        if self.pos > CHUNK:  # drop what has been consumed
            self.line_at(self.pos)
            self.buf = self.buf[self.pos:]
            self._at -= self.pos
            self.pos = 0
        self.buf += chunk
        return True

    def line_at(self, i: int) -> int:
        if i >= self._at:
            self._line += self.buf.count("\n", self._at, i)
        else:
            self._line -= self.buf.count("\n", i, self._at)
        self._at = i
        return self._line

    def skip_ws(self) -> str:
        """Advance past whitespace; the next character, or '' at the end of the file."""
        while True:
            buf, i, n = self.buf, self.pos, len(self.buf)
            while i < n and buf[i] in _WS:
                i += 1
            self.pos = i
            if i < n:
                return buf[i]
            if not self.more():
                return ""


def _stream(path: Path, in_array: bool) -> Iterator[tuple[int, Any | JsonProblem]]:
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        b = _Buffer(fh)
        try:
            yield from _values(b, in_array)
        except UnicodeDecodeError:
            yield b.line_at(b.pos), JsonProblem("not valid UTF-8; the rest of the file is not read")


def _values(b: _Buffer, in_array: bool) -> Iterator[tuple[int, Any | JsonProblem]]:
    if in_array:
        b.skip_ws()
        b.pos += 1  # the '[' that layout() saw
    first = True
    while True:
        c = b.skip_ws()
        if in_array and c == "]":
            b.pos += 1
            if b.skip_ws():
                yield b.line_at(b.pos), JsonProblem("unexpected text after the closing ']'")
            return
        if not c:
            if in_array:
                yield b.line_at(b.pos), JsonProblem("the file ends before the closing ']' (truncated?)")
            return
        if in_array and not first:
            if c != ",":
                yield b.line_at(b.pos), JsonProblem(f"expected ',' or ']' between records, found {c!r}; "
                                                    "the rest of the file is not read")
                return
            b.pos += 1
            c = b.skip_ws()
            if not c:
                yield b.line_at(b.pos), JsonProblem("the file ends before the closing ']' (truncated?)")
                return
        first = False
        while True:
            try:
                value, end = _decoder.raw_decode(b.buf, b.pos)
            except RecursionError:
                end = _skip_value(b)
                if end is None:
                    yield b.line_at(b.pos), JsonProblem(f"{TOO_DEEP} and never closed; the rest of the file "
                                                        "is not read")
                    return
                value = JsonProblem(TOO_DEEP, fatal=False)
                break
            except json.JSONDecodeError as e:
                if len(b.buf) - b.pos < MAX_VALUE and b.more():
                    continue
                yield b.line_at(min(e.pos, len(b.buf))), JsonProblem(
                    f"invalid JSON: {e.msg}; the rest of the file is not read")
                return
            if end >= len(b.buf) and b.more():  # a number may go on in the next chunk
                continue
            break
        if not isinstance(value, JsonProblem):
            value = nesting_problem(b.buf, value, b.pos, end) or value
        yield b.line_at(b.pos), value
        b.pos = end


_SCAN = re.compile(r'[\[{]+|[\]}]+|"')
_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.S)


def _skip_value(b: _Buffer) -> int | None:
    """The end of the array or object starting at b.pos, found without parsing it (it is too deep for
    the decoder); None if the file ends (or MAX_VALUE passes) before it closes."""
    depth, offset = 0, 0  # offset: how far past b.pos the scan has got (b.pos moves when the buffer slides)
    while True:
        buf, i = b.buf, b.pos + offset
        while True:
            m = _SCAN.search(buf, i)
            if m is None:
                i = len(buf)
                break
            run = m.group()
            if run == '"':
                s = _STRING_REST.match(buf, m.end())
                if s is None:  # the string goes on in the next chunk: scan it again from its quote
                    i = m.start()
                    break
                i = s.end()
            elif run[0] in "[{":
                depth += len(run)
                i = m.end()
            else:
                if len(run) >= depth:
                    return m.start() + depth
                depth -= len(run)
                i = m.end()
        offset = i - b.pos
        if offset >= MAX_VALUE or not b.more():
            return None


def count_token(path: Path, token: bytes) -> int:
    """How often `token` occurs in a file, read in chunks at C speed: a record count for progress bars."""
    total, tail, keep = 0, b"", len(token) - 1
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            data = tail + chunk
            total += data.count(token)
            tail = data[-keep:] if keep else b""  # shorter than the token: nothing counted twice
    return total
