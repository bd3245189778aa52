"""The core service: one object over a store that every face (CLI, explorer, API) calls.

It holds the caches, keyed on the store's data version so they drop exactly when the data changes:
the frames read from the store and the match index (once per version), the ownership graph (once per
(version, as-of date), shared by every regime) and each regime's exposure on it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Iterable, Iterator, Sequence

from ..errors import InputError
from ..exposure.engine import ExposureResult, exposure_on_graph, normalise_as_of
from ..exposure.ownership_graph import OwnershipGraph, build_graph
from ..exposure.regimes import Regime, builtin_regimes
from ..graph.model import Entity
from ..graph.store import GraphStore, Subgraph
from . import matching, tracing
from .actions import StoreActions
from .search import ranked_search
from .matching import MatchIndex, MatchQuery, Scored

DEFAULT_REGIMES = ("ofac", "eu", "uk")


class _LRU(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def put(self, key, value):
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)
        return value


def _shown(x: float | None) -> float | None:
    """A share at its published precision (a strict lower bound is carried as the figure plus a hair)."""
    return None if x is None else round(float(x), 4)


class Core(StoreActions):
    def __init__(self, store: GraphStore, regimes: dict[str, Regime] | None = None, dates: int = 8):
        self.store = store
        self.regimes = regimes or builtin_regimes()
        self._lock = threading.RLock()
        self._version: str | None = None
        self._frames = None
        self._index: MatchIndex | None = None
        self._authorities: dict[str, list[str]] | None = None
        self._list_versions: list[dict] | None = None
        self._graphs: _LRU = _LRU(dates)
        self._results: _LRU = _LRU(dates * max(3, len(self.regimes)))
        self._designations: _LRU = _LRU(dates)
        self.graph_builds = 0  # how many ownership graphs were built (tests read it)

    # ------------------------------------------------------------------ caches
    def data_version(self) -> str:
        return self.store.data_version()

    def _fresh(self) -> str:
        """The current data version; every cache is dropped when it differs from the last one seen."""
        v = self.store.data_version()
        with self._lock:
            if v != self._version:
                self._version = v
                self._frames = None
                self._index = None
                self._authorities = None
                self._list_versions = None
                self._graphs.clear()
                self._results.clear()
                self._designations.clear()
        return v

    def _read_frames(self):
        with self._lock:
            if self._frames is None:
                self._frames = (self.store.ownership_frame(), self.store.designation_frame(),
                                self.store.entity_frame())
            return self._frames

    def regime(self, name: str) -> Regime:
        try:
            return self.regimes[name]
        except KeyError:
            raise InputError(f"unknown regime {name!r}: use one of {', '.join(self.regimes)}") from None

    def graph(self, as_of: str | None = None) -> OwnershipGraph:
        """The ownership graph on a date: built once per (data version, date), shared by every regime."""
        v = self._fresh()
        day = normalise_as_of(as_of)
        with self._lock:
            g = self._graphs.get((v, day))
            if g is None:
                own, des, ent = self._read_frames()
                g = self._graphs.put((v, day), build_graph(own, des, ent, day))
                self.graph_builds += 1
            return g

    def exposure(self, regime: str, as_of: str | None = None) -> ExposureResult:
        reg = self.regime(regime)
        g = self.graph(as_of)
        key = (self._version, g.as_of, reg.name)
        with self._lock:
            res = self._results.get(key)
            if res is None:
                res = exposure_on_graph(g, reg)
                res.list_versions = self._list_versions_locked()
                res = self._results.put(key, res)
            return res

    def _list_versions_locked(self) -> list[dict]:
        if self._list_versions is None:
            self._list_versions = list(self.store.list_versions())
        return self._list_versions

    def datasets(self) -> list[dict]:
        """The list versions loaded in the store (authority, name, published, loaded, sha256, ...)."""
        self._fresh()
        with self._lock:
            return list(self._list_versions_locked())

    def match_index(self) -> MatchIndex:
        self._fresh()
        with self._lock:
            if self._index is None:
                ents = self.store.entity_records()
                des = self.store.designation_frame()
                auth: dict[str, set[str]] = {}
                for eid, a in zip(des["entity_id"].to_list(), des["authority"].to_list()):
                    auth.setdefault(eid, set()).add(a)
                self._authorities = {k: sorted(v) for k, v in auth.items()}
                self._index = MatchIndex(ents)
            return self._index

    def authorities(self, entity_id: str) -> list[str]:
        self.match_index()
        return list((self._authorities or {}).get(entity_id, []))

    # ------------------------------------------------------------------ entities
    def resolve(self, entity_id: str) -> str | None:
        """The canonical id of an entity id (itself, or the id a merged record redirects to)."""
        return self.store.resolve_id(entity_id)

    def entity(self, entity_id: str) -> dict | None:
        return self.store.get_entity(entity_id)

    def entity_records(self, ids: Sequence[str]) -> dict[str, Entity]:
        return {e.id: e for e in self.store.entity_records(list(ids))}

    def adjacent(self, entity_id: str, limit: int = 200) -> Subgraph:
        return self.store.neighbours(entity_id, limit=limit)

    def paths(self, a: str, b: str, max_hops: int = 6, limit: int = 10) -> list[Subgraph]:
        """The shortest paths between two entities over any relation, up to max_hops."""
        return self.store.shortest_paths(a, b, max_hops=max_hops, limit=limit)

    def search(self, text: str, limit: int = 20) -> list[dict]:
        """Entities whose name, alias or id matches `text`, best first: by match quality (the score,
        0-100, 101 for the exact id), then by prominence (listed by a sanctions authority, then any
        listing, then the number of links), then the shorter name. Each hit: id, name, type, country,
        score, authorities, listed (bool), degree (links), latin (a transliteration of a non-Latin name,
        else None)."""
        return ranked_search(self.store, text, limit)

    def name_matches(self, text: str, limit: int = 3) -> list[dict]:
        """The store's scored name/alias/identifier matches, best score first, without the prominence
        ranking of search(): screening decides on the scores alone, so a tie stays a tie."""
        return self.store.search(text, limit=limit)

    # ------------------------------------------------------------------ tracing
    def owners_to_top(self, entity_id: str, as_of: str | None = None, regime: str | None = None,
                      max_nodes: int = tracing.MAX_NODES) -> dict:
        """Every owner and controller of an entity up to the ultimate ones (tracing.owners_to_top), on a
        date. With a regime, "listed" follows its authorities (and its possibly-listed persons) and the
        result adds the rule's aggregated listed holding (`listed_aggregated`, floor and ceiling), the
        integrated listed share (`listed_effective`) and the links the rule counts (`counted`)."""
        eid = self.resolve(entity_id) or entity_id
        if regime:
            res = self.exposure(regime, as_of)
            out = tracing.owners_to_top(res.graph, eid, res.listed | res.maybe, max_nodes)
            if out["found"]:
                v = res.verdict(eid)
                proof = v.get("proof") or {}
                out.update(regime=res.regime.name, status=v["status"],
                           listed_aggregated={"total": proof.get("total"), "total_max": proof.get("total_max"),
                                              "threshold": res.threshold.to_dict()},
                           listed_effective=v.get("effective_listed_share"),
                           counted=list(proof.get("edge_ids", [])),
                           context=list(proof.get("context_edge_ids", [])))
            return out
        return tracing.owners_to_top(self.graph(as_of), eid, max_nodes=max_nodes)

    def holdings_down(self, entity_id: str, as_of: str | None = None, max_depth: int = 3,
                      min_share: float = 0.0, max_nodes: int = tracing.MAX_NODES) -> dict:
        """Everything an entity owns or controls, directly and indirectly (tracing.holdings_down)."""
        eid = self.resolve(entity_id) or entity_id
        return tracing.holdings_down(self.graph(as_of), eid, max_depth, min_share, max_nodes=max_nodes)

    # ------------------------------------------------------------------ matching
    def match(self, query: MatchQuery, limit: int = 5, cutoff: float = 0.0,
              exclude_ids: Iterable[str] = (), index: MatchIndex | None = None) -> tuple[int, list[Scored]]:
        """Score the candidates for one query; (how many reach `cutoff`, the best `limit` of them)."""
        idx = index or self.match_index()
        excluded = {self.resolve(i) or i for i in exclude_ids} if exclude_ids else set()
        scored = []
        for i in idx.shortlist(query, max(matching.MAX_SCORED, limit)):
            ent = idx.entities[i]
            if ent.id in excluded:
                continue
            s = matching.score(query, ent)
            if s.score >= cutoff:
                scored.append(s)
        scored.sort(key=lambda s: (-s.score, s.entity.name or "", s.entity.id))
        return len(scored), scored[:limit]

    # ------------------------------------------------------------------ exposure
    def _designations_by_entity(self, g: OwnershipGraph) -> dict[str, list[dict]]:
        key = (self._version, g.as_of)
        with self._lock:
            got = self._designations.get(key)
            if got is None:
                got = {}
                for row in g.designations.iter_rows(named=True):
                    got.setdefault(row["entity_id"], []).append(row)
                self._designations.put(key, got)
            return got

    def lists_behind(self, res: ExposureResult, listed_ids: Sequence[str]) -> list[dict]:
        """The designations in force under the regime on its date that make these persons listed, with
        the list (source dataset and record) each comes from."""
        from ..graph.model import Source

        by_entity = self._designations_by_entity(res.graph)
        auth = set(res.regime.authorities)
        out = []
        for eid in listed_ids:
            for r in by_entity.get(eid, []):
                # in force on the date for certain, or perhaps (an undated listing before its list's
                # publication date: "listing date unknown")
                if not ((r["active"] or r.get("maybe")) and r["authority"] in auth):
                    continue
                srcs = [Source.from_json(s) for s in r["sources"] or []]
                out.append({"entity_id": eid, "authority": r["authority"], "program": r["program"],
                            "start_date": r["start_date"], "end_date": r["end_date"],
                            "listing_date_unknown": not r["active"],
                            "list_version": r.get("list_version"),
                            "sources": [{"dataset": s.dataset, "record_id": s.record_id, "url": s.url}
                                        for s in srcs]})
        return out

    def regime_summary(self, res: ExposureResult, entity_id: str) -> dict:
        """One regime's answer for an entity: status, date, the listed holding against the threshold and
        the lists behind it."""
        cur = res.currency
        data = {"data": cur["words"], "no_list": cur["no_list"], "datasets": cur["datasets"]}
        if res.status_of(entity_id) == "clear":  # no listed holding: no proof to build (the common case)
            known = res.index_of(entity_id) is not None
            return {"status": "clear", "as_of": res.as_of, "total": 0.0 if known else None,
                    "total_max": 0.0 if known else None, "total_more_than": False,
                    "threshold": res.threshold.to_dict(),
                    "listed_persons": [], "lists": [], "list_versions": [], **data}
        v = res.verdict(entity_id)
        proof = v.get("proof")
        listed = list(v.get("listed_persons") or [])
        lists = self.lists_behind(res, listed)
        return {
            "status": v["status"], "as_of": res.as_of,
            # None when the store holds no ownership, control or designation data on the entity
            "total": _shown(proof.get("total")) if proof else None,
            "total_max": _shown(proof.get("total_max")) if proof else None,
            # a "25% plus one share" stake is carried as the figure plus a hair: shown as 25, "more than"
            "total_more_than": bool(proof and proof.get("total") is not None
                                    and proof["total"] > _shown(proof["total"]) + 1e-9),
            "threshold": res.threshold.to_dict(),
            "listed_persons": listed,
            "lists": lists,
            "list_versions": self._list_version_names(res, lists),
            **data,
        }

    @staticmethod
    def _list_version_names(res: ExposureResult, lists: list[dict]) -> list[str]:
        """The names of the list versions the designations behind a verdict come from (their source
        datasets for designations stored before list versions existed)."""
        names = {lv["id"]: lv.get("name") or lv.get("format") for lv in res.list_versions}
        out = {names.get(d["list_version"]) for d in lists if d.get("list_version")}
        out |= {s["dataset"] for d in lists if not d.get("list_version") for s in d["sources"] if s["dataset"]}
        return sorted(x for x in out if x)

    def exposure_summary(self, entity_id: str, regimes: Sequence[str] = DEFAULT_REGIMES,
                         as_of: str | None = None) -> dict[str, dict]:
        return {name: self.regime_summary(self.exposure(name, as_of), entity_id) for name in regimes}

    def proof(self, entity_id: str, regime: str, as_of: str | None = None) -> dict:
        return self.exposure(regime, as_of).verdict(entity_id)

    def report(self, entity_id: str, regimes: Sequence[str] = DEFAULT_REGIMES, as_of: str | None = None,
               ubo_threshold: float = 25.0, case: dict | None = None) -> dict:
        """The data of a report on one entity (for the html/pdf/json/csv renderers), on the shared graph."""
        from ..errors import NotFound
        from ..exposure.report import assemble_report

        rid = self.resolve(entity_id)
        if rid is None:
            raise NotFound(f"no entity with id {entity_id!r}")
        results = [self.exposure(name, as_of) for name in regimes]
        g = self.graph(as_of)
        return assemble_report(g, results, self.entity(rid) or {}, rid, g.as_of, getattr(self.store, "url", ""),
                               ubo_threshold, case)

    def screen(self, queries: Iterable[MatchQuery], regimes: Sequence[str] = DEFAULT_REGIMES,
               as_of: str | None = None, threshold: float = 0.7, limit: int = 3) -> Iterator[dict]:
        """Match each query and give the best match's status under each regime; one dict per query."""
        # one data version for the whole run: results built once up front (bad regimes refused before
        # any output), the match index read once
        results = {name: self.exposure(name, as_of) for name in regimes}
        index = self.match_index()
        from .decide import MATCH, decide, evidence

        for q in queries:
            total, hits = self.match(q, limit=limit, cutoff=0.0, index=index)
            best = hits[0] if hits else None
            # a match only when the best stands alone; a tie is a possible match for a person to decide
            d = decide([h.score for h in hits], threshold, threshold)
            matched = d.decision == MATCH
            tied = [hits[k] for k in d.tied] if len(d.tied) > 1 else []
            yield {"best": best, "others": hits[1:], "match": matched, "decision": d.decision,
                   "reason": d.reason,
                   "candidates": [{**evidence(h.entity, h.features.get("name", {}).get("candidate")),
                                   "score": h.score, "features": {k: v["score"] for k, v in h.features.items()},
                                   "status": {n: r.status_of(h.entity.id) for n, r in results.items()}}
                                  for h in tied],
                   "exposure": {n: self.regime_summary(r, best.entity.id) for n, r in results.items()}
                   if matched else None}

    # ------------------------------------------------------------------ exposure lists
    def exposure_page(self, regime: str, as_of: str | None = None, statuses: Sequence[str] | None = None,
                      authorities: Sequence[str] | None = None, text: str | None = None, offset: int = 0,
                      limit: int | None = 50):
        """One page of a regime's results: filtered by status, authority (the entity's own listings in
        force) and text (name or id), most serious first; no explanations built."""
        from . import exposure_list

        return exposure_list.page(self.exposure(regime, as_of), statuses, authorities, text, offset, limit)

    def exposure_ids(self, regime: str, as_of: str | None = None, statuses: Sequence[str] | None = None,
                     authorities: Sequence[str] | None = None, text: str | None = None,
                     limit: int | None = None) -> list[str]:
        """The ids of a regime's results that pass the filters, most serious first."""
        from . import exposure_list

        return exposure_list.ids(self.exposure(regime, as_of), statuses, authorities, text, limit)


__all__ = ["Core", "DEFAULT_REGIMES"]
