"""The app shell: a header with navigation; each page in ui/pages registers itself."""

from __future__ import annotations

import logging

import dash
import dash_cytoscape as cyto
from dash import Dash, dcc, html

from ..graph.store import open_store, warm_in_background
from ..settings import Settings, load_settings
from . import auth, context

cyto.load_extra_layouts()  # dagre, cose-bilkent, klay... bundled with dash-cytoscape (no download)


def create_app(store, settings: Settings | None = None) -> Dash:
    settings = settings or load_settings()
    context.set_store(store)
    context.set_settings(settings)
    app = Dash(__name__, use_pages=True, pages_folder="", title="ownerscope",
               suppress_callback_exceptions=True)
    # request bodies (uploads, pasted lists, callback payloads) beyond the limit get 413 before any parsing
    app.server.config["MAX_CONTENT_LENGTH"] = int(settings.max_upload_mb * 1024 * 1024 * 1.4) + 65536
    auth.install(app.server, settings)

    @app.server.after_request
    def _headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        return resp

    from .pages import explore, exposure, query, screen  # noqa: F401  (each registers itself)

    pages = [explore, exposure, screen] + ([query] if settings.console else [])
    for mod in pages:
        mod.register()
    nav = html.Nav(className="nav", children=[
        html.Span("ownerscope", className="brand"),
        *[dcc.Link(p["name"], href=p["relative_path"], className="nav-link")
          for p in dash.page_registry.values()],
        html.Span(f"store: {store.url}", id="store-status", className="store-status"),
        *([html.A("Log out", href="/logout", className="nav-link logout")] if settings.login_required else []),
    ])
    app.layout = html.Div([nav, dash.page_container], className="shell")
    return app


def serve_app(store_url: str | None, host: str = "127.0.0.1", port: int = 8050, debug: bool = False,
              insecure: bool = False, console: bool | None = None) -> None:
    """Serve the explorer: on loopback unless told otherwise, and beyond it only behind a login (or with
    `insecure`). The store is opened read-only: the explorer never writes."""
    from dataclasses import replace

    from ..console import out

    settings = load_settings()
    if console is not None:
        settings = replace(settings, console=console)
    auth.check_bind(host, settings, insecure)
    store = open_store(store_url, read_only=True)
    app = create_app(store, settings)
    warm_in_background(store)
    shown = f"[{host}]" if ":" in host else host
    guard = "login required" if settings.login_required else "no login"
    out.print(f"ownerscope explorer on http://{shown}:{port}/  (store: {store.url}; {guard}; "
              f"Cypher console {'on' if settings.console else 'off'}; Ctrl+C to stop)", highlight=False)
    if not auth.is_loopback(host) and not settings.login_required:
        out.print("warning: serving beyond loopback with no login (--insecure)", highlight=False)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        app.run(host=host, port=port, debug=debug, use_reloader=False)
    finally:
        store.close()
