"""Neo4j through the official `neo4j` driver (bolt://, neo4j://, neo4j+s://).

The model in Neo4j: `(:Entity)` nodes with the embedded store's Entity properties, `(:Designation)` nodes
linked by `(:Entity)-[:LISTED]->(:Designation)`, `(:Redirect {id, target})` for merged ids,
`(:ListVersion)` nodes for the loaded list versions (designations name theirs in `list_version`), and
relations as relationships typed by RELATION_LABELS (OWNS, CONTROLS, ...) carrying the relation properties.

Writes are `UNWIND $rows` batches in managed write transactions (retried by the driver on transient
errors); a record whose id exists is merged with the stored one exactly as the embedded store does
(sources, aliases and identifiers united). Reads run in read transactions. Every value is a parameter;
every label formatted into Cypher is checked against the model; every session names the database.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Sequence

import neo4j
import polars as pl
from neo4j import GraphDatabase, Query
from neo4j import exceptions as nx
from neo4j import graph as ng

from ..errors import ConfigError, QueryError, ReadOnlyViolation
from ..text import norm
from . import rows as R
from .cypher_guard import NEO4J_PROCEDURES, check_read_only
from .model import RELATION_LABELS, Designation, Entity, Relation, Source, dedupe
from .neo4j_errors import translated
from .neo4j_schema import FULLTEXT_INDEX, SCHEMA, lucene_query, rel_type, rel_types
from .views import CandidateView, QueryResult, ResolutionRecord, Subgraph

ENTITY_RETURN = R.ENTITY_RETURN
DES_RETURN = R.DES_RETURN
# the driver logs connection failures at ERROR; without a handler Python would print them to stderr next
# to the one-line error the user gets (records still reach any handler an application configures)
logging.getLogger("neo4j").addHandler(logging.NullHandler())

# (relations are looked up by their id through the per-type relationship index, named in a hint: on an
# empty or young store the planner otherwise picks an Entity index scan per row, 100x slower)
# rows per UNWIND: the pipeline's batches (20k) stay whole; bigger calls are split
CHUNK = 20_000


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _rel_props(rel: Relation) -> dict:
    row = R.relation_row(rel)
    return {"from": row.pop("from"), "to": row.pop("to"), "id": row["id"], "props": row}


class Neo4jStore:
    def __init__(self, url: str, user: str = "neo4j", password: str = "", database: str = "neo4j", *,
                 retry_s: float = 10.0, connect_timeout_s: float = 5.0, read_only: bool = False):
        self.url = url
        self.read_only = read_only  # every write refused here, and sessions open for reading
        self.user = user or "neo4j"
        self.database = database or "neo4j"
        self._schema_ready = False
        try:
            self._driver = GraphDatabase.driver(
                url, auth=(self.user, password or ""), connection_timeout=connect_timeout_s,
                connection_acquisition_timeout=max(connect_timeout_s * 2, 10.0),
                max_transaction_retry_time=retry_s, user_agent="ownerscope",
                notifications_min_severity="OFF")
        except (nx.ConfigurationError, ValueError) as e:
            raise ConfigError(f"cannot use the Neo4j URL {url}: {e}") from e
        self._bookmarks = self._driver.execute_query_bookmark_manager
        try:
            with self._errors("connecting"):
                self._driver.verify_connectivity()
                self._read("RETURN 1", doing="opening the database")
        except ValueError as e:  # e.g. an address that does not resolve
            self._driver.close()
            raise ConfigError(f"cannot use the Neo4j URL {url}: {e}") from e
        except BaseException:
            self._driver.close()
            raise

    # ------------------------------------------------------------------ plumbing
    def _errors(self, doing: str, writing: bool = False, **kw):
        return translated(self.url, self.user, self.database, doing, writing, **kw)

    def _session(self, mode: str = neo4j.WRITE_ACCESS, **config):
        if self.read_only:
            mode = neo4j.READ_ACCESS
        return self._driver.session(database=self.database, default_access_mode=mode,
                                    bookmark_manager=self._bookmarks, **config)

    def _read(self, cypher: str, params: dict | None = None, doing: str = "reading") -> list[list]:
        def work(tx):
            return [list(r.values()) for r in tx.run(cypher, params or {})]

        with self._errors(doing), self._session(neo4j.READ_ACCESS) as s:
            return s.execute_read(work)

    def _read_tx(self, work: Callable, doing: str = "reading"):
        with self._errors(doing), self._session(neo4j.READ_ACCESS) as s:
            return s.execute_read(work)

    def _refuse_if_read_only(self, doing: str) -> None:
        if self.read_only:
            raise ReadOnlyViolation(f"{doing}: the store {self.url} was opened read-only")

    def _write_tx(self, work: Callable, *args, doing: str = "writing"):
        self._refuse_if_read_only(doing)
        self._ensure_schema()
        with self._errors(doing, writing=True), self._session() as s:
            return s.execute_write(work, *args)

    def _ensure_schema(self) -> None:
        if self._schema_ready or self.read_only:  # a reader uses the schema as the writer left it
            return
        with self._errors("creating constraints and indexes", writing=True), self._session() as s:
            for stmt in SCHEMA:
                s.run(stmt).consume()
            s.run("CALL db.awaitIndexes(300)").consume()
        self._schema_ready = True

    def flush(self) -> None:
        """Every write is sent as it comes: nothing is held back."""

    def warm(self) -> None:
        """Nothing to build: the server keeps its own indexes."""

    def close(self) -> None:
        try:
            self._driver.close()
        except Exception:  # closing twice is harmless
            pass

    def clear(self) -> None:
        self._refuse_if_read_only("clearing the store")
        self._ensure_schema()
        with self._errors("clearing the store", writing=True), self._session() as s:
            for label in ("Entity", "Designation", "Redirect", "ListVersion"):
                # batched deletes keep each transaction small on a large graph
                s.run(f"MATCH (n:{label}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS").consume()

    # ------------------------------------------------------------------ writes
    def upsert_entities(self, entities: Sequence[Entity]) -> int:
        batch = dedupe(list(entities))
        for chunk in _chunks(batch):
            self._write_tx(_upsert_entities, chunk, doing="writing entities")
        return len(batch)

    def upsert_relations(self, relations: Sequence[Relation]) -> int:
        batch = dedupe(list(relations))
        by_label: dict[str, list[Relation]] = {}
        for rel in batch:
            by_label.setdefault(rel_type(RELATION_LABELS[rel.type]), []).append(rel)
        for label, rels in by_label.items():
            for chunk in _chunks(rels):
                self._write_tx(_upsert_relations, label, chunk, doing="writing relations")
        return len(batch)

    def upsert_designations(self, designations: Sequence[Designation]) -> int:
        batch = dedupe(list(designations))
        for chunk in _chunks(batch):
            self._write_tx(_upsert_designations, chunk, doing="writing designations")
        return len(batch)

    def upsert_list_version(self, lv) -> None:
        """Record a loaded list version; a version already recorded keeps its first load time."""
        row = R.list_version_row(lv)

        def work(tx):
            tx.run("MERGE (v:ListVersion {id: $row.id}) ON CREATE SET v = $row "
                   "ON MATCH SET v.authorities = $row.authorities, v.records = $row.records", row=row).consume()

        self._write_tx(work, doing="recording the list version")

    def list_versions(self) -> list[dict]:
        cols = ", ".join(f"v.{f}" for f in R.LIST_VERSION_FIELDS)
        return [R.list_version_view(r) for r in self._read(f"MATCH (v:ListVersion) RETURN {cols}",
                                                            doing="reading list versions")]
    def withdraw_missing(self, dataset: str, seen: set[str], day: str) -> tuple[int, int]:
        """Snapshot semantics, as EmbeddedStore.withdraw_missing: what is ended is read first, then ended in
        one write transaction (all of it, or on a failure nothing)."""
        rels: dict[str, list[dict]] = {}
        for label in (rel_type(x) for x in RELATION_LABELS.values()):
            rels[label] = [{"s": r[0], "t": r[1], "id": r[2], "d": day} for r in self._read(
                f"MATCH (a:Entity)-[x:{label}]->(b:Entity) WHERE x.asserted_until IS NULL "
                "RETURN a.id, b.id, x.id, x.sources", doing="reading relations")
                if r[2] not in seen and R.from_dataset(r[3], dataset)]
        des = [R.withdrawn_designation(r[0], r[2], day) for r in self._read(
            "MATCH (d:Designation) WHERE d.end_date IS NULL RETURN d.id, d.sources, d.note",
            doing="reading designations") if r[0] not in seen and R.from_dataset(r[1], dataset)]

        def end_all(tx):
            for lb, rows in rels.items():
                for chunk in _chunks(rows):
                    tx.run(f"UNWIND $rows AS r MATCH ()-[x:{lb} {{id: r.id}}]->() USING INDEX x:{lb}(id) "
                           "WHERE startNode(x).id = r.s AND endNode(x).id = r.t SET x.asserted_until = r.d",
                           rows=chunk).consume()
            for chunk in _chunks(des):
                tx.run("UNWIND $rows AS r MATCH (d:Designation {id: r.id}) "
                       "SET d.end_date = r.end_date, d.note = r.note", rows=chunk).consume()

        n = sum(len(v) for v in rels.values())
        if n or des:
            self._write_tx(end_all, doing="ending what the snapshot no longer holds")
        return n, len(des)

    def add_redirects(self, pairs: Sequence[tuple[str, str]]) -> None:
        rows = [{"id": a, "target": b} for a, b in pairs]
        for chunk in _chunks(rows):
            self._write_tx(lambda tx, r: tx.run("UNWIND $rows AS r MERGE (x:Redirect {id: r.id}) "
                                                "SET x.target = r.target", rows=r).consume(),
                           chunk, doing="writing redirects")

    # ------------------------------------------------------------------ merges (entity resolution)
    def merge_entities(self, keep_id: str, drop_id: str) -> dict:
        """Fold `drop_id` into `keep_id` exactly like EmbeddedStore.merge_entities (one transaction here);
        returns the snapshot `unmerge_entities` takes."""
        from .neo4j_merge import merge_tx

        return self._write_tx(merge_tx, keep_id, drop_id, _upsert_relations, _upsert_designations,
                              doing="merging entities")

    def unmerge_entities(self, snapshot: dict) -> None:
        from .neo4j_merge import unmerge_tx

        self._write_tx(unmerge_tx, snapshot, doing="undoing a merge")

    def delete_relations(self, rels: Sequence[tuple[str, str, str, str]]) -> None:
        """Delete relations given as (source id, target id, relation type, relation id)."""
        from .neo4j_merge import delete_relations_tx

        if rels:
            self._write_tx(delete_relations_tx, list(rels), doing="deleting relations")

    # ------------------------------------------------------------------ reads
    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return set()
        found: set[str] = set()
        for chunk in _chunks(ids, 50_000):
            found.update(r[0] for r in self._read("UNWIND $ids AS i MATCH (e:Entity {id: i}) RETURN e.id",
                                                  {"ids": chunk}))
        return found

    def data_version(self) -> str:
        """The database's last committed transaction, as the server reports it in the bookmark of an empty
        read transaction (one round trip, no write). It changes on every committed write by any client,
        ownerscope or not, including writes that do not touch entities (schema changes): a cache keyed on
        it may drop when it need not, never keep stale data. In a cluster each member reports its own last
        transaction, so reads spread over lagging members may see it go back and forth (each value still
        matches what that member serves)."""
        with self._errors("reading the data version"), self._driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS) as s:
            s.execute_read(lambda tx: tx.run("RETURN 1").consume())
            return "neo4j:" + ",".join(sorted(s.last_bookmarks().raw_values))

    def entity_records(self, ids: Sequence[str] | None = None) -> list[Entity]:
        """Whole Entity records (every stored property), for all entities or the given ids."""
        if ids is None:
            rows = self._read(f"MATCH (e:Entity) RETURN {ENTITY_RETURN}", doing="reading entities")
        else:
            rows = []
            for chunk in _chunks(list(ids), 50_000):
                rows += self._read(f"UNWIND $ids AS i MATCH (e:Entity {{id: i}}) RETURN {ENTITY_RETURN}",
                                   {"ids": chunk}, doing="reading entities")
        return [R.entity_from_row(r) for r in rows]
    def resolution_records(self) -> list[ResolutionRecord]:
        """As EmbeddedStore.resolution_records (a plain read transaction: no console timeout or row cap)."""
        return [R.resolution_record(r) for r in self._read(f"MATCH (e:Entity) RETURN {R.RESOLUTION_RETURN}",
                                                            doing="reading entities to compare")]

    def possible_same_as(self, a: str | None = None, b: str | None = None) -> list[CandidateView]:
        """As EmbeddedStore.possible_same_as."""
        label = rel_type("POSSIBLE_SAME_AS")
        if a is None:
            rows = self._read(f"MATCH (a:Entity)-[r:{label}]->(b:Entity) RETURN {R.CANDIDATE_RETURN}",
                              doing="reading resolution candidates")
        else:
            rows = self._read(f"MATCH (:Entity {{id: $x}})-[r:{label}]-(:Entity {{id: $y}}) "
                              f"WITH r, startNode(r) AS a, endNode(r) AS b RETURN {R.CANDIDATE_RETURN}",
                              {"x": a, "y": b}, doing="reading a candidate")
        return [R.candidate_view(r) for r in rows]

    def redirects(self) -> dict[str, str]:
        """Every merged-away id and the id it now redirects to."""
        return {r[0]: r[1] for r in self._read("MATCH (r:Redirect) RETURN r.id, r.target", doing="reading redirects")}

    def resolve_id(self, entity_id: str) -> str | None:
        rows = self._read("OPTIONAL MATCH (e:Entity {id: $id}) OPTIONAL MATCH (r:Redirect {id: $id}) "
                          "RETURN e.id, r.target", {"id": entity_id})
        if not rows:
            return None
        return rows[0][0] or rows[0][1]

    def _authorities(self, ids: list[str]) -> dict[str, list[str]]:
        rows = self._read("UNWIND $ids AS i MATCH (e:Entity {id: i})-[:LISTED]->(d:Designation) "
                          "RETURN e.id, collect(DISTINCT d.authority)", {"ids": ids})
        return {r[0]: sorted(r[1]) for r in rows}

    def degrees(self, ids: Sequence[str]) -> dict[str, int]:
        """How many links (of every entity-to-entity type, both directions) each of these entities has."""
        rows = self._read(f"UNWIND $ids AS i MATCH (e:Entity {{id: i}})-[r:{rel_types()}]-(:Entity) "
                          "RETURN e.id, count(r)", {"ids": list(ids)})
        return {r[0]: int(r[1]) for r in rows}

    def get_entity(self, entity_id: str) -> dict | None:
        eid = self.resolve_id(entity_id)
        if eid is None:
            return None
        labels = rel_types()

        def work(tx):
            ent = [list(r.values()) for r in tx.run(f"MATCH (e:Entity {{id: $id}}) RETURN {ENTITY_RETURN}",
                                                    id=eid)]
            des = [list(r.values()) for r in tx.run(
                f"MATCH (e:Entity {{id: $id}})-[:LISTED]->(d:Designation) RETURN {DES_RETURN}", id=eid)]
            rels = []
            for direction, arrow in (("out", f"-[r:{labels}]->"), ("in", f"<-[r:{labels}]-")):
                for rec in tx.run(f"MATCH (e:Entity {{id: $id}}){arrow}(o:Entity) RETURN type(r), "
                                  f"{R.REL_RETURN}, o.id, o.name, o.type", id=eid):
                    rels.append(R.relation_view(list(rec.values()), direction))
            return ent, des, rels

        ent, des, rels = self._read_tx(work, "reading an entity")
        if not ent:
            return None
        return R.entity_detail(R.entity_from_row(ent[0]), [R.designation_from_row(r) for r in des], rels)

    def neighbours(self, entity_id: str, types: Sequence[str] | None = None, direction: str = "both",
                   limit: int = 200) -> Subgraph:
        labels = rel_types(types or None)  # checked before anything else: they are formatted into Cypher
        if direction not in ("both", "out", "in"):
            raise QueryError(f"direction must be both, out or in, not {direction!r}")
        eid = self.resolve_id(entity_id)
        if eid is None:
            return Subgraph()
        n = len(R.REL_FIELDS) + 1

        def work(tx):
            rows = []
            for d in ("out", "in") if direction == "both" else (direction,):
                arrow = f"-[r:{labels}]->" if d == "out" else f"<-[r:{labels}]-"
                for rec in tx.run(f"MATCH (e:Entity {{id: $id}}){arrow}(o:Entity) RETURN type(r), "
                                  f"{R.REL_RETURN}, o.id, o.name, o.type, o.country LIMIT $lim",
                                  id=eid, lim=limit + 1):
                    row = list(rec.values())
                    ends = (eid, row[n]) if d == "out" else (row[n], eid)
                    rows.append(row[:n] + list(ends) + row[n:])
            center = [list(r.values()) for r in tx.run(
                "MATCH (e:Entity {id: $id}) RETURN e.id, e.name, e.type, e.country", id=eid)]
            return rows, center

        rows, center = self._read_tx(work, "reading neighbours")
        truncated = len(rows) > limit
        rows = rows[:limit]
        return R.neighbourhood(center, rows, self._authorities, truncated)

    def shortest_paths(self, a: str, b: str, max_hops: int = 6, limit: int = 5) -> list[Subgraph]:
        ia, ib = self.resolve_id(a), self.resolve_id(b)
        if ia is None or ib is None or ia == ib:
            return []
        hops = max(1, min(int(max_hops), 12))
        rel_fields = ", ".join(f"r.{f}" for f in R.REL_FIELDS)
        rows = self._read(
            f"MATCH p = allShortestPaths((a:Entity {{id: $a}})-[:{rel_types()}*..{hops}]-(b:Entity {{id: $b}})) "
            "RETURN [n IN nodes(p) | [n.id, n.name, n.type, n.country]], "
            f"[r IN relationships(p) | [type(r), startNode(r).id, endNode(r).id, {rel_fields}]] LIMIT $lim",
            {"a": ia, "b": ib, "lim": int(limit)}, doing="finding paths")
        out = []
        for nodes, rels in rows:
            nv = [R.node_view(*n) for n in nodes]
            auth = self._authorities([n["id"] for n in nv])
            for node in nv:
                node["authorities"] = auth.get(node["id"], [])
            ev = [R.edge_view(r[0], r[3:], r[1], r[2]) for r in rels]
            out.append(Subgraph(nv, ev))
        return out

    def _frame(self, cypher: str, schema: dict, params: dict | None = None, doing: str = "reading") -> pl.DataFrame:
        rows = self._read_tx(lambda tx: tx.run(cypher, params or {}).values(), doing)
        if not rows:
            return pl.DataFrame(schema=schema)
        return pl.DataFrame(rows, schema=schema, orient="row")

    def ownership_frame(self) -> pl.DataFrame:
        frames = []
        for rtype in ("ownership", "control", "interest"):
            label = rel_type(RELATION_LABELS[rtype])
            # the columns follow the frame schema in rows.py, whatever it grows to
            special = {"source": "a.id", "target": "b.id", "type": "$rtype"}
            ret = ", ".join(special.get(c, f"r.{c}") for c in R.OWNERSHIP_SCHEMA)
            frames.append(self._frame(f"MATCH (a:Entity)-[r:{label}]->(b:Entity) RETURN {ret}",
                                      R.OWNERSHIP_SCHEMA, {"rtype": rtype}, "reading ownership"))
        return pl.concat(frames)

    def designation_frame(self) -> pl.DataFrame:
        ret = ", ".join("e.id" if c == "entity_id" else f"d.{c}" for c in R.DESIGNATION_SCHEMA)
        return self._frame(f"MATCH (e:Entity)-[:LISTED]->(d:Designation) RETURN {ret}", R.DESIGNATION_SCHEMA,
                           doing="reading designations")

    def relation_frame(self, types: Sequence[str] | None = None) -> pl.DataFrame:
        """Every relation of the given model types (all by default) with every stored property, in
        R.OWNERSHIP_SCHEMA's columns (exports read this)."""
        frames = []
        for rtype in types or RELATION_LABELS:
            label = rel_type(RELATION_LABELS[rtype])
            special = {"source": "a.id", "target": "b.id", "type": "$rtype"}
            ret = ", ".join(special.get(c, f"r.{c}") for c in R.OWNERSHIP_SCHEMA)
            frames.append(self._frame(f"MATCH (a:Entity)-[r:{label}]->(b:Entity) RETURN {ret}",
                                      R.OWNERSHIP_SCHEMA, {"rtype": rtype}, "reading relations"))
        return pl.concat(frames) if frames else pl.DataFrame(schema=R.OWNERSHIP_SCHEMA)

    def designation_records(self) -> list[dict]:
        """Every designation as stored (R.DES_FIELDS, sources as stored JSON texts), with its entity's id."""
        rows = self._read(f"MATCH (e:Entity)-[:LISTED]->(d:Designation) RETURN {DES_RETURN}, e.id",
                          doing="reading designations")
        return [{**dict(zip(R.DES_FIELDS, r[:-1])), "listed_by": r[-1]} for r in rows]

    def entity_frame(self, ids: Sequence[str] | None = None) -> pl.DataFrame:
        if ids is None:
            return self._frame("MATCH (e:Entity) RETURN e.id, e.type, e.name, e.country",
                               R.ENTITY_FRAME_SCHEMA, doing="reading entities")
        return self._frame("UNWIND $ids AS i MATCH (e:Entity {id: i}) RETURN e.id, e.type, e.name, e.country",
                           R.ENTITY_FRAME_SCHEMA, {"ids": list(ids)}, "reading entities")

    def search(self, text: str, limit: int = 20) -> list[dict]:
        tokens = norm(text).split()
        if not tokens:
            return []
        self._ensure_schema()  # the full-text index
        rows = self._read(
            f"CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $q) YIELD node AS e "
            "WHERE all(t IN $tokens WHERE e.search CONTAINS t) "
            "RETURN e.id, e.name, e.type, e.country, e.aliases LIMIT $lim",
            {"q": lucene_query(tokens), "tokens": tokens, "lim": max(limit * 10, 200)}, doing="searching")
        fetch_one = lambda i: self._read(  # noqa: E731
            "MATCH (e:Entity {id: $id}) RETURN e.id, e.name, e.type, e.country, e.aliases", {"id": i})
        return R.search_hits(text, rows, self.resolve_id(text.strip()), fetch_one, self._authorities, limit)

    def counts(self) -> dict:
        def work(tx):
            ents = [(r[0], r[1]) for r in tx.run("MATCH (e:Entity) RETURN e.type, count(*)")]
            rels = {}
            for rtype, label in RELATION_LABELS.items():
                n = tx.run(f"MATCH ()-[r:{rel_type(label)}]->() RETURN count(r)").single()[0]
                if n:
                    rels[rtype] = n
            des = [(r[0], r[1]) for r in tx.run("MATCH (d:Designation) RETURN d.authority, count(*)")]
            return ents, rels, des

        ents, rels, des = self._read_tx(work, "counting")
        return R.counts_view(ents, rels, des)

    def query(self, cypher: str, params: dict | None = None, limit: int | None = None,
              timeout_s: float | None = None) -> QueryResult:
        """Run a user's read-only Cypher: the tokenizer's allowlist first, then the planner must call it a
        read ('r') and its plan may hold no LOAD CSV and no procedure outside the allowlist; it runs in a
        read transaction whose timeout the server enforces (the query cannot change it), and at most
        `limit` rows are fetched."""
        from ..settings import load_settings

        check_read_only(cypher, "neo4j")
        limit = int(limit or 1000)
        timeout_s = timeout_s or load_settings().query_timeout_s
        params = dict(params or {})
        with self._errors("checking the query", user_query=True, timeout_s=timeout_s), \
                self._session(neo4j.READ_ACCESS) as s:
            summary = s.run(Query("EXPLAIN " + cypher, timeout=timeout_s), params).consume()
        if summary.query_type != "r":
            kind = {"w": "writes", "rw": "reads and writes", "s": "changes the schema"}.get(
                summary.query_type, f"is of type {summary.query_type!r}")
            raise ReadOnlyViolation(f"this console is read-only: the query {kind}")
        check_plan(summary.plan)

        @neo4j.unit_of_work(timeout=timeout_s)
        def work(tx):
            res = tx.run(cypher, params)
            rows = []
            for rec in res:
                rows.append([R.plain(_plain(v)) for v in rec.values()])
                if len(rows) > limit:
                    break
            return list(res.keys()), rows

        with self._errors("running the query", user_query=True, timeout_s=timeout_s), \
                self._session(neo4j.READ_ACCESS, fetch_size=limit + 1) as s:
            columns, rows = s.execute_read(work)
        return QueryResult(columns, rows[:limit], len(rows) > limit)


