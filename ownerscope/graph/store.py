"""The GraphStore protocol and open_store(url), the one factory of stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence, runtime_checkable

from ..errors import ConfigError
from .model import Designation, Entity, Relation

NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


@dataclass
class Subgraph:
    """Nodes and edges for display. Nodes: id, name, type, country, authorities. Edges: id, source,
    target, type, share, share_min, share_max, start_date, end_date, ended, role, basis, note."""

    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    truncated: bool = False


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False


@runtime_checkable
class GraphStore(Protocol):
    url: str

    # writes (batched; ids deterministic, so these are upserts)
    def upsert_entities(self, entities: Sequence[Entity]) -> int: ...
    def upsert_relations(self, relations: Sequence[Relation]) -> int: ...
    def upsert_designations(self, designations: Sequence[Designation]) -> int: ...
    def add_redirects(self, pairs: Sequence[tuple[str, str]]) -> None: ...
    def upsert_list_version(self, list_version) -> None: ...  # a ListVersion; keeps its first load time
    def withdraw_missing(self, dataset: str, seen: set[str], day: str) -> tuple[int, int]: ...
    def clear(self) -> None: ...

    # reads
    def existing_ids(self, ids: Iterable[str]) -> set[str]: ...
    def resolve_id(self, entity_id: str) -> str | None: ...
    def redirects(self) -> dict[str, str]: ...
    def get_entity(self, entity_id: str) -> dict | None: ...
    def neighbours(self, entity_id: str, types: Sequence[str] | None = None, direction: str = "both",
                   limit: int = 200) -> Subgraph: ...
    def shortest_paths(self, a: str, b: str, max_hops: int = 6, limit: int = 5) -> list[Subgraph]: ...
    def ownership_frame(self) -> Any: ...
    def designation_frame(self) -> Any: ...
    def entity_frame(self, ids: Sequence[str] | None = None) -> Any: ...
    def search(self, text: str, limit: int = 20) -> list[dict]: ...
    def degrees(self, ids: Sequence[str]) -> dict[str, int]: ...  # links per entity, both directions
    def entity_records(self, ids: Sequence[str] | None = None) -> list[Entity]: ...
    def data_version(self) -> str: ...  # cheap; changes on every write (caches key on it)
    def counts(self) -> dict: ...
    def list_versions(self) -> list[dict]: ...
    def query(self, cypher: str, params: dict | None = None, limit: int | None = None,
              timeout_s: float | None = None) -> QueryResult: ...
    def close(self) -> None: ...


def open_store(url: str | None = None, *, read_only: bool = False) -> GraphStore:
    """Open the store a URL names: bolt://, neo4j://, neo4j+s:// -> Neo4j; a path or nothing -> embedded."""
    from ..settings import load_settings

    settings = load_settings()
    url = (url or settings.store).strip()
    if any(url.startswith(s) for s in NEO4J_SCHEMES):
        from .neo4j import Neo4jStore

        return Neo4jStore(url, user=settings.neo4j_user, password=settings.neo4j_password,
                          database=settings.neo4j_database)
    if "://" in url and not url.startswith("file://"):
        scheme = url.split("://", 1)[0]
        raise ConfigError(f"unknown store URL scheme {scheme!r}: use a file path (embedded LadybugDB) "
                          f"or bolt://, neo4j://, neo4j+s:// (Neo4j)")
    if url.startswith("file://"):
        url = url[len("file://"):]
    from .embedded import EmbeddedStore

    return EmbeddedStore(Path(url).expanduser(), read_only=read_only)
