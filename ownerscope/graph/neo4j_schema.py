"""The Neo4j side of the model: constraints, indexes and the checks that guard formatted Cypher.

Labels and relationship types are never taken from input: every one that is formatted into a query is
checked against the model first (`rel_type`, `rel_types`).
"""

from __future__ import annotations

from typing import Iterable

from ..errors import QueryError
from .model import RELATION_LABELS

ENTITY_LABEL = "Entity"
FULLTEXT_INDEX = "ownerscope_entity_names"

SCHEMA = [
    "CREATE CONSTRAINT ownerscope_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT ownerscope_designation_id IF NOT EXISTS FOR (n:Designation) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT ownerscope_redirect_id IF NOT EXISTS FOR (n:Redirect) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT ownerscope_list_version_id IF NOT EXISTS FOR (n:ListVersion) REQUIRE n.id IS UNIQUE",
    # name search: the transliterated `search` text is what the queries match; name and aliases are indexed
    # too, so a console user can query them directly
    f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.aliases, n.search]",
] + [
    # upserts look relations up by their deterministic id
    f"CREATE INDEX ownerscope_{label.lower()}_id IF NOT EXISTS FOR ()-[r:{label}]-() ON (r.id)"
    for label in RELATION_LABELS.values()
]

_LABELS = frozenset(RELATION_LABELS.values())


def rel_type(label: str) -> str:
    """A relationship type that may be formatted into Cypher (one of the model's labels)."""
    if label not in _LABELS:
        raise ValueError(f"not a relationship type of the model: {label!r}")
    return label


def rel_types(relation_types: Iterable[str] | None = None) -> str:
    """`OWNS|CONTROLS|...` for the given relation types (model names such as 'ownership'), or for all."""
    if relation_types is None:
        labels = list(RELATION_LABELS.values())
    else:
        labels = []
        for t in relation_types:
            if t not in RELATION_LABELS:
                raise QueryError(f"unknown relation type {t!r} (choose from {', '.join(RELATION_LABELS)})")
            labels.append(RELATION_LABELS[t])
    return "|".join(rel_type(label) for label in labels)


def lucene_query(tokens: list[str]) -> str:
    """A Lucene query over the `search` field that every token must match as a substring, like the
    embedded store's `CONTAINS`. Tokens come from text.norm (lower-case ASCII words); special characters
    are escaped all the same."""
    special = set('+-&|!(){}[]^"~*?:\\/')
    parts = []
    for t in tokens:
        esc = "".join("\\" + c if c in special else c for c in t)
        parts.append(f"+search:*{esc}*")
    return " ".join(parts)
