"""The ownership and control graph on a date, as numpy arrays the propagation engine runs over.

Built once from the store's frames (polars), vectorised: edges out of force on the date are set aside
(kept for explanations), node ids become integer indices, and each ownership edge gets a lower and an
upper share: the published share, or its range, or for an unknown share 0 and at most what the other
holders of the target leave over (100% minus their known minimum stakes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import polars as pl

from ..dates import active_on, date_floor

OWNERSHIP = 0
CONTROL = 1


EXCLUSIVE_EPS = 1e-6  # percentage points: far below any published precision

def floor_expr(col: str) -> pl.Expr:
    """Vectorised ownerscope.dates.date_floor: '2023' -> '2023-01-01', '2023-12' -> '2023-12-01'."""
    c = pl.col(col).str.slice(0, 10)
    n = c.str.len_chars()
    return (pl.when(c.is_null() | (n == 0)).then(pl.lit(None, dtype=pl.Utf8))
            .when(n == 4).then(c + "-01-01")
            .when(n == 7).then(c + "-01")
            .otherwise(c))


def active_expr(as_of: str, start: str = "start_date", end: str = "end_date",
                ended: str | None = "ended") -> pl.Expr:
    """Vectorised ownerscope.dates.active_on (the tests check the two agree)."""
    s = floor_expr(start)
    e = floor_expr(end)
    cond = (s.is_null() | (s <= as_of)) & (e.is_null() | (e > as_of))
    if ended is not None:
        cond = cond & ~(pl.col(ended).fill_null(False) & e.is_null())
    return cond


def current_version_expr(as_of: str) -> pl.Expr:
    """Whether a relation is the version of its source record in force on `as_of`: of the versions
    sharing a `record_id`, the one asserted latest on or before the date (before the first version's
    date: the first version, which then still describes the record); a relation without a record id is
    its own only version. Versions asserted on one day are ordered by their full timestamps."""
    key = pl.col("asserted_from").fill_null("")
    eligible = (key.str.len_chars() == 0) | (floor_expr("asserted_from") <= as_of)
    chosen = pl.coalesce(pl.when(eligible).then(key).max().over("record_id"), key.min().over("record_id"))
    return pl.col("record_id").is_null() | (key == chosen)


def withdrawn_expr(as_of: str) -> pl.Expr:
    """The source stopped asserting the relation on or before `as_of` (a snapshot it was missing from)."""
    until = floor_expr("asserted_until")
    return until.is_not_null() & (until <= as_of)


@dataclass
class OwnershipGraph:
    as_of: str
    nodes: pl.DataFrame            # id, type, name; row number = node index
    # active edges, in the order of `edges`
    edges: pl.DataFrame            # active ownership/control rows (all columns) with src/dst indices
    src: np.ndarray
    dst: np.ndarray
    kind: np.ndarray               # OWNERSHIP or CONTROL
    lo: np.ndarray                 # lower share in percent (0 for control and unknown)
    hi: np.ndarray                 # upper share in percent
    exact: np.ndarray              # share published as one number
    joint: np.ndarray              # joint arrangement group index, -1 when none
    joint_lo: np.ndarray           # pooled lower share per joint group
    joint_hi: np.ndarray           # pooled upper share per joint group
    joint_target: np.ndarray       # target node of each joint group
    inactive: pl.DataFrame         # ownership/control rows out of force on the date (for explanations)
    designations: pl.DataFrame     # every designation row (all authorities), with an `active` column
    interest: np.ndarray | None = None  # untyped interests (kind OWNERSHIP, unknown share; maybe control)
    _in_ptr: np.ndarray | None = field(default=None, repr=False)
    _in_order: np.ndarray | None = field(default=None, repr=False)
    _out_ptr: np.ndarray | None = field(default=None, repr=False)
    _out_order: np.ndarray | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return self.nodes.height

    @cached_property
    def ids(self) -> list[str]:
        return self.nodes["id"].to_list()

    @cached_property
    def index(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.ids)}

    @cached_property
    def names(self) -> list[str | None]:
        return self.nodes["name"].to_list()

    @cached_property
    def types(self) -> list[str | None]:
        return self.nodes["type"].to_list()

    @property
    def m(self) -> int:
        return len(self.src)

    def _csr(self, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(key, kind="stable")
        ptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(key, minlength=self.n), out=ptr[1:])
        return ptr, order

    def out_edges(self, node: int) -> np.ndarray:
        if self._out_ptr is None:
            self._out_ptr, self._out_order = self._csr(self.src)
        return self._out_order[self._out_ptr[node]:self._out_ptr[node + 1]]

    def out_edges_of(self, nodes: np.ndarray) -> np.ndarray:
        """Edge indices leaving any of `nodes`, vectorised."""
        if self._out_ptr is None:
            self._out_ptr, self._out_order = self._csr(self.src)
        starts = self._out_ptr[nodes]
        counts = self._out_ptr[nodes + 1] - starts
        total = int(counts.sum())
        if total == 0:
            return np.empty(0, dtype=np.int64)
        offsets = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
        return self._out_order[offsets]

    def in_edges(self, node: int) -> np.ndarray:
        if self._in_ptr is None:
            self._in_ptr, self._in_order = self._csr(self.dst)
        return self._in_order[self._in_ptr[node]:self._in_ptr[node + 1]]

    def edge(self, e: int) -> dict:
        return self.edges.row(int(e), named=True)

    def name(self, i: int) -> str:
        return self.names[i] or self.ids[i]


DATED, UNDATED, SUPERSEDED, NO_VERSION = "dated", "undated", "superseded", "undated, no list version"


def _program_key(program: str | None) -> str:
    return " ".join((program or "").upper().split())


def designation_dates(designations: pl.DataFrame, as_of: str) -> pl.DataFrame:
    """The designations with `active` (in force on as_of, for certain), `maybe` (perhaps in force: an
    undated listing before its list's publication date) and `date_basis` columns.

    An undated designation is "listed on or before the publication date of the list version it came
    from": on and after that date it is in force, before it the listing date is unknown (`maybe`). A
    dated designation of the same entity, authority and program wins over an undated one (`superseded`),
    also when entity resolution brought the two onto one entity. Designations are few: this runs
    ownerscope.dates.active_on itself."""
    des = designations
    for col in ("list_version", "list_published"):
        if col not in des.columns:
            des = des.with_columns(pl.lit(None, dtype=pl.Utf8).alias(col))
    if des.height == 0:
        return des.with_columns(pl.lit(False).alias("active"), pl.lit(False).alias("maybe"),
                                pl.lit(None, dtype=pl.Utf8).alias("date_basis"))
    ents, auths, progs = des["entity_id"].to_list(), des["authority"].to_list(), des["program"].to_list()
    starts, ends, pubs = des["start_date"].to_list(), des["end_date"].to_list(), des["list_published"].to_list()
    dated = {(e, a, _program_key(p)) for e, a, p, s in zip(ents, auths, progs, starts) if s}
    active, maybe, basis = [], [], []
    for e, a, p, s, end, pub in zip(ents, auths, progs, starts, ends, pubs):
        if s:
            active.append(active_on(s, end, as_of)), maybe.append(False), basis.append(DATED)
        elif (e, a, _program_key(p)) in dated:
            active.append(False), maybe.append(False), basis.append(SUPERSEDED)
        elif pub:
            in_force = active_on(None, end, as_of)
            known = date_floor(pub) <= as_of
            active.append(in_force and known), maybe.append(in_force and not known), basis.append(UNDATED)
        else:
            active.append(active_on(None, end, as_of)), maybe.append(False), basis.append(NO_VERSION)
    return des.with_columns(pl.Series("active", active, dtype=pl.Boolean),
                            pl.Series("maybe", maybe, dtype=pl.Boolean),
                            pl.Series("date_basis", basis, dtype=pl.Utf8))


def maybe_listed_mask(graph: OwnershipGraph, authorities) -> np.ndarray:
    """Entities perhaps designated by one of `authorities` on the graph's date (listing date unknown)."""
    return _mask(graph, authorities, "maybe")


def listed_mask(graph: OwnershipGraph, authorities) -> np.ndarray:
    """Entities with a designation by one of `authorities` in force on the graph's date."""
    return _mask(graph, authorities, "active")


def _mask(graph: OwnershipGraph, authorities, column: str) -> np.ndarray:
    mask = np.zeros(graph.n, dtype=bool)
    d = graph.designations
    if d.height:
        hits = d.filter(pl.col(column) & pl.col("authority").is_in(list(authorities)))["entity_id"].unique()
        idx = (graph.nodes.select("id").with_row_index("_i").join(hits.to_frame("id"), on="id", how="semi"))
        mask[idx["_i"].to_numpy()] = True
    return mask


def build_graph(ownership: pl.DataFrame, designations: pl.DataFrame, entities: pl.DataFrame,
                as_of: str) -> OwnershipGraph:
    """Turn the store's frames into an OwnershipGraph for one date."""
    own = ownership.filter(pl.col("type").is_in(["ownership", "control", "interest"]))
    # an "indirect" interest (BODS) restates a chain of holdings whose own links are in the graph (or
    # unknown): counting it as well would count the same shares twice, so it is shown, never counted
    indirect = ((pl.col("type") == "ownership")
                & pl.col("role").fill_null("").str.to_lowercase().str.contains("indirect"))
    own = own.with_columns(active_expr(as_of).alias("_in_force"), indirect.alias("_indirect"),
                           current_version_expr(as_of).alias("_current"), withdrawn_expr(as_of).alias("_gone"))
    own = own.with_columns((pl.col("_in_force") & pl.col("_current") & ~pl.col("_gone")
                            & ~pl.col("_indirect")).alias("_active"))
    helpers = ("_active", "_in_force", "_indirect", "_current", "_gone")
    active = own.filter(pl.col("_active")).drop(*helpers)
    # why a row does not count: another version of its record is the one in force, the source withdrew
    # it, its own dates exclude the day, or it is an indirect interest
    inactive = (own.filter(~pl.col("_active"))
                .with_columns(pl.when(~pl.col("_current")).then(pl.lit("superseded"))
                              .when(pl.col("_gone")).then(pl.lit("withdrawn"))
                              .when(pl.col("_in_force")).then(pl.lit("indirect"))
                              .otherwise(pl.lit("not_in_force")).alias("why"))
                .drop(*helpers))

    des = designation_dates(designations, as_of)

    # node index = row of the entity frame; ids only met in edges or designations are appended
    ent = entities.select(pl.col("id"), pl.col("type"), pl.col("name"))
    if ent["id"].is_duplicated().any():
        ent = ent.unique("id", keep="first", maintain_order=True)
    lookup = ent.select("id").with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))
    active = (active.join(lookup.rename({"id": "source", "_i": "_src"}), on="source", how="left")
              .join(lookup.rename({"id": "target", "_i": "_dst"}), on="target", how="left"))
    loose = pl.concat([active.filter(pl.col("_src").is_null())["source"],
                       active.filter(pl.col("_dst").is_null())["target"],
                       inactive["source"], inactive["target"], des["entity_id"]]).unique(maintain_order=True)
    loose = loose.to_frame("id").join(lookup, on="id", how="anti")
    nodes = ent
    if loose.height:
        nodes = pl.concat([ent, loose.with_columns(pl.lit(None, dtype=pl.Utf8).alias("type"),
                                                   pl.lit(None, dtype=pl.Utf8).alias("name"))
                           .select("id", "type", "name")])
        extra = loose.with_row_index("_j").with_columns((pl.col("_j").cast(pl.Int64) + ent.height).alias("_j"))
        active = (active.join(extra.rename({"id": "source", "_j": "_s2"}), on="source", how="left")
                  .join(extra.rename({"id": "target", "_j": "_d2"}), on="target", how="left")
                  .with_columns(pl.coalesce("_src", "_s2").alias("_src"), pl.coalesce("_dst", "_d2").alias("_dst"))
                  .drop("_s2", "_d2"))
    n = nodes.height
    src = active["_src"].to_numpy().astype(np.int64)
    dst = active["_dst"].to_numpy().astype(np.int64)

    # an untyped interest counts like a holding of unknown size (0 for certain, at most what is left)
    is_own = pl.col("type").is_in(["ownership", "interest"])
    # a strict lower bound ("more than 50%", UK PSC bands, BODS exclusiveMinimum) meets a "more than"
    # threshold at that figure: it is carried as the bound plus a hair (EXCLUSIVE_EPS)
    strict = pl.col("share_min_exclusive").fill_null(False)
    share_min = pl.when(strict).then(pl.col("share_min") + EXCLUSIVE_EPS).otherwise(pl.col("share_min"))
    # an exact share whose strict minimum is that same figure is "just over" it: "50% plus one share"
    share = (pl.when(strict & (pl.col("share_min") == pl.col("share")))
             .then(pl.col("share") + EXCLUSIVE_EPS).otherwise(pl.col("share")))
    lo_expr = pl.when(is_own).then(pl.coalesce(share, share_min, pl.lit(0.0))).otherwise(0.0)
    hi_expr = pl.when(is_own).then(pl.coalesce(share, pl.col("share_max"), pl.lit(100.0))).otherwise(0.0)
    vals = active.select(lo_expr.clip(0.0, 100.0).alias("lo"), hi_expr.clip(0.0, 100.0).alias("hi"))
    lo = vals["lo"].to_numpy().astype(np.float64)
    hi_raw = vals["hi"].to_numpy().astype(np.float64)
    # what the other holders leave over: 100 - (known minimum stakes into the target, less this one)
    room = np.clip(100.0 - (np.bincount(dst, weights=lo, minlength=n)[dst] - lo), 0.0, 100.0)
    hi = np.maximum(lo, np.minimum(hi_raw, room))
    kind = np.where((active["type"] == "control").to_numpy(), CONTROL, OWNERSHIP).astype(np.int8)
    hi[kind == CONTROL] = 0.0

    joint = np.full(active.height, -1, dtype=np.int64)
    joint_lo = np.zeros(0)
    joint_hi = np.zeros(0)
    joint_target = np.zeros(0, dtype=np.int64)
    jg = active["joint_group"]
    present = (jg.is_not_null() & (jg != "")).to_numpy() & (kind == OWNERSHIP)
    if present.any():
        keys = pl.DataFrame({"t": dst[present], "g": jg.filter(pl.Series(present))})
        inv = keys.select(pl.struct("t", "g").rank("dense").cast(pl.Int64) - 1).to_series().to_numpy()
        joint[present] = inv
        joint_lo = np.minimum(np.bincount(inv, weights=lo[present]), 100.0)
        joint_hi = np.minimum(np.bincount(inv, weights=hi[present]), 100.0)
        joint_target = np.zeros(len(joint_lo), dtype=np.int64)
        joint_target[inv] = dst[present]

    return OwnershipGraph(
        as_of=as_of, nodes=nodes, edges=active, src=src, dst=dst, kind=kind, lo=lo, hi=hi,
        exact=active["share"].is_not_null().to_numpy(), joint=joint, joint_lo=joint_lo, joint_hi=joint_hi,
        joint_target=joint_target, inactive=inactive, designations=des,
        interest=(active["type"] == "interest").to_numpy(),
    )
