"""The one store the running app reads, opened by serve_app() and shared by the pages."""

from __future__ import annotations

from ..graph.store import GraphStore
from ..settings import Settings, load_settings

_store: GraphStore | None = None
_core = None
_settings: Settings | None = None


def set_store(store: GraphStore) -> None:
    global _store, _core
    _store = store
    _core = None


def core():
    """The core service over the app's store (tracing, ranked search), made once."""
    global _core
    if _core is None or _core.store is not store():
        from ..core.service import Core

        _core = Core(store())
    return _core


def set_settings(settings: Settings) -> None:
    global _settings
    _settings = settings


def store() -> GraphStore:
    if _store is None:
        raise RuntimeError("the app has no store: start it with ownerscope serve")
    return _store


def settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings
