"""Explore: search, the graph canvas, click a node to expand it, details of the selected entity."""

from __future__ import annotations

from datetime import date

import dash
import dash_cytoscape as cyto
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from ...errors import OwnerscopeError
from ...urls import web_url
from .. import context, ids
from .. import exposure_view
from ..elements import STYLESHEET, add_subgraph, pick_layout, share_label, to_elements

EMPTY = {"nodes": {}, "edges": {}, "expanded": [], "focus": None}


def layout(focus: str | None = None, **_):
    """The page; `/?focus=ID` opens it on an entity (links from the screening table use that)."""
    start = EMPTY
    if focus:
        graph, _notice = expand(EMPTY, focus)
        start = graph if isinstance(graph, dict) else EMPTY
    return html.Div(className="explore", children=[
        html.Div(className="sidebar", children=[
            dcc.Input(id=ids.SEARCH, type="search", placeholder="Search a name, alias or id…",
                      debounce=0.3, className="search", autoFocus=True),
            html.Div(id=ids.HITS, className="hits"),
            html.Details(className="paths", children=[
                html.Summary("Find paths between two entities"),
                dcc.Dropdown(id=ids.PATH_FROM, placeholder="From… (type to search)", options=[]),
                dcc.Dropdown(id=ids.PATH_TO, placeholder="To… (type to search)", options=[]),
                html.Button("Find shortest paths", id=ids.PATH_GO, className="button"),
            ]),
            html.Div(className="controls exposure-controls", children=[
                html.Label("Exposure rule"),
                dcc.Dropdown(id=ids.REGIME, placeholder="none", value=None, options=[
                    {"label": "OFAC 50% rule (US)", "value": "ofac"},
                    {"label": "EU owned or controlled", "value": "eu"},
                    {"label": "UK owned or controlled", "value": "uk"}]),
                html.Label("As of"),
                dcc.Input(id=ids.AS_OF, type="text", value=date.today().isoformat(), debounce=True,
                          placeholder="YYYY-MM-DD (empty: today)", pattern=r"\d{4}-\d{2}-\d{2}",
                          className="date"),
            ]),
            html.Div(className="controls", children=[
                html.Label("Layout"),
                dcc.Dropdown(id=ids.LAYOUT, clearable=False, value="auto", options=[
                    {"label": "Automatic", "value": "auto"},
                    {"label": "Ownership hierarchy", "value": "hierarchy"},
                    {"label": "Force (network)", "value": "force"},
                    {"label": "Concentric", "value": "concentric"}]),
                html.Button("Clear graph", id=ids.CLEAR, className="button"),
            ]),
            legend(),
        ]),
        html.Div(className="canvas", children=[
            html.Div(id=ids.NOTICE, className="notice"),
            cyto.Cytoscape(id=ids.GRAPH, elements=[], stylesheet=STYLESHEET, layout={"name": "preset"},
                           style={"width": "100%", "height": "100%"}, minZoom=0.1, maxZoom=1.6,
                           boxSelectionEnabled=False),
        ]),
        dcc.Download(id=ids.REPORT_DOWNLOAD),
        html.Div(className="details", children=[
            exposure_view.actions_bar(),
            html.Div(id=ids.DETAILS, children=welcome()),
        ]),
        dcc.Store(id=ids.GRAPH_DATA, data=start),
    ])


def welcome():
    """What the details panel says before anything is chosen: how to start, or how to load data."""
    try:
        counts = context.store().counts()
    except OwnerscopeError as e:
        return html.Div(str(e), className="error")
    n = sum(counts["entities"].values())
    if not n:
        return html.Div(className="hint", children=[
            html.P("This store is empty."),
            html.P(["Load data with ", html.Code("ownerscope ingest FORMAT PATH --store ..."),
                    " (csv, ftm, bods, ofac-sdn, uk-sanctions, gleif, uk-psc), or try ",
                    html.Code("ownerscope demo"), "."])])
    rels = sum(counts["relations"].values())
    des = sum(counts["designations"].values())
    return html.Div(className="hint", children=[
        html.P(f"{n:,} entities, {rels:,} relations and {des:,} designations in this store."),
        html.P("Search for an entity, then click nodes to expand their neighbours. Choose an exposure rule "
               "to see who is caught, and why.")])


