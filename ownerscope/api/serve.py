"""Serve the JSON API with uvicorn (`ownerscope api` calls serve_api)."""

from __future__ import annotations

from ..errors import ConfigError


def check_api_bind(host: str, keys: tuple[str, ...]) -> None:
    """API keys are optional on loopback and required on any other address."""
    from ..ui.auth import is_loopback

    if not is_loopback(host) and not keys:
        raise ConfigError(f"refusing to serve the API on {host} without API keys: set OWNERSCOPE_API_KEYS "
                          f"(comma-separated) or listen on 127.0.0.1")


def build_app(store_url: str | None, warm: bool = False):
    """Open the store read-only and build the app over a core service; with `warm`, the store builds its
    search index in the background (graph.store.warm_in_background)."""
    from ..core import Core
    from ..graph.store import open_store, warm_in_background
    from ..settings import load_settings
    from .app import create_app

    store = open_store(store_url, read_only=True)
    app = create_app(Core(store), load_settings())
    if warm:
        warm_in_background(store)
    return app


def serve_api(store_url: str | None, host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn

    from ..settings import load_settings

    check_api_bind(host, load_settings().api_keys)
    app = build_app(store_url, warm=True)
    print(f"ownerscope API on http://{host}:{port}/ (OpenAPI at /openapi.json)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
