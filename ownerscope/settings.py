"""OWNERSCOPE_* environment settings, validated once. Nothing else reads os.environ."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ownerscope"


@dataclass(frozen=True)
class Settings:
    store: str
    home: Path
    neo4j_user: str
    neo4j_password: str
    neo4j_database: str
    quarantine_dir: Path | None
    query_timeout_s: float
    query_row_limit: int
    node_cap: int


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def load_settings() -> Settings:
    home = Path(os.environ.get("OWNERSCOPE_HOME") or _default_home())
    qdir = os.environ.get("OWNERSCOPE_QUARANTINE_DIR")
    return Settings(
        store=os.environ.get("OWNERSCOPE_STORE") or str(home / "store.lbug"),
        home=home,
        neo4j_user=os.environ.get("OWNERSCOPE_NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("OWNERSCOPE_NEO4J_PASSWORD", ""),
        neo4j_database=os.environ.get("OWNERSCOPE_NEO4J_DATABASE", "neo4j"),
        quarantine_dir=Path(qdir) if qdir else None,
        query_timeout_s=_float("OWNERSCOPE_QUERY_TIMEOUT", 30.0),
        query_row_limit=_int("OWNERSCOPE_QUERY_ROW_LIMIT", 1000),
        node_cap=_int("OWNERSCOPE_NODE_CAP", 500),
    )