def check_plan(plan: dict | None) -> None:
    """Refuse a plan that loads files or URLs (LoadCSV) or calls a procedure outside the allowlist, whatever
    the query text looked like."""
    stack = [plan] if plan else []
    while stack:
        op = stack.pop()
        name = str(op.get("operatorType", "")).split("@", 1)[0]
        if name == "LoadCSV":
            raise ReadOnlyViolation("this console is read-only: LOAD CSV reads files or URLs on the server")
        if name == "ProcedureCall":
            details = str((op.get("args") or op.get("arguments") or {}).get("Details", ""))
            proc = details.split("(", 1)[0].strip().lower()
            if proc not in NEO4J_PROCEDURES:
                raise ReadOnlyViolation(f"this console does not allow the procedure {proc or details!r}")
        stack.extend(op.get("children") or [])


# ---------------------------------------------------------------------- transaction functions
# (module-level and pure in their inputs: the driver may run them again on a transient error)

def _upsert_entities(tx, batch: list[Entity]) -> None:
    existing = {rec[0]: R.entity_from_row(list(rec.values())) for rec in tx.run(
        f"UNWIND $ids AS i MATCH (e:Entity {{id: i}}) RETURN {ENTITY_RETURN}", ids=[e.id for e in batch])}
    new, updates = [], []
    for ent in batch:
        old = existing.get(ent.id)
        if old is None:
            new.append(R.entity_row(ent))
        else:
            merged = old.merged_with(ent)
            if merged != old:  # as on the embedded store: a re-ingest of the same record writes nothing
                updates.append(R.entity_row(merged))
    if new:
        tx.run("UNWIND $rows AS r CREATE (e:Entity) SET e = r", rows=new).consume()
    if updates:
        tx.run("UNWIND $rows AS r MATCH (e:Entity {id: r.id}) SET e = r", rows=updates).consume()


