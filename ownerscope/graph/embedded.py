"""LadybugDB (pip package `ladybug`, the maintained fork of Kuzu): the embedded default store.

Tables: Entity, Designation (LISTED from its entity), Redirect, ListVersion and one relationship table per
relation type. New records go in through the engine's bulk path (COPY FROM a Polars frame); records whose
id already exists are merged in Python (sources, aliases and identifiers are united) and SET by id.

Staged writes: new records are not copied as each upsert comes but held back (embedded_staging.StagedWrites:
in memory, in Parquet files beside the store once large) and written with one COPY per table when anything
else needs them: any other statement of this store (a read, a SET, a console query), a transaction, an
upsert of a record whose id is staged, `flush()` (the ingest pipeline calls it at its end) and `close()`.
Inside a transaction (merge, unmerge, a snapshot's ends) nothing is staged: writes go in as they come.
A process that dies before a flush loses the staged rows, never a stored one; ingest is idempotent, so
running the same ingest again restores everything (the stale staging folder is removed on the next open).
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Sequence

import ladybug
import polars as pl

from ..errors import QueryError, ReadOnlyViolation, StoreError, StoreUnavailable
from ..text import norm
from .model import RELATION_LABELS, Designation, Entity, Relation, Source, dedupe
from .cypher_guard import check_read_only
from . import copy_frames as F
from . import embedded_diff as D
from . import embedded_updates as U
from .embedded_staging import StagedWrites, clear_stale
from .search_column import PerVersion, WordIndex
from .views import CandidateView, QueryResult, ResolutionRecord, Subgraph
from . import rows as R

REL_PROPS = ("id STRING, share DOUBLE, share_min DOUBLE, share_max DOUBLE, start_date STRING, "
             "end_date STRING, ended BOOLEAN, basis STRING, joint_group STRING, role STRING, note STRING, "
             "sources STRING[], share_min_exclusive BOOLEAN, record_id STRING, asserted_from STRING, "
             "asserted_until STRING")
SCHEMA = [
    "CREATE NODE TABLE IF NOT EXISTS Entity(id STRING PRIMARY KEY, type STRING, name STRING, "
    "aliases STRING[], country STRING, identifiers STRING[], notes STRING, sources STRING[], search STRING, "
    "birth_dates STRING[], nationalities STRING[], addresses STRING[])",
    "CREATE NODE TABLE IF NOT EXISTS Designation(id STRING PRIMARY KEY, entity_id STRING, authority STRING, "
    "program STRING, start_date STRING, end_date STRING, note STRING, sources STRING[], list_version STRING, "
    "list_published STRING)",
    "CREATE NODE TABLE IF NOT EXISTS Redirect(id STRING PRIMARY KEY, target STRING)",
    "CREATE NODE TABLE IF NOT EXISTS ListVersion(id STRING PRIMARY KEY, authority STRING, name STRING, "
    "format STRING, sha256 STRING, published STRING, published_basis STRING, loaded STRING, files STRING[], "
    "url STRING, authorities STRING[], records INT64)",
    "ALTER TABLE Designation ADD IF NOT EXISTS list_version STRING",
    "ALTER TABLE Designation ADD IF NOT EXISTS list_published STRING",
    "CREATE REL TABLE IF NOT EXISTS LISTED(FROM Entity TO Designation)",
] + [f"CREATE REL TABLE IF NOT EXISTS {label}(FROM Entity TO Entity, {REL_PROPS})"
     for label in RELATION_LABELS.values()] + [
    # stores made before a property existed get it (added properties only; nothing is rewritten)
    f"ALTER TABLE {label} ADD IF NOT EXISTS share_min_exclusive BOOLEAN DEFAULT false"
    for label in RELATION_LABELS.values()] + [
    f"ALTER TABLE {label} ADD IF NOT EXISTS {prop} STRING" for label in RELATION_LABELS.values()
    for prop in ("record_id", "asserted_from", "asserted_until")] + [
    f"ALTER TABLE Entity ADD IF NOT EXISTS {prop} STRING[]" for prop in ("birth_dates", "nationalities", "addresses")]

ENTITY_SCHEMA = {"id": pl.Utf8, "type": pl.Utf8, "name": pl.Utf8, "aliases": pl.List(pl.Utf8),
                 "country": pl.Utf8, "identifiers": pl.List(pl.Utf8), "notes": pl.Utf8,
                 "sources": pl.List(pl.Utf8), "search": pl.Utf8, "birth_dates": pl.List(pl.Utf8),
                 "nationalities": pl.List(pl.Utf8), "addresses": pl.List(pl.Utf8)}
REL_SCHEMA = {"from": pl.Utf8, "to": pl.Utf8, "id": pl.Utf8, "share": pl.Float64, "share_min": pl.Float64,
              "share_max": pl.Float64, "start_date": pl.Utf8, "end_date": pl.Utf8, "ended": pl.Boolean,
              "basis": pl.Utf8, "joint_group": pl.Utf8, "role": pl.Utf8, "note": pl.Utf8,
              "sources": pl.List(pl.Utf8), "share_min_exclusive": pl.Boolean, "record_id": pl.Utf8,
              "asserted_from": pl.Utf8, "asserted_until": pl.Utf8}
DES_SCHEMA = {"id": pl.Utf8, "entity_id": pl.Utf8, "authority": pl.Utf8, "program": pl.Utf8,
              "start_date": pl.Utf8, "end_date": pl.Utf8, "note": pl.Utf8, "sources": pl.List(pl.Utf8),
              "list_version": pl.Utf8, "list_published": pl.Utf8}
# what an update may write back (U.statements): every stored column but the key; of a designation, what a
# later list can change
ENTITY_SET = U.setters(ENTITY_SCHEMA, list(ENTITY_SCHEMA)[1:])
RELATION_SET = U.setters(REL_SCHEMA, R.REL_FIELDS[1:])
DESIGNATION_SET = U.setters(DES_SCHEMA, ("end_date", "note", "sources", "list_version", "list_published"))
ENTITY_REL_LABELS = "|".join(RELATION_LABELS.values())
CONSOLE_MEMORY = 1 << 30  # bytes of buffer pool a console query may use; beyond it the query fails
# the store's own statements that write (only this module's Cypher is matched, never a user's)
_WRITES = re.compile(r"\b(CREATE|MERGE|SET|DELETE|ALTER|DROP|COPY)\b")


def _process_lock(path: Path, read_only: bool):
    """Readers share the store, a writer has it alone. The engine lets a read-write process open a file
    that read-only processes are reading (they would go on reading a snapshot whose pages the writer
    reuses), so ownerscope keeps its own advisory lock beside the store: shared for read-only opens
    (`serve`, `stats`, `query`...), exclusive for writers (`ingest`, `resolve`)."""
    import fcntl

    lock_path = path.with_name(path.name + ".ownerscope-lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(lock_path, "a+")
    except OSError:
        return _NoLock()  # a read-only folder: nobody can write there either
    try:
        fcntl.flock(fh, (fcntl.LOCK_SH if read_only else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        if read_only:
            raise StoreUnavailable(f"the embedded store {path} is in use by another ownerscope process that "
                                   f"writes to it (an ingest or resolve): try again when it has finished") from None
        raise StoreUnavailable(f"the embedded store {path} is in use by another ownerscope process (serve, or a "
                               f"read command): stop it before writing, or use another --store") from None
    return fh


class _NoLock:
    def close(self) -> None:
        pass


class EmbeddedStore:
    def __init__(self, path: Path, read_only: bool = False):
        self.path = Path(path)
        self.url = str(self.path)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._console_lock = threading.Lock()
        self._console_db = None
        self._console_version = -1  # the data version the console's read-only handle was opened at
        self._version = 0  # bumped on every write by this process (data_version)
        self._in_tx = False
        if read_only and not self.path.exists():
            raise StoreUnavailable(f"no store at {self.path}: create one with `ownerscope ingest` "
                                   f"(or name another with --store)")
        self._lockfile = _process_lock(self.path, read_only)
        try:
            if not read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = ladybug.Database(str(self.path), read_only=read_only)
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as e:
            self._lockfile.close()
            msg = str(e)
            if "lock" in msg.lower():
                raise StoreUnavailable(f"the embedded store {self.path} is in use by another ownerscope "
                                       f"process (stop it, or use another --store)") from e
            raise StoreUnavailable(f"cannot open the embedded store {self.path}: {msg}") from e
        self._staged = StagedWrites(self.path)
        # derived from the data, kept until this process writes again (see _derived)
        self._word_index = PerVersion(lambda: WordIndex.build(self._search_frame()), self._lock)
        self._listed_by = PerVersion(self._read_authority_table, self._lock)
        self._empty: dict[str, bool] = {}  # table -> holds nothing (see _table_empty)
        if not read_only:
            for stmt in SCHEMA:
                self._conn.execute(stmt)
            clear_stale(self.path)
        # a store written before list versions existed, opened read-only (serve, reads): it has no
        # ListVersion table and its designations no list columns; read them as unknown, never fail
        self._lists = True
        if read_only:
            try:
                cols = {r[1] for r in self._conn.execute("CALL TABLE_INFO('Designation') RETURN *").get_all()}
                self._lists = "list_version" in cols
            except RuntimeError:
                self._lists = False

    # ------------------------------------------------------------------ plumbing
    def _run(self, cypher: str, params: dict | None = None, flush: bool = True):
        with self._lock:
            if flush and self._staged:
                self.flush()
            if _WRITES.search(cypher):
                self._version += 1
                self._empty.clear()
            try:
                return self._conn.execute(cypher, params or {})
            except RuntimeError as e:
                raise StoreError(f"embedded store: {e}") from e

    def _rows(self, cypher: str, params: dict | None = None, flush: bool = True) -> list[list]:
        return self._run(cypher, params, flush).get_all()

    def flush(self) -> None:
        """Write every staged record: one COPY per table, entities and designations first."""
        with self._lock:
            if self._staged:
                self._staged.drain(self._copy, self._copy_files)

    def _stage(self, table: str, frame: pl.DataFrame, ids=None) -> None:
        """Hold new rows back for one COPY per table (written directly inside a transaction). A read-only
        store refuses here, at the write, not later at the flush."""
        if self.read_only:
            raise ReadOnlyViolation(f"the embedded store {self.path} is open read-only: it cannot be written")
        if self._in_tx:
            self._copy(table, frame)
            return
        self._version += 1
        self._staged.add(table, frame, ids)

    def _copy_files(self, table: str, files: list[Path]) -> None:
        names = [str(f) for f in files]
        if any('"' in n or "\\" in n for n in names):  # a path COPY cannot quote: read them back instead
            self._copy(table, pl.concat([pl.read_parquet(f) for f in files]))
            return
        with self._lock:
            self._version += 1
            self._empty.clear()
            try:
                listing = ", ".join('"' + n + '"' for n in names)
                self._conn.execute(f"COPY {table} FROM [{listing}]")
            except RuntimeError as e:
                raise StoreError(f"embedded store bulk load into {table}: {e}") from e

    def _copy(self, table: str, frame: pl.DataFrame) -> None:
        if frame.height == 0:
            return
        with self._lock:
            self._version += 1
            self._empty.clear()
            try:
                self._conn.execute(f"COPY {table} FROM frame")
            except RuntimeError as e:
                raise StoreError(f"embedded store bulk load into {table}: {e}") from e

    @contextmanager
    def _transaction(self):
        """One write transaction around a multi-statement write (a merge, an undo, a snapshot's ends): it
        commits as a whole or, on any failure, rolls back and leaves the store as it was. Nested uses join
        the outer transaction."""
        with self._lock:
            if self._in_tx:
                yield
                return
            self.flush()
            self._conn.execute("BEGIN TRANSACTION")
            self._in_tx = True
            try:
                yield
            except BaseException:
                self._in_tx = False
                self._version += 1  # whatever was read inside is gone: caches must not keep it
                try:
                    self._conn.execute("ROLLBACK")
                except RuntimeError:
                    pass
                raise
            self._in_tx = False
            try:
                self._conn.execute("COMMIT")
            except RuntimeError as e:
                raise StoreError(f"embedded store: committing: {e}") from e

    def close(self) -> None:
        with self._lock:
            try:
                self.flush()
            finally:
                self._close()

    def _close(self) -> None:
        with self._lock:
            try:
                self._conn.close()
                self._db.close()
            except Exception:  # closing twice is harmless
                pass
        with self._console_lock:
            if self._console_db is not None:
                try:
                    self._console_db.close()
                except Exception:
                    pass
                self._console_db = None
        self._lockfile.close()

    def clear(self) -> None:
        self._run("MATCH (e:Entity) DETACH DELETE e")
        self._run("MATCH (d:Designation) DETACH DELETE d")
        self._run("MATCH (r:Redirect) DELETE r")
        self._run("MATCH (v:ListVersion) DELETE v")

    # ------------------------------------------------------------------ writes
    def _table_empty(self, table: str) -> bool:
        """Whether the store's table holds nothing (staged rows aside): then every record is new and the
        lookup of stored ones is skipped (a first load). Known until the next write."""
        empty = self._empty.get(table)
        if empty is None:
            pattern = f"MATCH ()-[x:{table}]->()" if table not in ("Entity", "Designation") else f"MATCH (x:{table})"
            empty = not self._rows(f"{pattern} RETURN 1 LIMIT 1", flush=False)
            self._empty[table] = empty
        return empty

    def _stored(self, cypher: str, params: dict, var: str, fields: Sequence[str],
                table: str) -> pl.DataFrame:
        """The stored fields of the records the query matches, as a frame (columns named as the fields)."""
        if self._table_empty(table):
            return pl.DataFrame()
        ret = ", ".join(f"{var}.{f} AS {f}" for f in fields)
        return self._run(f"{cypher} RETURN {ret}", params, flush=False).get_as_pl()

    def upsert_entities(self, entities: Sequence[Entity]) -> int:
        batch = dedupe(list(entities))
        if not batch:
            return 0
        if self._staged.holds("Entity", (e.id for e in batch)):
            self.flush()  # a staged record updated again: merged with it in the store
        stored = self._stored("UNWIND $ids AS i MATCH (e:Entity {id: i})", {"ids": [e.id for e in batch]},
                              "e", R.ENTITY_FIELDS, "Entity")
        frame = F.entity_frame(batch, ENTITY_SCHEMA)
        found = set(stored["id"].to_list()) if stored.height else set()
        if found:
            same = D.same_ids(frame, stored, R.ENTITY_FIELDS, ENTITY_SCHEMA)
            differ = found - same
            existing = {row[0]: R.entity_from_row(list(row)) for row in
                        stored.filter(pl.col("id").is_in(list(differ))).iter_rows()} if differ else {}
            frame = frame.filter(~pl.col("id").is_in(list(found)))
        else:
            existing = {}
        updates = []
        for ent in batch:
            old = existing.get(ent.id)
            if old is not None:
                merged = old.merged_with(ent)
                if merged != old:  # a re-ingest of the same record writes nothing
                    row, before = R.entity_row(merged), R.entity_row(old)
                    updates.append((row, U.changed(row, before, ENTITY_SET)))
        if frame.height:
            self._stage("Entity", frame, frame["id"].to_list())
        for cypher, rows in U.statements("MATCH (e:Entity {id: r.id})", "e", ENTITY_SET, ("id",), updates):
            self._run(cypher, {"rows": rows}, flush=False)  # only the columns that changed
        return len(batch)

    def upsert_relations(self, relations: Sequence[Relation]) -> int:
        batch = dedupe(list(relations))
        by_label: dict[str, list[Relation]] = {}
        for rel in batch:
            by_label.setdefault(RELATION_LABELS[rel.type], []).append(rel)
        if any(self._staged.holds(label, (r.id for r in rels)) for label, rels in by_label.items()):
            self.flush()  # a staged relation stated again: merged with it in the store
        for label, rels in by_label.items():
            # every edge of this type out of the batch's sources (by the key index, given as plain strings:
            # a list of key maps costs the driver ~4x more), then only the batch's ids, in Polars. One
            # pattern with both ends keyed makes the engine scan and join the whole relationship table.
            stored = self._stored(f"UNWIND $s AS s MATCH (a:Entity {{id: s}})-[x:{label}]->()",
                                  {"s": list(dict.fromkeys(r.source_id for r in rels))}, "x", R.REL_FIELDS, label)
            frame = F.relation_frame(rels, REL_SCHEMA)
            if stored.height:
                stored = stored.join(frame.select("id"), on="id", how="semi")
            if not stored.height:
                self._stage(label, frame, frame["id"].to_list())
                continue
            ids = set(stored["id"].to_list())
            differ = ids - D.same_ids(frame, stored, R.REL_FIELDS, REL_SCHEMA)
            fresh = frame.filter(~pl.col("id").is_in(list(ids)))
            if fresh.height:
                self._stage(label, fresh, fresh["id"].to_list())
            if not differ:
                continue  # every stored one is as given: nothing to write
            before_rows = {row[0]: dict(zip(R.REL_FIELDS, row)) for row in
                           stored.filter(pl.col("id").is_in(list(differ))).iter_rows()}
            updates = []
            for r in rels:
                before = before_rows.get(r.id)
                if before is None:
                    continue
                had = list(before["sources"] or [])
                known = set(had)
                row = R.relation_row(r)
                row["sources"] = had + [j for j in dict.fromkeys(row["sources"]) if j not in known]
                was = {f: (bool(before[f]) if f in ("ended", "share_min_exclusive") else before[f])
                       for f in R.REL_FIELDS}
                was["sources"] = had
                updates.append((row, U.changed(row, was, RELATION_SET)))  # only what changed is written
            for cypher, rows in U.statements(f"MATCH (a:Entity {{id: r.`from`}}) MATCH (a)-[x:{label}]->() "
                                             "WHERE x.id = r.id", "x", RELATION_SET, ("from", "id"), updates):
                self._run(cypher, {"rows": rows}, flush=False)
        return len(batch)

    def upsert_designations(self, designations: Sequence[Designation]) -> int:
        batch = dedupe(list(designations))
        if not batch:
            return 0
        if self._staged.holds("Designation", (d.id for d in batch)):
            self.flush()
        stored = self._stored("UNWIND $ids AS i MATCH (d:Designation {id: i})", {"ids": [d.id for d in batch]},
                              "d", R.DES_FIELDS, "Designation")
        frame = F.designation_frame(batch, DES_SCHEMA)
        ids = set(stored["id"].to_list()) if stored.height else set()
        new = [d for d in batch if d.id not in ids]
        if new:
            self._stage("Designation", frame.filter(~pl.col("id").is_in(list(ids))) if ids else frame,
                        [d.id for d in new])
            self._stage("LISTED", F.listed_frame(new))
        differ = ids - D.same_ids(frame, stored, R.DES_FIELDS, DES_SCHEMA) if ids else set()
        if differ:
            found = {row[0]: dict(zip(R.DES_FIELDS, row)) for row in
                     stored.filter(pl.col("id").is_in(list(differ))).iter_rows()}
            updates = []
            for d in batch:
                if d.id not in found:
                    continue
                before = R.designation_row(R.designation_record(found[d.id]))
                row = R.designation_row(R.designation_record(found[d.id]).merged_with(d))
                updates.append((row, U.changed(row, before, DESIGNATION_SET)))  # an equal one writes nothing
            for cypher, rows in U.statements("MATCH (d:Designation {id: r.id})", "d", DESIGNATION_SET, ("id",),
                                             updates):
                self._run(cypher, {"rows": rows}, flush=False)
        return len(batch)

    def upsert_list_version(self, lv) -> None:
        """Record a loaded list version; a version already recorded keeps its first load time."""
        row = R.list_version_row(lv)
        if self._rows("MATCH (v:ListVersion {id: $id}) RETURN v.id", {"id": lv.id}):
            self._run("MATCH (v:ListVersion {id: $id}) SET v.authorities = CAST($authorities AS STRING[]), "
                      "v.records = $records", {"id": lv.id, "authorities": row["authorities"],
                                               "records": row["records"]})
            return
        self._run("CREATE (v:ListVersion {id: $id, authority: $authority, name: $name, format: $format, "
                  "sha256: $sha256, published: CAST($published AS STRING), published_basis: $published_basis, "
                  "loaded: $loaded, files: CAST($files AS STRING[]), url: $url, "
                  "authorities: CAST($authorities AS STRING[]), records: $records})", row)

    def _des_return(self) -> str:
        if self._lists:
            return R.DES_RETURN
        return ", ".join(f"d.{f}" if f not in ("list_version", "list_published") else "CAST(NULL AS STRING)"
                         for f in R.DES_FIELDS)

    def list_versions(self) -> list[dict]:
        if not self._lists:
            return []
        cols = ", ".join(f"v.{f}" for f in R.LIST_VERSION_FIELDS)
        return [R.list_version_view(r) for r in self._rows(f"MATCH (v:ListVersion) RETURN {cols}")]
    def withdraw_missing(self, dataset: str, seen: set[str], day: str) -> tuple[int, int]:
        """Snapshot semantics: relations and designations from `dataset` that the latest snapshot (ids in
        `seen`) no longer holds stop being asserted on `day`. Returns (relations, designations) ended."""
        with self._transaction():  # a snapshot's ends land together or not at all
            return self._withdraw_missing(dataset, seen, day)

    def _withdraw_missing(self, dataset: str, seen: set[str], day: str) -> tuple[int, int]:
        n = 0
        for label in RELATION_LABELS.values():
            rows = [{"s": r[0], "id": r[1], "d": day} for r in self._rows(
                f"MATCH (a:Entity)-[x:{label}]->() WHERE x.asserted_until IS NULL RETURN a.id, x.id, x.sources")
                if r[1] not in seen and R.from_dataset(r[2], dataset)]
            if rows:
                self._run(f"UNWIND $rows AS r MATCH (a:Entity {{id: r.s}}) MATCH (a)-[x:{label}]->() "
                          "WHERE x.id = r.id SET x.asserted_until = r.d", {"rows": rows})
                n += len(rows)
        des = [R.withdrawn_designation(r[0], r[2], day) for r in self._rows(
            "MATCH (d:Designation) WHERE d.end_date IS NULL RETURN d.id, d.sources, d.note")
            if r[0] not in seen and R.from_dataset(r[1], dataset)]
        if des:
            self._run("UNWIND $rows AS r MATCH (d:Designation {id: r.id}) SET d.end_date = r.end_date, "
                      "d.note = r.note", {"rows": des})
        return n, len(des)

    def add_redirects(self, pairs: Sequence[tuple[str, str]]) -> None:
        if pairs:
            self._run("UNWIND $rows AS r MERGE (x:Redirect {id: r.id}) SET x.target = r.target",
                      {"rows": [{"id": a, "target": b} for a, b in pairs]})

    # ------------------------------------------------------------------ merges (entity resolution)
    def merge_entities(self, keep_id: str, drop_id: str) -> dict:
        """Fold entity `drop_id` into `keep_id`: names, identifiers and sources are united on the kept node,
        the dropped node's relations and designations move onto it, the dropped node is deleted and
        `drop_id` redirects to `keep_id`. Returns a JSON-able snapshot for `unmerge_entities`."""
        found = {r[0]: R.entity_from_row(r) for r in self._rows(
            f"UNWIND $ids AS i MATCH (e:Entity {{id: i}}) RETURN {R.ENTITY_RETURN}", {"ids": [keep_id, drop_id]})}
        keep, drop = R.merge_pair(keep_id, drop_id, found)
        merged = keep.absorb(drop)
        old_rels, new_rels = R.moved_relations(
            [(direction, self._rows(f"MATCH {pattern} RETURN label(r), {R.REL_RETURN}, o.id", {"id": drop_id}))
             for direction, pattern in (("out", "(d:Entity {id: $id})-[r]->(o:Entity)"),
                                        ("in", "(d:Entity {id: $id})<-[r]-(o:Entity)"))], drop_id, keep_id)
        old_des = [dict(zip(R.DES_FIELDS, r)) for r in self._rows(
            f"MATCH (e:Entity {{id: $id}})-[:LISTED]->(d:Designation) RETURN {R.DES_RETURN}", {"id": drop_id})]
        new_des = [R.designation_record(d, keep_id) for d in old_des]
        keep_des_before = [dict(zip(R.DES_FIELDS, r)) for r in self._rows(
            "UNWIND $ids AS i MATCH (d:Designation {id: i}) RETURN " + R.DES_RETURN,
            {"ids": [d.id for d in new_des]})]
        redirected = [r[0] for r in self._rows("MATCH (r:Redirect) WHERE r.target = $id RETURN r.id",
                                               {"id": drop_id})]
        snapshot = R.merge_snapshot(keep, drop, old_rels, new_rels, old_des, keep_des_before, redirected)
        with self._transaction():  # all or nothing: a failure halfway leaves both entities as they were
            self._set_entity(merged)
            if new_rels:
                self.upsert_relations(new_rels)
            if new_des:
                self.upsert_designations(new_des)
            self._run("MATCH (e:Entity {id: $id})-[:LISTED]->(d:Designation) DETACH DELETE d", {"id": drop_id})
            self._run("MATCH (e:Entity {id: $id}) DETACH DELETE e", {"id": drop_id})
            self._run("MATCH (r:Redirect) WHERE r.target = $old SET r.target = $new",
                      {"old": drop_id, "new": keep_id})
            self._run("MATCH (r:Redirect {id: $id}) DELETE r", {"id": keep_id})
            self.add_redirects([(drop_id, keep_id)])
        return snapshot

    def unmerge_entities(self, snapshot: dict) -> None:
        """Undo one `merge_entities` from its snapshot: the kept node gets back its own fields, the dropped
        node, its relations and designations come back, and the redirect is removed."""
        drop_id = snapshot["drop"]["id"]
        if self.existing_ids([drop_id]):
            raise StoreError(f"{drop_id!r} exists again (re-ingested?): merge it again or remove it first")
        with self._transaction():  # all or nothing, as the merge
            for r in snapshot["created_relations"]:
                self._run(f"MATCH (a:Entity {{id: $s}})-[x:{r['label']}]->(b:Entity {{id: $t}}) WHERE x.id = $id "
                          "DELETE x", {"s": r["from"], "t": r["to"], "id": r["id"]})
            before = {d["id"]: d for d in snapshot["keep_designations_before"]}
            for did in snapshot["created_designations"]:
                if did in before:
                    d = before[did]
                    self._run("MATCH (d:Designation {id: $id}) SET d.end_date = CAST($end_date AS STRING), "
                              "d.note = CAST($note AS STRING), d.sources = CAST($sources AS STRING[]), "
                              "d.list_version = CAST($list_version AS STRING), "
                              "d.list_published = CAST($list_published AS STRING)",
                              {"id": did, "end_date": d["end_date"], "note": d["note"], "sources": d["sources"],
                               "list_version": d.get("list_version"), "list_published": d.get("list_published")})
                else:
                    self._run("MATCH (d:Designation {id: $id}) DETACH DELETE d", {"id": did})
            self._set_entity(R.entity_from_dict(snapshot["keep"]))
            self._copy("Entity", pl.DataFrame([R.entity_row(R.entity_from_dict(snapshot["drop"]))],
                                              schema=ENTITY_SCHEMA))
            by_label: dict[str, list[dict]] = {}
            for r in snapshot["relations"]:
                row = {k: v for k, v in r.items() if k != "label"}
                row["ended"] = bool(row["ended"])
                by_label.setdefault(r["label"], []).append(row)
            for label, rows in by_label.items():
                self._copy(label, pl.DataFrame(rows, schema=REL_SCHEMA))
            if snapshot["designations"]:
                self._copy("Designation", pl.DataFrame(snapshot["designations"], schema=DES_SCHEMA))
                self._copy("LISTED", pl.DataFrame({"from": [drop_id] * len(snapshot["designations"]),
                                                   "to": [d["id"] for d in snapshot["designations"]]},
                                                  schema={"from": pl.Utf8, "to": pl.Utf8}))
            self._run("MATCH (r:Redirect {id: $id}) DELETE r", {"id": drop_id})
            if snapshot["redirects"]:
                self.add_redirects([(rid, drop_id) for rid in snapshot["redirects"]])

    def delete_relations(self, rels: Sequence[tuple[str, str, str, str]]) -> None:
        """Delete relations given as (source id, target id, relation type, relation id)."""
        with self._transaction():
            for s, t, rtype, rid in rels:
                self._run(f"MATCH (a:Entity {{id: $s}})-[x:{RELATION_LABELS[rtype]}]->(b:Entity {{id: $t}}) "
                          "WHERE x.id = $id DELETE x", {"s": s, "t": t, "id": rid})

    def _set_entity(self, ent: Entity) -> None:
        self._run("MATCH (e:Entity {id: $id}) SET e.type = $type, e.name = $name, "
                  "e.aliases = CAST($aliases AS STRING[]), e.country = CAST($country AS STRING), "
                  "e.identifiers = CAST($identifiers AS STRING[]), e.notes = CAST($notes AS STRING), "
                  "e.sources = CAST($sources AS STRING[]), e.search = $search, "
                  "e.birth_dates = CAST($birth_dates AS STRING[]), "
                  "e.nationalities = CAST($nationalities AS STRING[]), "
                  "e.addresses = CAST($addresses AS STRING[])", R.entity_row(ent))

    # ------------------------------------------------------------------ reads
    def resolution_records(self) -> list[ResolutionRecord]:
        """What entity resolution compares, for every entity: id, type, name, aliases, country,
        identifiers, sources (JSON), birth dates. Read through the store's own path (no console limits)."""
        return [R.resolution_record(r) for r in self._rows(f"MATCH (e:Entity) RETURN {R.RESOLUTION_RETURN}")]

    def possible_same_as(self, a: str | None = None, b: str | None = None) -> list[CandidateView]:
        """The POSSIBLE_SAME_AS candidates for review, all of them or those between entities a and b."""
        if a is None:
            rows = self._rows(f"MATCH (a:Entity)-[r:POSSIBLE_SAME_AS]->(b:Entity) RETURN {R.CANDIDATE_RETURN}")
        else:
            rows = [r for x, y in ((a, b), (b, a)) for r in self._rows(
                f"MATCH (a:Entity {{id: $x}})-[r:POSSIBLE_SAME_AS]->(b:Entity {{id: $y}}) RETURN {R.CANDIDATE_RETURN}",
                {"x": x, "y": y})]
        return [R.candidate_view(r) for r in rows]

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return set()
        staged = self._staged.staged_ids("Entity")
        found = {i for i in ids if i in staged}
        rest = [i for i in ids if i not in found]
        if rest:
            found |= {r[0] for r in self._rows("UNWIND $ids AS i MATCH (e:Entity {id: i}) RETURN e.id",
                                               {"ids": rest}, flush=False)}
        return found

    def data_version(self) -> str:
        """Changes on every write this process makes. The embedded store has one writer at a time (the
        process lock is exclusive for writers and shared by readers), so no other process can write while
        this one has it open: the counter is the whole truth for this handle."""
        self.flush()  # staged records first: a read after this finds the version as it is
        return f"embedded:{id(self):x}:{self._version}"

    def entity_records(self, ids: Sequence[str] | None = None) -> list[Entity]:
        """Whole Entity records (every stored property), for all entities or the given ids."""
        if ids is None:
            rows = self._rows(f"MATCH (e:Entity) RETURN {R.ENTITY_RETURN}")
        else:
            rows = self._rows(f"UNWIND $ids AS i MATCH (e:Entity {{id: i}}) RETURN {R.ENTITY_RETURN}",
                              {"ids": list(ids)})
        return [R.entity_from_row(r) for r in rows]
    def redirects(self) -> dict[str, str]:
        """Every merged-away id and the id it now redirects to."""
        return dict(self._rows("MATCH (r:Redirect) RETURN r.id, r.target"))

    def resolve_id(self, entity_id: str) -> str | None:
        if self.existing_ids([entity_id]):
            return entity_id
        rows = self._rows("MATCH (r:Redirect {id: $id}) RETURN r.target", {"id": entity_id})
        return rows[0][0] if rows else None

    def _authorities(self, ids: list[str]) -> dict[str, list[str]]:
        """The authorities that list each of these entities (those listed by none are left out). Read from
        one table of every listed entity, held until the next write (see _read_authority_table)."""
        table = self._derived(self._listed_by)
        return {i: table[i] for i in ids if i in table}

    def _read_authority_table(self) -> dict[str, list[str]]:
        """Every listed entity's authorities. Designations are few beside entities (10,000 at 1M), so
        one read of them all (about 10 ms there) replaces a lookup per search, expansion or path."""
        rows = self._rows("MATCH (e:Entity)-[:LISTED]->(d:Designation) RETURN e.id, collect(DISTINCT d.authority)")
        table = {r[0]: sorted(a for a in r[1] if a is not None) for r in rows}
        return {k: v for k, v in table.items() if v}

    def _derived(self, cached: PerVersion):
        """A value derived from the data as it is now: staged records written first, then the value built
        for the store's write counter after them (this process is the only writer: see data_version)."""
        with self._lock:
            self.flush()
            return cached.get(self._version)

    def degrees(self, ids: Sequence[str]) -> dict[str, int]:
        """How many links (of every entity-to-entity type, both directions) each of these entities has."""
        # Match the entity first and its links optionally: written as one pattern, the planner scans the
        # relationship tables instead of starting from the indexed id (about 100x slower at 1M entities).
        rows = self._rows(f"UNWIND $ids AS i MATCH (e:Entity {{id: i}}) "
                          f"OPTIONAL MATCH (e)-[r:{ENTITY_REL_LABELS}]-(:Entity) "
                          "RETURN e.id, count(r)", {"ids": list(ids)})
        return {r[0]: int(r[1]) for r in rows if r[1]}

    def get_entity(self, entity_id: str) -> dict | None:
        eid = self.resolve_id(entity_id)
        if eid is None:
            return None
        row = self._rows(f"MATCH (e:Entity {{id: $id}}) RETURN {R.ENTITY_RETURN}", {"id": eid})[0]
        ent = R.entity_from_row(row)
        des = [R.designation_from_row(r) for r in self._rows(
            f"MATCH (e:Entity {{id: $id}})-[:LISTED]->(d:Designation) RETURN {self._des_return()}", {"id": eid})]
        rels = []
        for direction, pattern in (("out", "(e:Entity {id: $id})-[r]->(o:Entity)"),
                                   ("in", "(e:Entity {id: $id})<-[r]-(o:Entity)")):
            for row in self._rows(f"MATCH {pattern} RETURN label(r), {R.REL_RETURN}, o.id, o.name, o.type",
                                  {"id": eid}):
                rels.append(R.relation_view(row, direction))
        return R.entity_detail(ent, des, rels)

    def neighbours(self, entity_id: str, types: Sequence[str] | None = None, direction: str = "both",
                   limit: int = 200) -> Subgraph:
        eid = self.resolve_id(entity_id)
        if eid is None:
            return Subgraph()
        labels = "|".join(RELATION_LABELS[t] for t in types) if types else ENTITY_REL_LABELS
        rows = []
        for d in ("out", "in") if direction == "both" else (direction,):
            arrow = f"-[r:{labels}]->" if d == "out" else f"<-[r:{labels}]-"
            for row in self._rows(f"MATCH (e:Entity {{id: $id}}){arrow}(o:Entity) RETURN label(r), "
                                  f"{R.REL_RETURN}, o.id, o.name, o.type, o.country LIMIT $lim",
                                  {"id": eid, "lim": limit + 1}):
                n = len(R.REL_FIELDS) + 1
                ends = (eid, row[n]) if d == "out" else (row[n], eid)
                rows.append(row[:n] + list(ends) + row[n:])
        truncated = len(rows) > limit
        rows = rows[:limit]
        center = self._rows("MATCH (e:Entity {id: $id}) RETURN e.id, e.name, e.type, e.country", {"id": eid})
        return R.neighbourhood(center, rows, self._authorities, truncated)

    def shortest_paths(self, a: str, b: str, max_hops: int = 6, limit: int = 5) -> list[Subgraph]:
        ia, ib = self.resolve_id(a), self.resolve_id(b)
        if ia is None or ib is None or ia == ib:
            return []
        hops = max(1, min(int(max_hops), 12))
        rows = self._rows(f"MATCH p = (a:Entity {{id: $a}})-[:{ENTITY_REL_LABELS}* ALL SHORTEST 1..{hops}]-"
                          f"(b:Entity {{id: $b}}) RETURN nodes(p), rels(p) LIMIT $lim",
                          {"a": ia, "b": ib, "lim": limit})
        out = []
        for nodes, rels in rows:
            offs = {(n["_ID"]["table"], n["_ID"]["offset"]): n["id"] for n in nodes}
            nv = [R.node_view(n["id"], n["name"], n["type"], n["country"]) for n in nodes]
            auth = self._authorities([n["id"] for n in nv])
            for node in nv:
                node["authorities"] = auth.get(node["id"], [])
            ev = []
            for r in rels:
                src = offs[(r["_SRC"]["table"], r["_SRC"]["offset"])]
                dst = offs[(r["_DST"]["table"], r["_DST"]["offset"])]
                ev.append(R.edge_view(r["_LABEL"], [r.get(f) for f in R.REL_FIELDS], src, dst))
            out.append(Subgraph(nv, ev))
        return out

    def ownership_frame(self) -> pl.DataFrame:
        frames = []
        for rtype in ("ownership", "control", "interest"):
            label = RELATION_LABELS[rtype]
            res = self._run(f"MATCH (a:Entity)-[r:{label}]->(b:Entity) RETURN r.id AS id, a.id AS source, "
                            f"b.id AS target, '{rtype}' AS type, r.share AS share, r.share_min AS share_min, "
                            "r.share_max AS share_max, r.start_date AS start_date, r.end_date AS end_date, "
                            "r.ended AS ended, r.basis AS basis, r.joint_group AS joint_group, r.note AS note, "
                            "r.sources AS sources, r.role AS role, r.share_min_exclusive AS share_min_exclusive, "
                            "r.record_id AS record_id, r.asserted_from AS asserted_from, "
                            "r.asserted_until AS asserted_until")
            frames.append(R.normalise_frame(res.get_as_pl(), R.OWNERSHIP_SCHEMA))
        return pl.concat(frames)

    def designation_frame(self) -> pl.DataFrame:
        res = self._run("MATCH (e:Entity)-[:LISTED]->(d:Designation) RETURN d.id AS id, e.id AS entity_id, "
                        "d.authority AS authority, d.program AS program, d.start_date AS start_date, "
                        "d.end_date AS end_date, d.sources AS sources, "
                        + ("d.list_version AS list_version, d.list_published AS list_published" if self._lists
                           else "CAST(NULL AS STRING) AS list_version, CAST(NULL AS STRING) AS list_published"))
        return R.normalise_frame(res.get_as_pl(), R.DESIGNATION_SCHEMA)

    def relation_frame(self, types: Sequence[str] | None = None) -> pl.DataFrame:
        """Every relation of the given model types (all by default) with every stored property, in
        R.OWNERSHIP_SCHEMA's columns (exports read this)."""
        frames = []
        for rtype in types or RELATION_LABELS:
            label = RELATION_LABELS[rtype]
            special = {"source": "a.id", "target": "b.id", "type": f"'{rtype}'"}
            ret = ", ".join(f"{special.get(c, 'r.' + c)} AS {c}" for c in R.OWNERSHIP_SCHEMA)
            res = self._run(f"MATCH (a:Entity)-[r:{label}]->(b:Entity) RETURN {ret}")
            frames.append(R.normalise_frame(res.get_as_pl(), R.OWNERSHIP_SCHEMA))
        return pl.concat(frames) if frames else pl.DataFrame(schema=R.OWNERSHIP_SCHEMA)

    def designation_records(self) -> list[dict]:
        """Every designation as stored (R.DES_FIELDS, sources as stored JSON texts), with its entity's id."""
        rows = self._rows(f"MATCH (e:Entity)-[:LISTED]->(d:Designation) RETURN {self._des_return()}, e.id")
        return [{**dict(zip(R.DES_FIELDS, r[:-1])), "listed_by": r[-1]} for r in rows]

    def entity_frame(self, ids: Sequence[str] | None = None) -> pl.DataFrame:
        if ids is None:
            res = self._run("MATCH (e:Entity) RETURN e.id AS id, e.type AS type, e.name AS name, "
                            "e.country AS country")
        else:
            res = self._run("UNWIND $ids AS i MATCH (e:Entity {id: i}) RETURN e.id AS id, e.type AS type, "
                            "e.name AS name, e.country AS country", {"ids": list(ids)})
        return R.normalise_frame(res.get_as_pl(), R.ENTITY_FRAME_SCHEMA)

    def warm(self) -> None:
        """Build the search's word index and the listed-authorities table now (a server calls this in the
        background at start-up, so its first search does not wait: about 2 s at 1M entities)."""
        self._derived(self._word_index)
        self._derived(self._listed_by)

    def _search_frame(self) -> pl.DataFrame:
        # in node order: a parallel scan returns its morsels in any order, and the candidates kept are the
        # first ones in the frame, so the same store always gives the same hits
        res = self._run("MATCH (e:Entity) RETURN offset(id(e)) AS o, e.id AS id, e.search AS search", flush=False)
        return res.get_as_pl().sort("o").drop("o")

    def search(self, text: str, limit: int = 20) -> list[dict]:
        """Entities whose name, alias or identifier contains every token of `text` (substrings of the
        normalised `search` text, matched in memory: graph/search_column.py), ranked."""
        tokens = norm(text).split()
        if not tokens:
            return []
        ids = self._derived(self._word_index).matching_ids(tokens, max(limit * 10, 200))
        rows = self._rows("UNWIND $ids AS i MATCH (e:Entity {id: i}) "
                          "RETURN e.id, e.name, e.type, e.country, e.aliases", {"ids": ids}) if ids else []
        fetch_one = lambda i: self._rows(  # noqa: E731
            "MATCH (e:Entity {id: $id}) RETURN e.id, e.name, e.type, e.country, e.aliases", {"id": i})
        return R.search_hits(text, rows, self.resolve_id(text.strip()), fetch_one, self._authorities, limit)

    def counts(self) -> dict:
        ents = self._rows("MATCH (e:Entity) RETURN e.type, count(*)")
        rels = {}
        for rtype, label in RELATION_LABELS.items():
            n = self._rows(f"MATCH ()-[r:{label}]->() RETURN count(*)")[0][0]
            if n:
                rels[rtype] = n
        des = self._rows("MATCH (d:Designation) RETURN d.authority, count(*)")
        return R.counts_view(ents, rels, des)

    def query(self, cypher: str, params: dict | None = None, limit: int | None = None,
              timeout_s: float | None = None) -> QueryResult:
        """Run a user's read-only Cypher. Defence in depth: the tokenizer's allowlist (one statement, read
        clauses only, nothing that touches the host), then a database opened read-only by the engine, a
        read-only transaction, a connection of its own (so the store's other reads never wait behind it),
        a row cap, and a timeout enforced from outside the query (a watchdog interrupts the connection)."""
        check_read_only(cypher, "embedded")
        self.flush()  # the console reads the store's file through a handle of its own
        limit = int(limit or 1000)
        conn = ladybug.Connection(self._console_database())
        conn.set_max_threads_for_exec(1)
        watchdog = threading.Timer(timeout_s, conn.interrupt) if timeout_s else None
        try:
            if timeout_s:
                conn.set_query_timeout(max(1, int(timeout_s * 1000)))
                watchdog.daemon = True
                watchdog.start()
            try:
                conn.execute("BEGIN TRANSACTION READ ONLY")
                res = conn.execute(cypher, params or {})
                if isinstance(res, list):
                    raise ReadOnlyViolation("this console runs exactly one statement")
                columns = res.get_column_names()
                rows = []
                truncated = False
                while res.has_next():
                    if len(rows) >= limit:
                        truncated = True
                        break
                    rows.append([R.plain(v) for v in res.get_next()])
                return QueryResult(columns, rows, truncated)
            except RuntimeError as e:
                msg = str(e)
                low = msg.lower()
                if "read-only" in low or "read only" in low:
                    raise ReadOnlyViolation("this console is read-only: the query would write") from e
                if "interrupt" in low or "timeout" in low:
                    raise QueryError(f"the query ran past the {timeout_s:g} s limit and was stopped") from e
                raise QueryError(msg.splitlines()[0]) from e
        finally:
            if watchdog is not None:
                watchdog.cancel()
            try:
                conn.close()
            except Exception:  # closing a connection the watchdog interrupted is harmless
                pass

    def _console_database(self):
        """The database handle the console reads: opened read-only by the engine, apart from the store's
        own handle, with one worker thread and a buffer pool of its own (CONSOLE_MEMORY), so a console query
        neither waits for nor starves the searches and expansions of other users (the engine's worker
        threads belong to a database handle). Reopened after this store writes, since a read-only handle sees
        the data as it was when it was opened."""
        with self._console_lock:
            version = self._version  # read before opening: a write after this reopens it next time
            if self._console_db is None or self._console_version != version:
                if self._console_db is not None:
                    try:
                        self._console_db.close()
                    except Exception:
                        pass
                try:
                    self._console_db = ladybug.Database(str(self.path), read_only=True, max_num_threads=1,
                                                        buffer_pool_size=CONSOLE_MEMORY)
                except RuntimeError as e:
                    raise StoreUnavailable(f"cannot open {self.path} read-only for the console: {e}") from e
                self._console_version = version
            return self._console_db
