"""The app shell: a header with navigation; each page in ui/pages registers itself."""

from __future__ import annotations

import logging

import dash
import dash_cytoscape as cyto
from dash import Dash, dcc, html

from ..graph.store import open_store
from . import context

cyto.load_extra_layouts()  # dagre, cose-bilkent, klay... bundled with dash-cytoscape (no download)


def create_app(store) -> Dash:
    context.set_store(store)
    app = Dash(__name__, use_pages=True, pages_folder="", title="ownerscope",
               suppress_callback_exceptions=True)
    from .pages import explore, exposure, query, screen  # noqa: F401  (each registers itself)

    for mod in (explore, exposure, screen, query):
        mod.register()
    nav = html.Nav(className="nav", children=[
        html.Span("ownerscope", className="brand"),
        *[dcc.Link(p["name"], href=p["relative_path"], className="nav-link")
          for p in dash.page_registry.values()],
        html.Span(f"store: {store.url}", id="store-status", className="store-status"),
    ])
    app.layout = html.Div([nav, dash.page_container], className="shell")
    return app


def serve_app(store_url: str | None, host: str = "127.0.0.1", port: int = 8050, debug: bool = False) -> None:
    from ..console import out

    store = open_store(store_url)
    app = create_app(store)
    out.print(f"ownerscope explorer on http://{host}:{port}/  (store: {store.url}; Ctrl+C to stop)",
              highlight=False)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        app.run(host=host, port=port, debug=debug, use_reloader=False)
    finally:
        store.close()
