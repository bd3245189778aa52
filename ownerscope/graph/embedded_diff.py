"""Which records of a batch the store already holds exactly as given: a hash of the stored fields against
a hash of the same fields of the batch, in Polars.

A record whose every stored field equals the incoming one needs no merge and no write (a merge of two
equal records is the record), so only the others go through the Python merge: a re-ingest of an unchanged
source costs a read and a hash per batch. Lists compare with null as empty and flags with null as false,
as the merge reads them.
"""

from __future__ import annotations

from typing import Sequence

import polars as pl


def _normal(frame: pl.DataFrame, fields: Sequence[str], schema: dict) -> pl.DataFrame:
    cols = []
    for f in fields:
        t = schema[f]
        c = pl.col(f).cast(t)
        if isinstance(t, pl.List):
            c = c.fill_null(pl.lit([], t))
        elif t == pl.Boolean:
            c = c.fill_null(False)
        cols.append(c)
    return frame.select(pl.col("id").cast(pl.Utf8), pl.struct(cols).hash(seed=7).alias("h"))


def same_ids(incoming: pl.DataFrame, stored: pl.DataFrame | None, fields: Sequence[str], schema: dict) -> set[str]:
    """Ids of `incoming` rows whose `fields` all equal those of the `stored` row with the same id."""
    if stored is None or stored.height == 0 or incoming.height == 0:
        return set()
    a = _normal(incoming, fields, schema)
    b = _normal(stored, fields, schema)
    return set(a.join(b, on=["id", "h"], how="semi")["id"].to_list())
