"""The exposure engine: a pure function over the store's frames, for one regime and one date.

    result = compute_exposure(ownership, designations, entities, regime, as_of)
    result.status_of("demo-vsmpo-avisma")   -> "exposed"
    result.verdict("demo-vsmpo-avisma")     -> {"id", "name", "status", "explanation", "proof", ...}
    result.verdicts                         -> {id: verdict} for every entity that is not clear

Two runs of the propagation kernel give the statuses: one with every share at its lowest published
value (unknown = 0) gives `derived`; one with every share at its highest possible value gives the
superset, and what only it catches is `possible`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import polars as pl

from ..dates import date_floor, parse_date, today
from ..errors import InputError
from ..statuses import CODE, STATUSES
from . import propagate
from .ownership_graph import CONTROL, OWNERSHIP, OwnershipGraph, build_graph, listed_mask, maybe_listed_mask
from .regimes import Regime, Threshold



@dataclass
class ExposureResult:
    regime: Regime
    as_of: str
    threshold: Threshold
    graph: OwnershipGraph
    listed: np.ndarray
    maybe: np.ndarray                        # perhaps listed on the date (undated listing, older date)
    low: propagate.Run
    high: propagate.Run
    codes: np.ndarray                        # index into STATUSES per node
    other_max: np.ndarray                    # largest stake of an owner that is not caught (review rule)
    list_versions: list = field(default_factory=list)  # the store's list versions (data currency)
    _cache: dict = field(default_factory=dict, repr=False)

    @cached_property
    def currency(self) -> dict:
        """The list versions the regime's verdicts rest on, and its authorities with no list loaded."""
        from .currency import currency

        return currency(self.list_versions, self.regime.authorities)

    def index_of(self, entity_id: str) -> int | None:
        return self.graph.index.get(entity_id)

    def status_of(self, entity_id: str) -> str:
        i = self.index_of(entity_id)
        return "clear" if i is None else STATUSES[self.codes[i]]

    def counts(self) -> dict[str, int]:
        c = np.bincount(self.codes, minlength=len(STATUSES))
        return {s: int(c[i]) for i, s in enumerate(STATUSES)}

    def non_clear_ids(self) -> list[str]:
        idx = np.flatnonzero(self.codes != CODE["clear"])
        # most serious first, then by name
        idx = sorted(idx.tolist(), key=lambda i: (self.codes[i], (self.graph.names[i] or "").lower(),
                                                  self.graph.ids[i]))
        return [self.graph.ids[i] for i in idx]

    def verdict(self, entity_id: str, keep: bool = True) -> dict:
        """Status, human-readable explanation and JSON proof of one entity (kept for the next call unless
        `keep` is false: a stream of every verdict holds one at a time)."""
        if entity_id in self._cache:
            return self._cache[entity_id]
        from .currency import clear_words
        from .explain import explain

        v = explain(self, entity_id)
        cur = self.currency
        v["data_currency"] = cur["words"]
        if v["status"] == "clear":
            v["clear_words"] = clear_words(cur, self.regime.name)
            v["no_list"] = cur["no_list"]
        v["explanation"] = v["explanation"] + f"\nData: {cur['words']}."
        if keep:
            self._cache[entity_id] = v
        return v

    @cached_property
    def effective_listed(self) -> np.ndarray:
        """Risk metric: the share (percent) listed persons hold in each entity, integrated over paths."""
        from .effective import listed_effective

        r, _ = listed_effective(self.graph, self.listed)
        return r * 100.0

    @cached_property
    def verdicts(self) -> dict[str, dict]:
        return {i: self.verdict(i) for i in self.non_clear_ids()}

    def json_head(self) -> dict:
        """The JSON object of the result without its `entities` (they stream after it)."""
        cur = self.currency
        return {"regime": self.regime.name, "as_of": self.as_of, "threshold": self.threshold.to_dict(),
                "counts": self.counts(), "datasets": cur["datasets"], "missing_lists": cur["missing"],
                "data_currency": cur["words"], "other_lists": cur["other_lists"]}

    def to_json(self, entity_ids: list[str] | None = None) -> dict:
        ids = self.non_clear_ids() if entity_ids is None else entity_ids
        return {**self.json_head(), "entities": [self.verdict(i) for i in ids]}


