"""The generic CSV bundle: entities.csv, relations.csv, designations.csv (see DESIGN.md).

Each row becomes a model record or a Rejected with its file, line and reason; a file whose header lacks
a required column cannot be read at all and raises InputError.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from ..dates import date_floor, parse_date
from ..errors import InputError
from ..graph.model import (CSV_ENTITY_TYPES, CSV_RELATION_TYPES, Designation, Entity, Relation, Source)
from ..urls import url_problem
from .csvrows import CsvRows
from .records import Parsed, Rejected, count_newlines

FILES = ("entities.csv", "relations.csv", "designations.csv")
REQUIRED = {"entities.csv": ("id", "type", "name"), "relations.csv": ("source", "target", "type"),
            "designations.csv": ("entity_id", "authority")}
AUTHORITY = re.compile(r"^[a-z]{2,3}(-[a-z0-9]+)*$")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_.-]*:.+$", re.IGNORECASE)
TRUE = {"1", "true", "yes", "y"}
FALSE = {"", "0", "false", "no", "n"}
MULTILINE = {"note", "notes"}  # the only columns whose quoted text may hold line breaks


class RowError(ValueError):
    pass


def bundle_files(path: Path) -> list[Path]:
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_file():
        if path.name not in FILES:
            raise InputError(f"{path}: a CSV bundle file must be named one of {', '.join(FILES)}")
        return [path]
    found = [path / f for f in FILES if (path / f).is_file()]
    if not found:
        raise InputError(f"{path}: not a CSV bundle (expected {', '.join(FILES)})")
    return found


def count_rows(files: list[Path]) -> int:
    total = 0
    for f in files:
        with f.open("rb") as fh:
            total += max(count_newlines(fh) - 1, 0)
    return total


def read_bundle(path: Path, dataset: str) -> Iterator[Parsed | Rejected]:
    for f in bundle_files(path):
        yield from read_file(f, dataset)


def read_file(path: Path, dataset: str) -> Iterator[Parsed | Rejected]:
    kind = path.name
    parse = {"entities.csv": _entity, "relations.csv": _relation, "designations.csv": _designation}[kind]
    with path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        rows = CsvRows(fh)
        _, first = next(rows, (1, []))
        if first is None:
            raise InputError(f"{path}:1: the header row is not valid CSV ({rows.error})")
        header = [h.strip() for h in first]
        missing = [c for c in REQUIRED[kind] if c not in header]
        if missing:
            raise InputError(f"{path}:1: missing required column(s) {', '.join(missing)} "
                             f"(header: {', '.join(header) or 'empty'})")
        for line, fields in rows:
            if fields is None:
                yield Rejected(str(path), line, rows.error)
                continue
            if not fields:
                continue  # a blank line is not a row
            raw = dict(zip(header, fields))
            try:
                if len(fields) > len(header):
                    raise RowError(f"row has {len(fields)} fields, header has {len(header)}")
                spilled = _spilled(raw, rows.span)
                if spilled:
                    rows.resync()
                    raise RowError(spilled)
                values = {k: (v or "").strip() for k, v in raw.items()}
                if _undecodable("".join(values.values())):
                    raise RowError("not valid UTF-8")
                record = parse(values, dataset, f"{path.name}:{line}")
            except RowError as e:
                yield Rejected(str(path), line, str(e), _printable(raw))
                continue
            yield Parsed(record, str(path), line)


def _spilled(raw: dict, span: tuple[int, int]) -> str | None:
    """A record running over several lines with a line break in a one-line column: an unclosed quote."""
    if span[1] == span[0]:
        return None
    for k, v in raw.items():
        if k not in MULTILINE and ("\n" in v or "\r" in v):
            return (f"malformed CSV: the quoted {k} runs from line {span[0]} to {span[1]} (an unterminated "
                    f"quote?); only {' and '.join(sorted(MULTILINE))} may hold line breaks")
    return None


def _undecodable(v: str) -> bool:
    """Bytes that were not UTF-8 come back as lone surrogates, which cannot be encoded again."""
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _printable(raw: dict) -> dict:
    return {k: (v.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if isinstance(v, str) else v)
            for k, v in raw.items()}


def _req(v: dict, key: str) -> str:
    if not v.get(key):
        raise RowError(f"missing {key}")
    return v[key]


def _date(v: dict, key: str) -> str | None:
    try:
        return parse_date(v.get(key))
    except ValueError as e:
        raise RowError(f"{key}: {e}") from None


def _pct(v: dict, key: str) -> float | None:
    raw = v.get(key, "").rstrip("%").strip()
    if not raw:
        return None
    try:
        x = float(raw)
    except ValueError:
        raise RowError(f"{key} is not a number: {raw!r}") from None
    if not 0 <= x <= 100 or x != x:
        raise RowError(f"{key} must be a percentage from 0 to 100, got {raw}")
    return x


def _bool(v: dict, key: str) -> bool:
    raw = v.get(key, "").lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise RowError(f"{key} must be true or false, got {raw!r}")


def _source(dataset: str, record_id: str, url: str | None) -> list[Source]:
    problem = url_problem(url)
    if problem:
        raise RowError(f"source_url: {problem}")
    return [Source(dataset, record_id, url or "")]


def _split(raw: str | None) -> list[str]:
    return [p.strip() for p in (raw or "").split(";") if p.strip()]


def _entity(v: dict, dataset: str, where: str) -> Entity:
    eid = _req(v, "id")
    etype = _req(v, "type").lower()
    if etype not in CSV_ENTITY_TYPES:
        raise RowError(f"unknown type {etype!r} (expected one of {', '.join(CSV_ENTITY_TYPES)})")
    name = _req(v, "name")
    idents = _split(v.get("identifiers"))
    for ident in idents:
        if not IDENTIFIER.match(ident):
            raise RowError(f"identifier {ident!r} is not scheme:value")
    idents = [i.split(":", 1)[0].lower() + ":" + i.split(":", 1)[1].strip() for i in idents]
    country = v.get("country") or None
    return Entity(id=eid, type=etype, name=name, aliases=_split(v.get("aliases")),
                  country=country.lower() if country else None, identifiers=idents,
                  notes=v.get("notes") or None, sources=_source(dataset, eid, v.get("source_url")))


def _relation(v: dict, dataset: str, where: str) -> Relation:
    src = _req(v, "source")
    dst = _req(v, "target")
    rtype = _req(v, "type").lower()
    if rtype not in CSV_RELATION_TYPES:
        raise RowError(f"unknown type {rtype!r} (expected one of {', '.join(CSV_RELATION_TYPES)})")
    share, lo, hi = _pct(v, "share"), _pct(v, "share_min"), _pct(v, "share_max")
    if lo is not None and hi is not None and lo > hi:
        raise RowError(f"share_min {lo:g} is above share_max {hi:g}")
    if share is not None and ((lo is not None and share < lo) or (hi is not None and share > hi)):
        raise RowError(f"share {share:g} lies outside share_min..share_max")
    if rtype not in ("ownership", "control") and (share is not None or lo is not None or hi is not None):
        raise RowError(f"a share only belongs on an ownership or control relation, not {rtype}")
    start, end = _date(v, "start_date"), _date(v, "end_date")
    if start and end and date_floor(end) < date_floor(start):
        raise RowError(f"end_date {end} is before start_date {start}")
    # relation identity: the source's own record id, else the share class (two classes are two stakes)
    record = v.get("record_id") or None
    share_class = v.get("share_class") or None
    key = record or (f"class:{share_class}" if share_class else None)
    if record and v.get("asserted_from"):
        key = f"{record}@{v['asserted_from']}"  # each version of a record is a relation of its own
    note = v.get("note") or None
    if share_class:
        note = "; ".join(x for x in (f"share class {share_class}", note) if x)
    return Relation(source_id=src, target_id=dst, type=rtype, share=share, share_min=lo, share_max=hi,
                    start_date=start, end_date=end, ended=_bool(v, "ended") or bool(end),
                    basis=v.get("basis") or None, joint_group=v.get("joint_group") or None,
                    role=v.get("role") or None, note=note,
                    sources=_source(dataset, record or where, v.get("source_url")),
                    share_min_exclusive=_bool(v, "share_min_exclusive"), key=key, record_id=record,
                    asserted_from=_date(v, "asserted_from"))


def _designation(v: dict, dataset: str, where: str) -> Designation:
    eid = _req(v, "entity_id")
    auth = _req(v, "authority").lower()
    if not AUTHORITY.match(auth):
        raise RowError(f"authority {auth!r} is not a lower-case jurisdiction code such as us, eu, uk, us-bis")
    start, end = _date(v, "start_date"), _date(v, "end_date")
    if start and end and date_floor(end) < date_floor(start):
        raise RowError(f"end_date {end} is before start_date {start}")
    return Designation(entity_id=eid, authority=auth, program=v.get("program") or None, start_date=start,
                       end_date=end, note=v.get("note") or None,
                       sources=_source(dataset, where, v.get("source_url")))
