"""Lists of exposure results: filtered by status, authority and text, most serious first, one page at a time.

The whole result is ordered once (vectorised, per result) and filtered with numpy masks; only the rows of
the page asked for are turned into dicts, and nothing here builds an explanation (the faces ask the result
for a verdict of the rows they write).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from ..errors import InputError
from ..exposure.engine import CODE, STATUSES, ExposureResult

SHOWN_STATUSES = tuple(s for s in STATUSES if s != "clear")


@dataclass
class ExposurePage:
    regime: str
    as_of: str
    total: int            # rows matching the filters (before offset / limit)
    offset: int
    rows: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # the whole regime's counts per status


def check_statuses(statuses) -> list[str]:
    bad = [s for s in statuses or [] if s not in STATUSES]
    if bad:
        raise InputError(f"unknown status {bad[0]!r}: use one of {', '.join(STATUSES)}")
    return list(statuses or [])


def severity_order(res: ExposureResult) -> np.ndarray:
    """Node indices of every entity that is not clear: most serious first, then by name and id. Computed
    once per result (kept on it)."""
    got = getattr(res, "_severity_order", None)
    if got is None:
        g = res.graph
        idx = np.flatnonzero(res.codes != CODE["clear"])
        frame = pl.DataFrame({"i": idx, "code": res.codes[idx]}).with_columns(
            g.nodes["name"].gather(idx).fill_null("").str.to_lowercase().alias("name"),
            g.nodes["id"].gather(idx).alias("id"))
        got = frame.sort(["code", "name", "id"])["i"].to_numpy()
        res._severity_order = got
    return got


def listed_by(res: ExposureResult) -> dict[int, list[str]]:
    """Node index -> the authorities with a designation of that entity in force on the date (any list,
    sanctions or not: the entity's own listings)."""
    got = getattr(res, "_listed_by", None)
    if got is None:
        g = res.graph
        got = {}
        d = g.designations
        if d.height:
            act = d.filter(pl.col("active") | pl.col("maybe").fill_null(False)).select("entity_id", "authority")
            for eid, auth in act.unique().sort("authority").iter_rows():
                i = g.index.get(eid)
                if i is not None:
                    got.setdefault(i, []).append(auth)
        res._listed_by = got
    return got


def filtered(res: ExposureResult, statuses=None, authorities=None, text: str | None = None) -> np.ndarray:
    """The ordered node indices that pass every filter given: a status among `statuses`, a designation in
    force by one of `authorities`, `text` in the name or id (case-insensitive)."""
    order = severity_order(res)
    keep = np.ones(len(order), dtype=bool)
    if statuses:
        codes = [CODE[s] for s in check_statuses(statuses)]
        keep &= np.isin(res.codes[order], codes)
    if authorities:
        wanted = {a.strip().lower() for a in authorities if a and a.strip()}
        by = listed_by(res)
        hit = np.zeros(res.graph.n, dtype=bool)
        hit[[i for i, auths in by.items() if wanted & set(auths)]] = True
        keep &= hit[order]
    text = (text or "").strip().lower()
    if text:
        g = res.graph
        names = g.nodes["name"].gather(order).fill_null("").str.to_lowercase()
        ids = g.nodes["id"].gather(order).str.to_lowercase()
        keep &= (names.str.contains(text, literal=True) | ids.str.contains(text, literal=True)).to_numpy()
    return order[keep]


def row(res: ExposureResult, i: int) -> dict:
    g = res.graph
    status = STATUSES[res.codes[i]]
    return {"status": status, "id": g.ids[i], "name": g.name(i), "type": g.types[i] or "",
            "listed_by": listed_by(res).get(i, []),
            # for a listed entity the metric (what listed owners hold of it) is beside the point
            "effective_listed_share": None if status == "listed" else round(float(res.effective_listed[i]), 4)}


def page(res: ExposureResult, statuses=None, authorities=None, text: str | None = None, offset: int = 0,
         limit: int | None = 50) -> ExposurePage:
    idx = filtered(res, statuses, authorities, text)
    offset = max(0, int(offset))
    chosen = idx[offset:] if limit is None else idx[offset:offset + max(0, int(limit))]
    return ExposurePage(regime=res.regime.name, as_of=res.as_of, total=len(idx), offset=offset,
                        rows=[row(res, int(i)) for i in chosen], counts=res.counts())


def ids(res: ExposureResult, statuses=None, authorities=None, text: str | None = None,
        limit: int | None = None) -> list[str]:
    idx = filtered(res, statuses, authorities, text)
    if limit is not None:
        idx = idx[:limit]
    g = res.graph
    return [g.ids[int(i)] for i in idx]


__all__ = ["ExposurePage", "SHOWN_STATUSES", "check_statuses", "filtered", "ids", "listed_by", "page",
           "severity_order"]
