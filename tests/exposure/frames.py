"""Build the store's frames directly (for pure-function tests of the engine)."""

from __future__ import annotations

import json

import polars as pl

from ownerscope.graph.rows import DESIGNATION_SCHEMA, ENTITY_FRAME_SCHEMA, OWNERSHIP_SCHEMA


def frames(edges: list[dict], designations: list[dict], types: dict[str, str] | None = None):
    rows = []
    for k, e in enumerate(edges):
        r = {c: None for c in OWNERSHIP_SCHEMA}
        r.update({"id": f"e{k}", "type": "ownership", "ended": False,
                  "sources": [json.dumps({"dataset": "t", "record_id": str(k), "url": ""})]})
        r.update(e)
        rows.append(r)
    des = []
    for k, d in enumerate(designations):
        r = {c: None for c in DESIGNATION_SCHEMA}
        r.update({"id": f"d{k}", "authority": "us", "sources": []})
        r.update(d)
        des.append(r)
    ids = {e["source"] for e in edges} | {e["target"] for e in edges} | {d["entity_id"] for d in designations}
    types = types or {}
    ents = [{"id": i, "type": types.get(i, "company"), "name": i.upper(), "country": None} for i in sorted(ids)]
    return (pl.DataFrame(rows, schema=OWNERSHIP_SCHEMA), pl.DataFrame(des, schema=DESIGNATION_SCHEMA),
            pl.DataFrame(ents, schema=ENTITY_FRAME_SCHEMA))