def normalise_as_of(as_of: str | None) -> str:
    if not as_of:
        return today()
    try:
        value = parse_date(as_of)
    except ValueError as e:
        raise InputError(f"--as-of: {e}") from None
    if value is None or len(value) != 10:
        raise InputError(f"--as-of must be a full date YYYY-MM-DD, got {as_of!r}")
    return value


def compute_exposure(ownership: pl.DataFrame, designations: pl.DataFrame, entities: pl.DataFrame,
                     regime: Regime, as_of: str | None = None) -> ExposureResult:
    """Decide every entity's status under `regime` on `as_of` (default today)."""
    as_of = normalise_as_of(as_of)
    graph = build_graph(ownership, designations, entities, as_of)
    return exposure_on_graph(graph, regime)


def exposure_on_graph(graph: OwnershipGraph, regime: Regime) -> ExposureResult:
    as_of = graph.as_of
    th = regime.threshold_on(as_of)
    listed = listed_mask(graph, regime.authorities)
    # an undated listing before its list's publication date may or may not have been in force: it
    # seeds only the upper run, so what it alone would catch is `possible`, never `derived`
    maybe = maybe_listed_mask(graph, regime.authorities) & ~listed
    kernel = propagate.aggregate if regime.aggregate else propagate.per_person
    joint = regime.joint_arrangements and len(graph.joint_target) > 0
    low = kernel(graph, listed, graph.lo, graph.joint_lo if joint else None, th, regime.control_counts)
    # the upper run: every share at its highest; where control counts, an untyped interest may be control
    high_kind = None
    if regime.control_counts and graph.interest is not None and graph.interest.any():
        high_kind = np.where(graph.interest, CONTROL, graph.kind).astype(np.int8)
    high = kernel(graph, listed | maybe, graph.hi, graph.joint_hi if joint else None, th, regime.control_counts,
                  high_kind)

    codes = np.full(graph.n, CODE["clear"], dtype=np.int8)
    # exposed: an ownership or control edge from a caught (or possibly caught) owner
    from_caught = high.caught[graph.src]
    codes[np.unique(graph.dst[from_caught])] = CODE["exposed"]
    # review: the EU largest-minority indication among the exposed
    other_max = np.zeros(graph.n)
    uncaught_own = (~low.caught[graph.src]) & (graph.kind == OWNERSHIP)
    if uncaught_own.any():
        np.maximum.at(other_max, graph.dst[uncaught_own], graph.lo[uncaught_own])
    rule = regime.review_largest_minority
    if rule and rule.get("since") and as_of < date_floor(rule["since"]):
        rule = None  # the indication did not exist yet on the date
    if rule:
        held = low.total
        review = ((codes == CODE["exposed"]) & (held >= rule["min_share"] - 1e-9)
                  & (held >= rule["ratio"] * other_max - 1e-9) & ~high.caught)
        codes[review] = CODE["review"]
    codes[high.caught] = CODE["possible"]
    codes[low.caught] = CODE["derived"]
    codes[listed] = CODE["listed"]
    return ExposureResult(regime=regime, as_of=as_of, threshold=th, graph=graph, listed=listed, maybe=maybe, low=low,
                          high=high, codes=codes, other_max=other_max)


def exposure_for_store(store, regime: Regime, as_of: str | None = None) -> ExposureResult:
    """Read the three frames through the store protocol and compute the exposure."""
    res = compute_exposure(store.ownership_frame(), store.designation_frame(), store.entity_frame(),
                           regime, as_of)
    res.list_versions = store.list_versions()
    return res


__all__ = ["CONTROL", "OWNERSHIP", "STATUSES", "ExposureResult", "compute_exposure", "exposure_for_store",
           "exposure_on_graph", "normalise_as_of"]
