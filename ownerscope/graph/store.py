"""The GraphStore protocol and open_store(url), the one factory of stores."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Protocol, Sequence, runtime_checkable

import polars as pl

from ..errors import ConfigError
from .model import Designation, Entity, ListVersion, Relation
from .views import (CandidateView, Counts, EntityView, QueryResult, ResolutionRecord, SearchHit,  # noqa: F401
                    Subgraph)  # the view types live apart: backends import them, not this module

NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


@runtime_checkable
class GraphStore(Protocol):
    url: str

    # writes (batched; ids deterministic, so these are upserts)
    def upsert_entities(self, entities: Sequence[Entity]) -> int: ...
    def upsert_relations(self, relations: Sequence[Relation]) -> int: ...
    def upsert_designations(self, designations: Sequence[Designation]) -> int: ...
    def add_redirects(self, pairs: Sequence[tuple[str, str]]) -> None: ...
    def upsert_list_version(self, list_version: ListVersion) -> None: ...  # keeps its first load time
    def withdraw_missing(self, dataset: str, seen: set[str], day: str) -> tuple[int, int]: ...
    def clear(self) -> None: ...

    # reads
    def existing_ids(self, ids: Iterable[str]) -> set[str]: ...
    def resolve_id(self, entity_id: str) -> str | None: ...
    def redirects(self) -> dict[str, str]: ...
    # entity resolution: what it compares, its review candidates, and its writes (each one transaction)
    def resolution_records(self) -> list[ResolutionRecord]: ...
    def possible_same_as(self, a: str | None = None, b: str | None = None) -> list[CandidateView]: ...
    def merge_entities(self, keep_id: str, drop_id: str) -> dict: ...
    def unmerge_entities(self, snapshot: dict) -> None: ...
    def delete_relations(self, rels: Sequence[tuple[str, str, str, str]]) -> None: ...
    def get_entity(self, entity_id: str) -> EntityView | None: ...
    def neighbours(self, entity_id: str, types: Sequence[str] | None = None, direction: str = "both",
                   limit: int = 200) -> Subgraph: ...
    def shortest_paths(self, a: str, b: str, max_hops: int = 6, limit: int = 5) -> list[Subgraph]: ...
    def ownership_frame(self) -> pl.DataFrame: ...  # one row per relation between entities, with its dates
    def designation_frame(self) -> pl.DataFrame: ...
    def entity_frame(self, ids: Sequence[str] | None = None) -> pl.DataFrame: ...
    def relation_frame(self, types: Sequence[str] | None = None) -> pl.DataFrame: ...  # every property (exports)
    def designation_records(self) -> list[dict]: ...  # R.DES_FIELDS + listed_by, as stored (exports)
    def search(self, text: str, limit: int = 20) -> list[SearchHit]: ...
    def degrees(self, ids: Sequence[str]) -> dict[str, int]: ...  # links per entity, both directions
    def entity_records(self, ids: Sequence[str] | None = None) -> list[Entity]: ...
    def data_version(self) -> str: ...  # cheap; changes on every write (caches key on it)
    def counts(self) -> Counts: ...
    def list_versions(self) -> list[dict]: ...
    def query(self, cypher: str, params: dict | None = None, limit: int | None = None,
              timeout_s: float | None = None) -> QueryResult: ...
    def flush(self) -> None: ...  # write what the store held back for bulk loading (embedded); else nothing
    def warm(self) -> None: ...  # build now what the first search would build (embedded: its word index)
    def close(self) -> None: ...


def open_store(url: str | None = None, *, read_only: bool = False) -> GraphStore:
    """Open the store a URL names: bolt://, neo4j://, neo4j+s:// -> Neo4j; a path or nothing -> embedded."""
    from ..settings import load_settings

    settings = load_settings()
    url = (url or settings.store).strip()
    if any(url.startswith(s) for s in NEO4J_SCHEMES):
        from .neo4j import Neo4jStore

        return Neo4jStore(url, user=settings.neo4j_user, password=settings.neo4j_password,
                          database=settings.neo4j_database, read_only=read_only)
    if "://" in url and not url.startswith("file://"):
        scheme = url.split("://", 1)[0]
        raise ConfigError(f"unknown store URL scheme {scheme!r}: use a file path (embedded LadybugDB) "
                          f"or bolt://, neo4j://, neo4j+s:// (Neo4j)")
    if url.startswith("file://"):
        url = url[len("file://"):]
    from .embedded import EmbeddedStore

    return EmbeddedStore(Path(url).expanduser(), read_only=read_only)


def warm_in_background(store: GraphStore):
    """Call store.warm() in a daemon thread, so that a server's first search does not build the index
    while a user waits. A failure is logged, never raised: the first search then builds it itself."""
    import logging
    import threading

    def work():
        try:
            store.warm()
        except Exception as e:  # the store may be closed under it at shutdown, or unreadable
            logging.getLogger("ownerscope").warning("could not prepare the search index: %s", e)

    t = threading.Thread(target=work, name="ownerscope-warm", daemon=True)
    t.start()
    return t
