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
    # the web app
    auth_user: str = ""          # login: OWNERSCOPE_AUTH_USER + OWNERSCOPE_AUTH_PASSWORD, and/or a token
    auth_password: str = ""
    auth_token: str = ""
    secret_key: str = ""         # signs the session cookie (random per process when unset)
    console: bool = False        # the Cypher page (OWNERSCOPE_CONSOLE=1 turns it on)
    max_upload_mb: float = 5.0   # largest upload / paste / request body the app accepts
    screen_max_names: int = 5000  # names screened in one run; more are left out, and the page says so
    # the JSON API (ownerscope api)
    api_keys: tuple[str, ...] = ()   # OWNERSCOPE_API_KEYS, comma-separated; required beyond loopback
    api_max_body_mb: float = 20.0    # largest request body
    api_max_batch: int = 1000        # queries or ids in one /match or /exposure request
    api_max_screen: int = 100_000    # counterparties in one /screen request
    api_timeout_s: float = 60.0      # time one request may take

    @property
    def login_required(self) -> bool:
        return bool((self.auth_user and self.auth_password) or self.auth_token)


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


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    low = raw.strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


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
        # nodes drawn at most: at 500 the browser pans at ~6 frames/s, at 300 at ~30 (BENCHMARKS.md)
        node_cap=_int("OWNERSCOPE_NODE_CAP", 300),
        auth_user=os.environ.get("OWNERSCOPE_AUTH_USER", ""),
        auth_password=os.environ.get("OWNERSCOPE_AUTH_PASSWORD", ""),
        auth_token=os.environ.get("OWNERSCOPE_AUTH_TOKEN", ""),
        secret_key=os.environ.get("OWNERSCOPE_SECRET_KEY", ""),
        console=_bool("OWNERSCOPE_CONSOLE", False),
        max_upload_mb=_float("OWNERSCOPE_MAX_UPLOAD_MB", 5.0),
        screen_max_names=_int("OWNERSCOPE_SCREEN_MAX_NAMES", 5000),
        api_keys=tuple(k.strip() for k in os.environ.get("OWNERSCOPE_API_KEYS", "").split(",") if k.strip()),
        api_max_body_mb=_float("OWNERSCOPE_API_MAX_BODY_MB", 20.0),
        api_max_batch=_int("OWNERSCOPE_API_MAX_BATCH", 1000),
        api_max_screen=_int("OWNERSCOPE_API_MAX_SCREEN", 100_000),
        api_timeout_s=_float("OWNERSCOPE_API_TIMEOUT", 60.0),
    )