def legend():
    item = lambda cls, text: html.Div([html.Span(className=f"swatch {cls}"), text], className="legend-item")
    return html.Div(className="legend", children=[
        html.H4("Legend"), item("listed", "sanctioned (any authority)"),
        item("controlled", "other lists only (export controls, exclusions)"), item("plain", "not listed"),
        item("ring derived", "caught by the rule (purple ring)"), item("ring possible", "possibly caught"),
        item("ring exposed", "exposed, below threshold"), item("ring review", "review indication"),
        item("own", "ownership (share %)"), item("ctrl", "control"), item("other", "other link"),
        html.Small("Faded links have ended. Bold border: expanded."),
    ])


def register():
    dash.register_page("explore", path="/", name="Explore", layout=layout)

    @callback(Output(ids.HITS, "children"), Input(ids.SEARCH, "value"))
    def search(text):
        if not text or len(text.strip()) < 2:
            return []
        try:
            hits = context.store().search(text, limit=15)
        except OwnerscopeError as e:
            return html.Div(str(e), className="error")
        if not hits:
            return html.Div("No match.", className="hint")
        return [html.Button(
            [html.Span(h["name"] or h["id"], className="hit-name"),
             html.Span(f" {h['type'] or ''}" + (f" · {str(h['country']).upper()}" if h.get("country") else ""),
                       className="hit-meta"),
             *([html.Span(" " + ", ".join(a.upper() for a in h["authorities"]), className="hit-listed")]
               if h.get("authorities") else [])],
            id={"type": ids.HIT, "index": h["id"]}, className="hit", n_clicks=0) for h in hits]

    @callback(Output(ids.GRAPH_DATA, "data"), Output(ids.NOTICE, "children"),
              Input({"type": ids.HIT, "index": ALL}, "n_clicks"), Input(ids.GRAPH, "tapNodeData"),
              Input(ids.CLEAR, "n_clicks"), Input(ids.PATH_GO, "n_clicks"),
              Input(ids.PROOF_SHOW, "n_clicks"), State(ids.PATH_FROM, "value"),
              State(ids.PATH_TO, "value"), State(ids.GRAPH_DATA, "data"), State(ids.REGIME, "value"),
              State(ids.AS_OF, "value"), prevent_initial_call=True)
    def update_graph(hit_clicks, tapped, _clear, _go, proof_clicks, path_from, path_to, graph, regime, as_of):
        trigger = ctx.triggered_id
        if trigger == ids.PROOF_SHOW:
            if not proof_clicks or not (graph or {}).get("focus"):
                return no_update, no_update
            return show_proof(graph, graph["focus"], regime, as_of)
        if trigger == ids.CLEAR:
            return EMPTY, ""
        if trigger == ids.PATH_GO:
            return find_paths(path_from, path_to)
        if isinstance(trigger, dict) and trigger.get("type") == ids.HIT:
            if not any(hit_clicks or []):
                return no_update, no_update
            return expand(EMPTY, trigger["index"])
        if trigger == ids.GRAPH and tapped:
            return expand(graph or EMPTY, tapped["id"])
        return no_update, no_update

    for dropdown in (ids.PATH_FROM, ids.PATH_TO):
        @callback(Output(dropdown, "options"), Input(dropdown, "search_value"), State(dropdown, "value"),
                  State(dropdown, "options"))
        def path_options(text, value, options):
            keep = [o for o in options or [] if o["value"] == value]
            if not text or len(text) < 2:
                return keep or no_update
            try:
                hits = context.store().search(text, limit=10)
            except OwnerscopeError:
                return keep
            return keep + [{"label": f"{h['name']} ({h['type']})", "value": h["id"]} for h in hits
                           if h["id"] != value]

    @callback(Output(ids.GRAPH, "elements"), Output(ids.GRAPH, "layout"),
              Input(ids.GRAPH_DATA, "data"), Input(ids.LAYOUT, "value"), Input(ids.REGIME, "value"),
              Input(ids.AS_OF, "value"))
    def draw(graph, choice, regime, as_of):
        graph = graph or EMPTY
        try:
            status = exposure_view.statuses(regime, as_of, list(graph["nodes"]))
        except OwnerscopeError:
            status = {}
        elements = to_elements(graph, status, (regime or "").upper())
        if ctx.triggered_id in (ids.REGIME, ids.AS_OF):
            return elements, no_update  # recolour without moving the nodes
        return elements, pick_layout(graph, choice or "auto")

    @callback(Output(ids.DETAILS, "children"), Input(ids.GRAPH_DATA, "data"), Input(ids.REGIME, "value"),
              Input(ids.AS_OF, "value"))
    def details(graph, regime, as_of):
        focus = (graph or {}).get("focus")
        if not focus:
            return no_update
        try:
            d = context.store().get_entity(focus)
            box = exposure_view.verdict_box(d["id"], regime, as_of) if d else None
        except OwnerscopeError as e:
            return html.Div(str(e), className="error")
        return entity_panel(d, box) if d else html.P(f"{focus} is not in the store.")

    @callback(Output(ids.EXPOSURE_BOX, "style"), Input(ids.GRAPH_DATA, "data"))
    def actions_visible(graph):
        return {"display": "flex"} if (graph or {}).get("focus") else {"display": "none"}

    @callback(Output(ids.REPORT_DOWNLOAD, "data"), Input(ids.REPORT_GO, "n_clicks"),
              State(ids.REPORT_FORMAT, "value"), State(ids.GRAPH_DATA, "data"), State(ids.REGIME, "value"),
              State(ids.AS_OF, "value"), State({"type": ids.REPORT_CASE, "field": ALL}, "value"),
              State({"type": ids.REPORT_CASE, "field": ALL}, "id"), prevent_initial_call=True)
    def download(n, fmt, graph, regime, as_of, case_values, case_ids):
        focus = (graph or {}).get("focus")
        if not n or not focus:
            return no_update
        payload, filename = exposure_view.report_bytes(focus, regime, as_of, fmt or "html",
                                                       case=exposure_view.case_from(case_values, case_ids))
        return dcc.send_bytes(payload, filename)


