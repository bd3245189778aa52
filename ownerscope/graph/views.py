"""The view types the stores return (a subgraph to draw, a console result). They live in a module of
their own so that the backends need not import graph/store.py, which opens them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