def _upsert_relations(tx, label: str, rels: list[Relation]) -> None:
    label = rel_type(label)
    keys = [{"s": r.source_id, "t": r.target_id, "id": r.id} for r in rels]
    found = {rec[0]: [Source.from_json(s) for s in rec[1] or []] for rec in tx.run(
        f"UNWIND $rows AS k MATCH ()-[x:{label} {{id: k.id}}]->() USING INDEX x:{label}(id) "
        "WHERE startNode(x).id = k.s AND endNode(x).id = k.t RETURN x.id, x.sources", rows=keys)}
    new = [_rel_props(r) for r in rels if r.id not in found]
    old = []
    for r in rels:
        if r.id in found:
            merged = Relation(**{**{k: getattr(r, k) for k in r.__dataclass_fields__},
                                 "sources": found[r.id] + [s for s in r.sources if s not in found[r.id]]})
            old.append(_rel_props(merged))
    if new:
        tx.run(f"UNWIND $rows AS r MATCH (a:Entity {{id: r.from}}) MATCH (b:Entity {{id: r.to}}) "
               f"CREATE (a)-[x:{label}]->(b) SET x = r.props", rows=new).consume()
    if old:
        tx.run(f"UNWIND $rows AS r MATCH ()-[x:{label} {{id: r.id}}]->() USING INDEX x:{label}(id) "
               "WHERE startNode(x).id = r.from AND endNode(x).id = r.to SET x = r.props", rows=old).consume()


