"""The typed views the stores return: an entity with its designations and relations, search hits,
resolution records and candidates, counts, list versions, a subgraph to draw and a console result. They
live in a module of their own so that the backends need not import graph/store.py, which opens them.
Records going in are the model's dataclasses (graph/model.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional, TypedDict


class SourceView(TypedDict):
    dataset: str
    record_id: str
    url: str


class DesignationView(TypedDict, total=False):
    id: str
    entity_id: str
    authority: str
    program: Optional[str]
    start_date: Optional[str]
    end_date: Optional[str]
    note: Optional[str]
    list_version: Optional[str]
    list_published: Optional[str]
    sources: list[SourceView]


class RelationView(TypedDict, total=False):
    """A relation seen from one entity: `direction` is "out" or "in", `other` the entity at the other end."""
    type: str
    direction: str
    other: str
    other_name: Optional[str]
    other_type: Optional[str]
    id: str
    share: Optional[float]
    share_min: Optional[float]
    share_max: Optional[float]
    share_min_exclusive: bool
    start_date: Optional[str]
    end_date: Optional[str]
    ended: bool
    basis: Optional[str]
    joint_group: Optional[str]
    role: Optional[str]
    note: Optional[str]
    record_id: Optional[str]
    asserted_from: Optional[str]
    asserted_until: Optional[str]
    sources: list[SourceView]


class EntityView(TypedDict):
    id: str
    type: str
    name: str
    aliases: list[str]
    country: Optional[str]
    identifiers: list[str]
    birth_dates: list[str]
    nationalities: list[str]
    addresses: list[str]
    notes: Optional[str]
    designations: list[DesignationView]
    relations: list[RelationView]
    sources: list[SourceView]


class SearchHit(TypedDict, total=False):
    id: str
    name: str
    type: str
    country: Optional[str]
    score: float  # 0-100; 101 for the entity whose id is the query
    authorities: list[str]


class CandidateView(TypedDict):
    """A possible_same_as link left by entity resolution for an analyst."""
    a: str
    a_name: Optional[str]
    b: str
    b_name: Optional[str]
    reason: Optional[str]
    id: str


class ResolutionRecord(NamedTuple):
    """What entity resolution compares of one entity (sources as the stored JSON texts)."""
    id: str
    type: Optional[str]
    name: Optional[str]
    aliases: Optional[list[str]]
    country: Optional[str]
    identifiers: Optional[list[str]]
    sources: Optional[list[str]]
    birth_dates: Optional[list[str]]


class Counts(TypedDict):
    entities: dict[str, int]
    relations: dict[str, int]
    designations: dict[str, int]


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
