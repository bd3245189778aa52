"""Batching, provenance, idempotent upserts, quarantine and progress for every adapter.

Rows read = records stored + rows merged into a record stored earlier in the run (a later version or a
restatement of the same record) + rows quarantined + rows skipped on purpose, each with its reason.

Relation identity: a relation's id comes from its source record (or its ends, type, start date, role and
key). Two rows of one run that give the same id but a different stake (X -> C at 30% and at 25%: two share
classes, two interests) are two facts: the later one gets its own key (`#2`, `#3` ... in file order, so a
re-ingest of the same file gives the same ids) and both are stored and counted. Entities
are flushed before the relations and designations that point at them; a relation or designation whose
entity is in neither the store nor this run is quarantined with its line, the rest still loads.
"""

from __future__ import annotations

import json

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from ..graph.model import Designation, Entity, ListVersion, Relation
from ..graph.store import GraphStore
from .records import Parsed, Rejected, Skipped

DEFAULT_BATCH = 100_000  # records checked against the store at a time (new ones are copied once, at the end)


@dataclass
class IngestReport:
    dataset: str
    read: int = 0
    stored: int = 0
    quarantined: int = 0
    skipped: int = 0
    withdrawn: tuple[int, int] = (0, 0)  # snapshot: (relations, designations) no longer in the source
    over_100: dict = field(default_factory=dict)  # entity id -> sum (%) of its owners' open stakes, > 100
    merged: int = 0  # rows that restated (or were a later version of) a record already read in this run
    placeholders: int = 0  # stand-in entities created so links could load (not rows read)
    by_kind: Counter = field(default_factory=Counter)
    skipped_reasons: Counter = field(default_factory=Counter)
    rejects: list[Rejected] = field(default_factory=list)  # the first few, for the console
    quarantine_path: Path | None = None
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)
    list_version: ListVersion | None = None

    @property
    def balanced(self) -> bool:
        return self.read == self.stored + self.merged + self.quarantined + self.skipped

    def summary(self) -> str:
        kinds = ", ".join(f"{n:,} {k}" for k, n in sorted(self.by_kind.items())) or "nothing"
        rate = self.read / self.seconds if self.seconds > 0 else 0.0
        line = (f"{self.dataset}: read {self.read:,} rows, stored {self.stored:,} ({kinds}), "
                f"quarantined {self.quarantined:,}")
        if self.merged:
            line += f", {self.merged:,} rows merged into a record read earlier (same id)"
        if self.placeholders:
            line += f", {self.placeholders:,} placeholder entities added for links"
        if self.skipped:
            why = "; ".join(f"{n:,} {r}" for r, n in self.skipped_reasons.most_common(4))
            line += f", skipped {self.skipped:,} ({why})"
        if self.over_100:
            worst = sorted(self.over_100.items(), key=lambda kv: -kv[1])[:3]
            line += (f", WARNING: the open ownership stakes in {len(self.over_100):,} entities sum to more "
                     f"than 100% (data conflict; e.g. {', '.join(f'{k} {v:g}%' for k, v in worst)})")
        if any(self.withdrawn):
            line += (f", ended {self.withdrawn[0]:,} relations and {self.withdrawn[1]:,} designations no longer "
                     f"in this snapshot")
        line += f" in {self.seconds:.1f} s ({rate:,.0f} rows/s)"
        if self.list_version is not None:
            line += f"\nlist version: {self.list_version.words()} (sha256 {self.list_version.sha256[:12]})"
        return line

    def to_dict(self) -> dict:
        return {"dataset": self.dataset, "read": self.read, "stored": self.stored,
                "quarantined": self.quarantined, "skipped": self.skipped, "merged": self.merged,
                "by_kind": dict(self.by_kind),
                "placeholders": self.placeholders,
                "ownership_over_100": dict(self.over_100),
                "withdrawn": {"relations": self.withdrawn[0], "designations": self.withdrawn[1]},
                "quarantine_file": str(self.quarantine_path) if self.quarantine_path else None,
                "seconds": round(self.seconds, 3),
                "list_version": self.list_version.to_dict() if self.list_version else None}


class Quarantine:
    """Writes rejected rows, one JSON object a line, opened on the first reject only."""

    def __init__(self, path: Path):
        self.path = path
        self._fh = None

    def write(self, rej: Rejected) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("w", encoding="utf-8")
        self._fh.write(json.dumps({"file": rej.file, "line": rej.line, "reason": rej.reason,
                                   "record": rej.raw}, ensure_ascii=False, default=str) + "\n")

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()

    @property
    def used(self) -> bool:
        return self._fh is not None