def _upsert_designations(tx, batch: list[Designation]) -> None:
    found = {rec[0]: dict(zip(R.DES_FIELDS, rec.values())) for rec in tx.run(
        f"UNWIND $ids AS i MATCH (d:Designation {{id: i}}) RETURN {R.DES_RETURN}", ids=[d.id for d in batch])}
    new = [R.designation_row(d) for d in batch if d.id not in found]
    old = []
    for d in batch:
        if d.id in found:
            stored = R.designation_record(found[d.id])
            row = R.designation_row(stored.merged_with(d))
            if row != R.designation_row(stored):  # a re-ingest of the same designation writes nothing
                old.append(row)
    if new:
        tx.run("UNWIND $rows AS r CREATE (d:Designation) SET d = r WITH d, r "
               "MATCH (e:Entity {id: r.entity_id}) CREATE (e)-[:LISTED]->(d)", rows=new).consume()
    if old:
        tx.run("UNWIND $rows AS r MATCH (d:Designation {id: r.id}) SET d.end_date = r.end_date, "
               "d.note = r.note, d.sources = r.sources, d.list_version = r.list_version, "
               "d.list_published = r.list_published", rows=old).consume()


def _plain(value: Any) -> Any:
    """Driver values (nodes, relationships, paths, temporal types) as plain Python."""
    if isinstance(value, ng.Node):
        return {**dict(value), "_LABEL": next(iter(value.labels), "")}
    if isinstance(value, ng.Relationship):
        return {**dict(value), "_LABEL": value.type}
    if isinstance(value, ng.Path):
        return {"nodes": [_plain(n) for n in value.nodes], "rels": [_plain(r) for r in value.relationships]}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    iso = getattr(value, "iso_format", None)
    if callable(iso):
        return iso()
    return value
