"""Model records as the Polars frames the embedded store COPYs, built column by column.

The same values as rows.entity_row / relation_row / designation_row (a frame built from those dicts is
equal to one built here), without a dict per record: one list per column, and each distinct source
turned into its JSON text by the encoder's C string function alone.
"""

from __future__ import annotations

import json
from itertools import accumulate, chain
from typing import Sequence

import polars as pl
import pyarrow as pa

from ..text import search_text
from .model import Designation, Entity, Relation, Source

_text = json.encoder.encode_basestring  # the C encoder json.dumps(..., ensure_ascii=False) uses for a str


def source_json(s: Source) -> str:
    """Source.to_json, byte for byte (keys in sorted order, the default separators), without building a
    dict and running the whole encoder for each of the millions of sources a register holds."""
    d, r, u = s.dataset, s.record_id, s.url
    if type(d) is not str or type(r) is not str or type(u) is not str:
        return s.to_json()
    return f'{{"dataset": {_text(d)}, "record_id": {_text(r)}, "url": {_text(u)}}}'


def _strings(lists) -> pl.Series:
    """A list-of-strings column from Python lists, through Arrow's offsets (Polars' own conversion of
    nested lists goes value by value and is several times slower)."""
    lists = [x or () for x in lists]
    offsets = pa.array([0, *accumulate(map(len, lists))], pa.int32())
    values = pa.array(list(chain.from_iterable(lists)), pa.string())
    return pl.from_arrow(pa.ListArray.from_arrays(offsets, values))


def _sources(records) -> pl.Series:
    return _strings([[source_json(s) for s in r.sources] for r in records])


def entity_frame(entities: Sequence[Entity], schema: dict) -> pl.DataFrame:
    es = entities
    return pl.DataFrame({
        "id": [e.id for e in es], "type": [e.type for e in es], "name": [e.name for e in es],
        "aliases": _strings(e.aliases for e in es), "country": [e.country for e in es],
        "identifiers": _strings(e.identifiers for e in es), "notes": [e.notes for e in es],
        "sources": _sources(es), "search": [search_text(e.name, e.aliases, e.identifiers) for e in es],
        "birth_dates": _strings(e.birth_dates for e in es), "nationalities": _strings(e.nationalities for e in es),
        "addresses": _strings(e.addresses for e in es)}, schema=schema)


def relation_frame(relations: Sequence[Relation], schema: dict) -> pl.DataFrame:
    rs = relations
    return pl.DataFrame({
        "from": [r.source_id for r in rs], "to": [r.target_id for r in rs], "id": [r.id for r in rs],
        "share": [r.share for r in rs], "share_min": [r.share_min for r in rs],
        "share_max": [r.share_max for r in rs], "start_date": [r.start_date for r in rs],
        "end_date": [r.end_date for r in rs], "ended": [bool(r.ended) for r in rs],
        "basis": [r.basis for r in rs], "joint_group": [r.joint_group for r in rs],
        "role": [r.role for r in rs], "note": [r.note for r in rs], "sources": _sources(rs),
        "share_min_exclusive": [bool(r.share_min_exclusive) for r in rs],
        "record_id": [r.record_id for r in rs], "asserted_from": [r.asserted_from for r in rs],
        "asserted_until": [r.asserted_until for r in rs]}, schema=schema)


def designation_frame(designations: Sequence[Designation], schema: dict) -> pl.DataFrame:
    ds = designations
    return pl.DataFrame({
        "id": [d.id for d in ds], "entity_id": [d.entity_id for d in ds],
        "authority": [d.authority for d in ds], "program": [d.program for d in ds],
        "start_date": [d.start_date for d in ds], "end_date": [d.end_date for d in ds],
        "note": [d.note for d in ds], "sources": _sources(ds), "list_version": [d.list_version for d in ds],
        "list_published": [d.list_published for d in ds]}, schema=schema)


def listed_frame(designations: Sequence[Designation]) -> pl.DataFrame:
    return pl.DataFrame({"from": [d.entity_id for d in designations], "to": [d.id for d in designations]},
                        schema={"from": pl.Utf8, "to": pl.Utf8})
