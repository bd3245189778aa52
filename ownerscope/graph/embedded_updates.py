"""Writing changed records back to the embedded store: only the columns that changed.

The engine's cost of `SET` on a stored record grows with the number of properties set (7,500 OWNS edges:
1.6 s setting one property, 4.8 s setting all fifteen; measured on a 100k store), and a re-ingest usually
changes one or two (a share, an end date, a name). So each changed record is written with just its changed
columns: records are grouped by which columns changed, and each group is one `UNWIND` statement carrying
only the key and those columns.

Every value is cast to its column's type, so a group whose values are all null is still typed.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import polars as pl

_ENGINE_TYPES = {pl.Utf8: "STRING", pl.Float64: "DOUBLE", pl.Boolean: "BOOLEAN", pl.List(pl.Utf8): "STRING[]"}


def setters(schema: Mapping[str, pl.DataType], columns: Iterable[str]) -> dict[str, str]:
    """column -> the value written to it, cast to the column's type in the store (`schema`: the Polars types
    of the table's columns, as the store's COPY frames use them)."""
    return {c: f"CAST(r.{c} AS {_ENGINE_TYPES[schema[c]]})" for c in columns}


def changed(row: Mapping, before: Mapping, columns: Iterable[str]) -> tuple[str, ...]:
    """The columns whose value in `row` differs from `before` (both already in the same normal form)."""
    return tuple(c for c in columns if row.get(c) != before.get(c))


def statements(match: str, var: str, writes: Mapping[str, str], keys: Sequence[str],
               updates: Iterable[tuple[Mapping, tuple[str, ...]]]) -> list[tuple[str, list[dict]]]:
    """One (cypher, rows) per set of changed columns, written as `writes` gives them. `match` binds `var` from the row `r`; each row keeps
    only `keys` and its changed columns. Records with nothing changed are left out."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for row, cols in updates:
        if cols:
            groups.setdefault(cols, []).append({k: row[k] for k in (*keys, *cols)})
    out = []
    for cols, rows in groups.items():
        sets = ", ".join(f"{var}.{c} = {writes[c]}" for c in cols)
        out.append((f"UNWIND $rows AS r {match} SET {sets}", rows))
    return out