def default_quarantine_path(home: Path, dataset: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in dataset)
    return home / "quarantine" / f"{safe}-{stamp}.jsonl"


class Pipeline:
    def __init__(self, store: GraphStore, dataset: str, quarantine_path: Path,
                 batch_size: int = DEFAULT_BATCH, on_progress: Callable[[int], None] | None = None,
                 keep_rejects: int = 50, list_version: ListVersion | None = None):
        self.store = store
        self.report = IngestReport(dataset)
        self.list_version = list_version  # recorded in the store; every designation points to it
        self._authorities: set[str] = set()
        self.quarantine = Quarantine(quarantine_path)
        self.batch_size = batch_size
        self.on_progress = on_progress
        self.keep_rejects = keep_rejects
        self._entities: list[Parsed] = []
        self._links: list[Parsed] = []  # relations and designations
        self._known: set[str] = set()
        self._pending: list[Parsed] = []  # links whose entity may still come later in the stream
        self._placeholders: dict[str, Parsed] = {}  # stand-ins for the links of the current batch
        self._seen: set[str] = set()  # ids of the records of this run (to count each once)
        # merged-away id -> kept id (entity resolution): a refresh of a source keeps its merges
        self._redirects: dict[str, str] = store.redirects()
        self._stakes: dict[str, tuple] = {}  # relation id -> the stake it holds (to keep distinct stakes apart)
        # target -> {record: (version date, minimum share)}: the open stakes of this run, latest version each
        self._open: dict[str, dict[str, tuple]] = {}

    # ------------------------------------------------------------------ intake
    def run(self, items: Iterable[Parsed | Rejected | Skipped]) -> IngestReport:
        start = time.perf_counter()
        lv = self.list_version
        if lv is not None:
            self.report.list_version = lv
            self.store.upsert_list_version(lv)
        try:
            for item in items:
                if isinstance(item, Parsed) and self._redirects and not self._redirect(item.record):
                    item = Skipped(item.file, item.line, "link between two records merged into one entity")
                if isinstance(item, Parsed) and item.placeholder:
                    self._placeholders.setdefault(item.record.id, item)
                    continue
                if isinstance(item, Parsed) and item.update:
                    self._entities.append(item)
                    continue
                self.report.read += 1
                if isinstance(item, Rejected):
                    self._reject(item)
                elif isinstance(item, Skipped):
                    self.report.skipped += 1
                    self.report.skipped_reasons[item.reason] += 1
                elif isinstance(item.record, Entity):
                    self._entities.append(item)
                    if len(self._entities) >= self.batch_size:
                        self._flush_entities()
                else:
                    if isinstance(item.record, Relation):
                        self._distinct(item.record)
                        self._track_stake(item.record)
                    self._links.append(item)
                    if len(self._links) >= self.batch_size:
                        self._flush_links()
                if self.on_progress and self.report.read % 1000 == 0:
                    self.on_progress(self.report.read)
            self._flush_links()
            self._links, self._pending = self._pending, []
            self._flush_links(final=True)
            self.store.flush()  # the embedded store's held-back rows: one COPY per table
            if lv is not None:
                lv.authorities = sorted(set(lv.authorities) | self._authorities | ({lv.authority} - {""}))
                lv.records = self.report.read
                self.store.upsert_list_version(lv)
            self._check_sums()
        finally:
            self.quarantine.close()
            self.report.seconds = time.perf_counter() - start
        if self.quarantine.used:
            self.report.quarantine_path = self.quarantine.path
        if self.on_progress:
            self.on_progress(self.report.read)
        return self.report

    def _redirect(self, rec) -> bool:
        """Point a record at the entity its ids were merged into. A merged-away entity's own record becomes
        an update of the kept one that adds names, identifiers and sources but keeps the kept record's name
        and type (as the merge did); a relation keeps its id as the merge gave it (its old id as key)."""
        to = self._redirects.get
        if isinstance(rec, Entity):
            keep = to(rec.id)
            if keep:
                rec.aliases = [n for n in dict.fromkeys([rec.name, *rec.aliases]) if n]
                rec.id, rec.name, rec.type, rec.country, rec.notes = keep, "", "", None, None
        elif isinstance(rec, Relation):
            s, t = to(rec.source_id), to(rec.target_id)
            if s or t:
                old = rec.id
                rec.source_id, rec.target_id, rec.key = s or rec.source_id, t or rec.target_id, old
                if rec.source_id == rec.target_id:
                    return False  # the merge dropped it: it would now link the entity to itself
        elif isinstance(rec, Designation):
            keep = to(rec.entity_id)
            if keep:
                rec.entity_id = keep
        return True

    @property
    def seen_ids(self) -> set[str]:
        """Ids of every record this run stored (entities, relations, designations)."""
        return self._seen

    def _distinct(self, rel: Relation) -> None:
        """Give a relation that repeats an id of this run with a different stake a key of its own."""
        stake = (rel.share, rel.share_min, rel.share_max, bool(rel.share_min_exclusive), rel.end_date,
                 rel.asserted_from)
        base, n = rel.key, 1
        while True:
            held = self._stakes.setdefault(rel.id, stake)
            if held == stake:
                return
            n += 1
            rel.key = f"{base or ''}#{n}"

    def _track_stake(self, rel: Relation) -> None:
        if rel.type != "ownership" or "indirect" in (rel.role or ""):
            return
        lo = rel.share if rel.share is not None else rel.share_min
        held = self._open.setdefault(rel.target_id, {})
        record = rel.record_id or rel.id
        when = rel.asserted_from or ""
        if record in held and held[record][0] > when:
            return  # an older version read after a newer one
        open_now = not (rel.ended or rel.end_date or rel.asserted_until)
        held[record] = (when, lo if open_now and lo else 0.0)

    def _check_sums(self) -> None:
        for target, held in self._open.items():
            total = sum(v for _, v in held.values())
            if total > 100.0 + 1e-6:
                self.report.over_100[target] = round(total, 4)

    def _count(self, records: list, kind: str) -> None:
        """Count each record of the run once as stored; rows repeating an id are merged into it."""
        for r in records:
            rid = r.id
            if rid in self._seen:
                self.report.merged += 1
            else:
                self._seen.add(rid)
                self.report.stored += 1
                self.report.by_kind[kind] += 1

    def _reject(self, rej: Rejected) -> None:
        self.report.quarantined += 1
        self.quarantine.write(rej)
        if len(self.report.rejects) < self.keep_rejects:
            self.report.rejects.append(rej)

    # ------------------------------------------------------------------ flushing
    def _flush_entities(self) -> None:
        if not self._entities:
            return
        batch = self._entities
        self._entities = []
        self.store.upsert_entities([p.record for p in batch])
        for p in batch:
            self._known.add(p.record.id)
        self._count([p.record for p in batch if not p.update], "entities")

    def _store_placeholders(self, missing: set[str]) -> None:
        stand_ins = [self._placeholders[i].record for i in missing if i in self._placeholders]
        if stand_ins:
            self.store.upsert_entities(stand_ins)
            self._known.update(e.id for e in stand_ins)
            self.report.placeholders += len(stand_ins)

    def _flush_links(self, final: bool = False) -> None:
        self._flush_entities()
        if not self._links:
            return
        batch = self._links
        self._links = []
        wanted = set()
        for p in batch:
            r = p.record
            ids = (r.source_id, r.target_id) if isinstance(r, Relation) else (r.entity_id,)
            wanted.update(i for i in ids if i not in self._known)
        if wanted:
            found = self.store.existing_ids(wanted)
            self._known.update(found)
            self._store_placeholders(wanted - found)
        self._placeholders = {}
        relations: list[Relation] = []
        designations: list[Designation] = []
        for p in batch:
            r = p.record
            ids = (r.source_id, r.target_id) if isinstance(r, Relation) else (r.entity_id,)
            missing = [i for i in ids if i not in self._known]
            if missing and not final:
                self._pending.append(p)
                continue
            if missing:
                what = "relation" if isinstance(r, Relation) else "designation"
                self._reject(Rejected(p.file, p.line, f"{what} refers to unknown entity "
                                      f"{', '.join(repr(m) for m in missing)}", r.to_dict()))
                continue
            if isinstance(r, Relation):
                relations.append(r)
                continue
            if self.list_version is not None and r.list_version is None:
                r.list_version, r.list_published = self.list_version.id, self.list_version.published
            self._authorities.add(r.authority)
            designations.append(r)
        if relations:
            self.store.upsert_relations(relations)
            self._count(relations, "relations")
        if designations:
            self.store.upsert_designations(designations)
            self._count(designations, "designations")