def expand(graph: dict, entity_id: str):
    cap = context.settings().node_cap
    try:
        sub = context.store().neighbours(entity_id, limit=cap)
    except OwnerscopeError as e:
        return no_update, html.Div(str(e), className="error")
    new, left_out = add_subgraph(graph, sub, cap)
    new["expanded"] = sorted(set(graph.get("expanded", [])) | {entity_id})
    new["focus"] = entity_id
    notice = ""
    if left_out or sub.truncated:
        notice = (f"Showing {len(new['nodes'])} nodes: the display cap is {cap} "
                  f"(OWNERSCOPE_NODE_CAP); some neighbours of this entity are not drawn.")
    return new, notice


def _host(url: str) -> str:
    from urllib.parse import urlparse

    host = urlparse(url).netloc
    return host[4:] if host.startswith("www.") else host or url


def source_links(sources: list[dict] | None):
    """One link per URL (several datasets may cite the same page); datasets without a URL by name. Only an
    http or https URL becomes a link: anything else is shown as text."""
    by_url: dict[str, list[str]] = {}
    for s in sources or []:
        title = (s.get("dataset") or "") + (f" · {s['record_id']}" if s.get("record_id") else "")
        by_url.setdefault(s.get("url") or "", []).append(title)
    items = []
    for url, titles in by_url.items():
        if web_url(url):
            items.append(html.A(_host(url), href=url, target="_blank", rel="noopener noreferrer",
                                title="; ".join(titles), className="src"))
        elif url:
            items.append(html.Span(url, title="; ".join(titles) + " (not a web link)", className="src"))
        else:
            items.extend(html.Span(t, className="src") for t in dict.fromkeys(titles))
    return html.Span(items, className="sources")


def show_proof(graph: dict, entity_id: str, regime: str | None, as_of: str | None):
    """Draw the proof of a verdict: the chain of owners back to the listings, its edges in red."""
    try:
        nodes, edges, context_edges = exposure_view.proof_ids(entity_id, regime, as_of)
        new = graph
        for nid in nodes:
            sub = context.store().neighbours(nid, types=["ownership", "control"], direction="in",
                                             limit=context.settings().node_cap)
            sub.nodes = [n for n in sub.nodes if n["id"] in nodes or n["id"] == nid]
            new, _ = add_subgraph(new, sub, context.settings().node_cap)
    except OwnerscopeError as e:
        return no_update, html.Div(str(e), className="error")
    new["highlight"] = sorted(set(edges) & set(new["edges"]))
    new["context"] = sorted(set(context_edges) & set(new["edges"]) - set(edges))
    new["focus"] = entity_id
    return new, (f"Proof: {len(new['highlight'])} counted ownership/control link(s) in red; "
                 f"{len(new['context'])} other link(s) the analyst should look at in amber.")


def find_paths(a: str | None, b: str | None):
    if not a or not b:
        return no_update, html.Div("Choose both ends of the path.", className="error")
    try:
        paths = context.store().shortest_paths(a, b, max_hops=6, limit=10)
    except OwnerscopeError as e:
        return no_update, html.Div(str(e), className="error")
    if not paths:
        return EMPTY, html.Div("No path of up to 6 links between these two entities.", className="error")
    graph = {**EMPTY, "paths": True}
    for p in paths:
        graph, _ = add_subgraph(graph, p, context.settings().node_cap)
    graph["highlight"] = sorted(graph["edges"])
    graph["focus"] = a
    hops = len(paths[0].edges)
    return graph, f"{len(paths)} shortest path(s) of {hops} link(s)."


def aliases_block(aliases: list[str], most: int = 6):
    if len(aliases) <= most:
        return html.P("Also known as: " + "; ".join(aliases))
    return html.Details([html.Summary(f"Also known as: {'; '.join(aliases[:most])} … and {len(aliases) - most} more"),
                         html.P("; ".join(aliases[most:]))], className="aliases")


def entity_panel(d: dict, exposure_box=None):
    from ...authorities import is_sanctions, kind

    des = [html.Tr([html.Td(str(x["authority"] or "?").upper(),
                            className="auth" if is_sanctions(x["authority"] or "") else "auth-other",
                            title="" if is_sanctions(x["authority"] or "") else f"{kind(x['authority'] or '')}, not a sanction"),
                    html.Td(x["program"] or ""),
                    html.Td(x["start_date"] or ""), html.Td(x["end_date"] or ""),
                    html.Td(source_links(x["sources"]))]) for x in d["designations"]]
    rels = []
    for r in d["relations"]:
        dates = " – ".join(x for x in (r["start_date"] or "", r["end_date"] or ("ended" if r["ended"] else ""))
                           if x)
        head = [html.Span(r["type"], className=f"rel-type {r['type']}"),
                html.Span(" → " if r["direction"] == "out" else " ← "),
                html.B(r["other_name"] or r["other"]),
                html.Span(f"  {share_label(r)}" if share_label(r) else "", className="share"),
                html.Span(f"  ({dates})" if dates else "", className="dates")]
        rels.append(html.Li([html.Div(head), *([html.Div(r["note"], className="note")] if r.get("note") else []),
                             html.Div(source_links(r["sources"]))], className="rel"))
    return html.Div([
        html.H3(d["name"] or d["id"]),
        html.Div(f"{d['type'] or 'no type'} · {d['id']}"
                 + (f" · {str(d['country']).upper()}" if d.get("country") else ""),
                 className="meta"),
        *([aliases_block(d["aliases"])] if d["aliases"] else []),
        *([html.P("Identifiers: " + "; ".join(d["identifiers"]))] if d["identifiers"] else []),
        *([html.P(d["notes"], className="note")] if d.get("notes") else []),
        *([html.H4("Exposure"), exposure_box] if exposure_box is not None else []),
        html.H4(f"Designations ({len(d['designations'])})"),
        html.Table([html.Tr([html.Th(h) for h in ("Authority", "Program", "From", "Until", "Source")]), *des],
                   className="table") if des else html.P("None recorded.", className="hint"),
        html.H4(f"Relations ({len(d['relations'])})"),
        html.Ul(rels, className="rels") if rels else html.P("None.", className="hint"),
        html.H4("Sources"), source_links(d["sources"]),
    ], className="entity")
