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
from ..elements import (STYLESHEET, add_subgraph, classes_in_use, hidden_by_filters, legend_entries, pick_layout,
                        share_label, swatch_style, to_elements)
from ..graph_state import add_from_group, add_neighbourhood, filter_members, trace_state
from ...text import latin_name

EMPTY = {"nodes": {}, "edges": {}, "expanded": [], "focus": None, "groups": {}}
NEIGHBOURS_READ = 2000  # per direction; past that the notice says the neighbourhood was cut
LINK_KINDS = [{"label": "ownership", "value": "ownership"}, {"label": "control", "value": "control"},
              {"label": "interest", "value": "interest"}, {"label": "other links", "value": "other"}]


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
            html.Div(className="controls trace-controls", children=[
                html.Label("Trace the selected entity"),
                html.Div(className="trace-buttons", children=[
                    html.Button("Owners to the top", id=ids.TRACE_UP, className="button"),
                    html.Button("Holdings down", id=ids.TRACE_DOWN, className="button")]),
                html.Div(className="trace-params", children=[
                    html.Label(["Depth ", dcc.Input(id=ids.TRACE_DEPTH, type="number", min=1, max=10, step=1,
                                                    value=3, className="num")]),
                    html.Label(["Min. share % ", dcc.Input(id=ids.TRACE_MIN_SHARE, type="number", min=0,
                                                           max=100, value=0, className="num")])]),
            ]),
            html.Div(className="controls filter-controls", children=[
                html.Label("Show links"),
                dcc.Checklist(id=ids.FILTER_TYPES, options=LINK_KINDS, className="checks", inline=True,
                              value=[k["value"] for k in LINK_KINDS]),
                html.Label(["Ownership of at least ",
                            dcc.Input(id=ids.FILTER_MIN_SHARE, type="number", min=0, max=100, value=None,
                                      placeholder="0", debounce=True, className="num"), " %"]),
                dcc.Checklist(id=ids.FILTER_IN_FORCE, className="checks",
                              options=[{"label": "only links in force on the date", "value": "on"}], value=[]),
                dcc.Checklist(id=ids.SHOW_ROLES, className="checks",
                              options=[{"label": "roles on links", "value": "on"}], value=[]),
            ]),
            html.Div(id=ids.LEGEND, className="legend", children=legend(None)),
        ]),
        html.Div(className="canvas", children=[
            html.Div(id=ids.NOTICE, className="notice"),
            html.Div(id=ids.HOVER, className="hover-info"),
            cyto.Cytoscape(id=ids.GRAPH, elements=[], stylesheet=STYLESHEET, layout={"name": "preset"},
                           style={"width": "100%", "height": "100%"}, minZoom=0.1, maxZoom=1.6,
                           boxSelectionEnabled=False),
        ]),
        dcc.Download(id=ids.REPORT_DOWNLOAD),
        html.Div(className="details", children=[
            exposure_view.actions_bar(),
            html.Div(id=ids.GROUP_PANEL, className="group-panel", style={"display": "none"}, children=[
                html.H4(id=ids.GROUP_PANEL + "-title"),
                dcc.Input(id=ids.GROUP_FILTER, type="search", placeholder="Filter by name…", debounce=0.2,
                          className="search"),
                html.Div(id=ids.GROUP_LIST, className="group-list")]),
            html.Div(id=ids.TRACE_OUT, className="trace-out"),
            html.Div(id=ids.DETAILS, children=welcome()),
        ]),
        dcc.Store(id=ids.GRAPH_DATA, data=start),
        dcc.Store(id=ids.GROUP_OPEN, data=None),
    ])


def welcome():
    """What the details panel says before anything is chosen: how to start, or how to load data."""
    try:
        counts = context.core().counts()
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


def legend(classes: set[str] | None):
    """The legend of the styles in use (all of them before anything is drawn), from the style table that
    draws the graph: each entry's swatch is made from the same style."""
    entries = legend_entries(classes or None)
    items = [html.Div([html.Span(className="swatch", style=swatch_style(e)), e.words], className="legend-item",
                      **{"data-style": e.cls}) for e in entries]
    return [html.H4("Legend"), *items,
            html.Small("Shares are on the links; hover a node or link for its original name, role and dates.")]


def register():
    dash.register_page("explore", path="/", name="Explore", layout=layout)

    @callback(Output(ids.HITS, "children"), Input(ids.SEARCH, "value"))
    def search(text):
        if not text or len(text.strip()) < 2:
            return []
        try:
            hits = context.core().search(text, limit=15)
        except OwnerscopeError as e:
            return html.Div(str(e), className="error")
        if not hits:
            return html.Div("No match.", className="hint")
        return [html.Button(
            [html.Span(h.get("latin") or h["name"] or h["id"], className="hit-name", title=h["name"] or ""),
             *([html.Span(f" {h['name']}", className="hit-original")] if h.get("latin") else []),
             html.Span(f" {h['type'] or ''}" + (f" · {str(h['country']).upper()}" if h.get("country") else ""),
                       className="hit-meta"),
             *([html.Span(" " + ", ".join(a.upper() for a in h["authorities"]), className="hit-listed")]
               if h.get("authorities") else [])],
            id={"type": ids.HIT, "index": h["id"]}, className="hit", n_clicks=0) for h in hits]

    @callback(Output(ids.GRAPH_DATA, "data"), Output(ids.NOTICE, "children"), Output(ids.TRACE_OUT, "children"),
              Input({"type": ids.HIT, "index": ALL}, "n_clicks"), Input(ids.GRAPH, "tapNodeData"),
              Input(ids.CLEAR, "n_clicks"), Input(ids.PATH_GO, "n_clicks"),
              Input(ids.PROOF_SHOW, "n_clicks"), Input(ids.TRACE_UP, "n_clicks"), Input(ids.TRACE_DOWN, "n_clicks"),
              Input({"type": ids.GROUP_ADD, "index": ALL}, "n_clicks"), State(ids.GROUP_OPEN, "data"),
              State(ids.PATH_FROM, "value"), State(ids.PATH_TO, "value"), State(ids.GRAPH_DATA, "data"),
              State(ids.REGIME, "value"), State(ids.AS_OF, "value"), State(ids.TRACE_DEPTH, "value"),
              State(ids.TRACE_MIN_SHARE, "value"), prevent_initial_call=True)
    def update_graph(hit_clicks, tapped, _clear, _go, proof_clicks, up_clicks, down_clicks, add_clicks, group,
                     path_from, path_to, graph, regime, as_of, depth, min_share):
        trigger = ctx.triggered_id
        graph = graph or EMPTY
        focus = graph.get("focus")
        if trigger == ids.PROOF_SHOW:
            if not proof_clicks or not focus:
                return no_update, no_update, no_update
            return show_proof(graph, focus, regime, as_of)
        if trigger in (ids.TRACE_UP, ids.TRACE_DOWN):
            if not focus or not (up_clicks if trigger == ids.TRACE_UP else down_clicks):
                return no_update, html.Div("Select an entity first.", className="error"), no_update
            if trigger == ids.TRACE_UP:
                return trace_up(focus, regime, as_of)
            return trace_down(focus, as_of, depth, min_share)
        if isinstance(trigger, dict) and trigger.get("type") == ids.GROUP_ADD:
            if not any(add_clicks or []) or not group:
                return no_update, no_update, no_update
            new, ok = add_from_group(graph, group, trigger["index"], context.settings().node_cap)
            if not ok:
                return no_update, f"Not added: the display cap is {context.settings().node_cap} nodes.", no_update
            return new, "", no_update
        if trigger == ids.CLEAR:
            return EMPTY, "", ""
        if trigger == ids.PATH_GO:
            return (*find_paths(path_from, path_to), "")
        if isinstance(trigger, dict) and trigger.get("type") == ids.HIT:
            if not any(hit_clicks or []):
                return no_update, no_update, no_update
            return (*expand(EMPTY, trigger["index"]), "")
        if trigger == ids.GRAPH and tapped:
            if str(tapped.get("id", "")).startswith("group:"):
                return no_update, no_update, no_update  # a summary node opens its list instead
            return (*expand(graph, tapped["id"]), no_update)
        return no_update, no_update, no_update

    @callback(Output(ids.GROUP_OPEN, "data"), Output(ids.GROUP_FILTER, "value"), Input(ids.GRAPH, "tapNodeData"),
              Input(ids.CLEAR, "n_clicks"), prevent_initial_call=True)
    def open_group(tapped, _clear):
        if ctx.triggered_id == ids.GRAPH and tapped and str(tapped.get("id", "")).startswith("group:"):
            return tapped["id"], ""
        return None, ""

    @callback(Output(ids.GROUP_PANEL, "style"), Output(ids.GROUP_PANEL + "-title", "children"),
              Output(ids.GROUP_LIST, "children"), Input(ids.GROUP_OPEN, "data"), Input(ids.GROUP_FILTER, "value"),
              Input(ids.GRAPH_DATA, "data"))
    def group_list(gid, text, graph):
        grp = ((graph or {}).get("groups") or {}).get(gid) if gid else None
        if not grp:
            return {"display": "none"}, "", []
        return {"display": "block"}, group_title(grp, graph), group_rows(grp, text)

    @callback(Output(ids.HOVER, "children"), Input(ids.GRAPH, "mouseoverNodeData"),
              Input(ids.GRAPH, "mouseoverEdgeData"), prevent_initial_call=True)
    def hover(node, edge):
        data = node if ctx.triggered_id and "Node" in (ctx.triggered[0]["prop_id"] or "") else edge
        return hover_text(data or {})

    for dropdown in (ids.PATH_FROM, ids.PATH_TO):
        @callback(Output(dropdown, "options"), Input(dropdown, "search_value"), State(dropdown, "value"),
                  State(dropdown, "options"))
        def path_options(text, value, options):
            keep = [o for o in options or [] if o["value"] == value]
            if not text or len(text) < 2:
                return keep or no_update
            try:
                hits = context.core().search(text, limit=10)
            except OwnerscopeError:
                return keep
            return keep + [{"label": f"{h.get('latin') or h['name']} ({h['type']})", "value": h["id"]} for h in hits
                           if h["id"] != value]

    @callback(Output(ids.GRAPH, "elements"), Output(ids.GRAPH, "layout"), Output(ids.LEGEND, "children"),
              Input(ids.GRAPH_DATA, "data"), Input(ids.LAYOUT, "value"), Input(ids.REGIME, "value"),
              Input(ids.AS_OF, "value"), Input(ids.FILTER_TYPES, "value"), Input(ids.FILTER_MIN_SHARE, "value"),
              Input(ids.FILTER_IN_FORCE, "value"), Input(ids.SHOW_ROLES, "value"))
    def draw(graph, choice, regime, as_of, types, min_share, in_force, roles):
        graph = graph or EMPTY
        try:
            status = exposure_view.statuses(regime, as_of, list(graph["nodes"]))
        except OwnerscopeError:
            status = {}
        hidden = hidden_by_filters(graph, types, _number(min_share), as_of or date.today().isoformat(),
                                   bool(in_force))
        elements = to_elements(graph, status, (regime or "").upper(), roles=bool(roles), hidden=hidden)
        key = legend(classes_in_use(elements))
        if ctx.triggered_id in (ids.REGIME, ids.AS_OF, ids.FILTER_TYPES, ids.FILTER_MIN_SHARE, ids.FILTER_IN_FORCE,
                                ids.SHOW_ROLES):
            return elements, no_update, key  # recolour or filter without moving the nodes
        return elements, pick_layout(graph, choice or "auto"), key

    @callback(Output(ids.DETAILS, "children"), Input(ids.GRAPH_DATA, "data"), Input(ids.REGIME, "value"),
              Input(ids.AS_OF, "value"))
    def details(graph, regime, as_of):
        focus = (graph or {}).get("focus")
        if not focus:
            return no_update
        try:
            d = context.core().entity(focus)
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
        # read far more neighbours than are drawn: those past the grouping threshold fold into groups
        sub = context.core().adjacent(entity_id, limit=max(cap, NEIGHBOURS_READ))
    except OwnerscopeError as e:
        return no_update, html.Div(str(e), className="error")
    center = next((n["id"] for n in sub.nodes if n["id"] == entity_id), None) or \
        (context.core().resolve(entity_id) or entity_id)
    new, left_out = add_neighbourhood({**EMPTY, **graph, "layout": None}, sub, center, cap)
    new["expanded"] = sorted(set(graph.get("expanded", [])) | {center})
    new["focus"] = center
    new.pop("highlight", None), new.pop("context", None)
    notices = []
    grouped = [g for g in new["groups"].values() if g["center"] == center]
    if grouped:
        n = sum(len(g["members"]) for g in grouped)
        notices.append(f"{n} neighbours are grouped in {len(grouped)} summary node(s): click one to list them "
                       "and add entities one by one.")
    if left_out or sub.truncated:
        notices.append(f"Showing {len(new['nodes'])} nodes: the display cap is {cap} "
                       f"(OWNERSCOPE_NODE_CAP); some neighbours of this entity are not drawn.")
    return new, " ".join(notices)


def _number(value) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def pct(lo: float | None, hi: float | None = None) -> str:
    if lo is None:
        return "unknown"
    if hi is None or abs(hi - lo) < 1e-4:
        return f"{lo:.4g}%"
    return f"{lo:.4g}–{hi:.4g}%" if lo > 0 else f"unknown (at most {hi:.4g}%)"


def _name_cell(n: dict):
    latin = latin_name(n.get("name"))
    return html.Td([html.B(latin or n.get("name") or n["id"]),
                    *([html.Span(f" {n['name']}", className="original")] if latin else [])],
                   title=n.get("name") or n["id"])


def trace_up(entity_id: str, regime: str | None, as_of: str | None):
    """Owners to the top, drawn as a hierarchy; the table of owners with their effective shares."""
    try:
        res = context.core().owners_to_top(entity_id, as_of, regime or None,
                                           max_nodes=context.settings().node_cap)
    except OwnerscopeError as e:
        return no_update, html.Div(str(e), className="error"), no_update
    if not res["found"]:
        return no_update, html.Div(f"{entity_id} has no ownership or control data on {res['as_of']}.",
                                   className="error"), ""
    notice = (f"Owners to the top: {len(res['owners'])} owner(s) up to {len(res['ultimate_owners'])} ultimate "
              f"owner(s); effective shares multiply along each chain.")
    if res["truncated"]:
        notice += f" Cut at the display cap ({context.settings().node_cap} nodes)."
    return trace_state(res), notice, owners_table(res)


def owners_table(res: dict):
    rows = [html.Tr([_name_cell(n), html.Td(str(n["depth"])), html.Td(pct(n["direct"], n["direct_max"])
                                                                     if n["direct"] is not None
                                                                     else ("control" if n["controls"] else "")),
                     html.Td(pct(n["effective"], n["effective_max"])),
                     html.Td(", ".join(a.upper() for a in n["authorities"]) or ""),
                     html.Td("ultimate" if n["ultimate"] else "")],
                    className="listed" if n["listed"] else "") for n in res["owners"]]
    head = [html.H4(f"Owners to the top ({len(res['owners'])}, {len(res['ultimate_owners'])} ultimate) "
                    f"as of {res['as_of']}")]
    if res.get("regime"):
        agg = res["listed_aggregated"]
        head.append(html.P(f"Listed holding the {res['regime'].upper()} rule aggregates: "
                           f"{pct(agg['total'], agg['total_max'])} (threshold {agg['threshold']['words']}); "
                           f"listed share integrated over all paths: {pct(res['listed_effective'])}.",
                           className="trace-summary"))
    table = html.Table([html.Tr([html.Th(h) for h in ("Owner", "Depth", "Direct", "Effective (multiplied)",
                                                      "Listed by", "")]), *rows], className="table trace-table")
    return html.Div([*head, table])


def trace_down(entity_id: str, as_of: str | None, depth, min_share):
    depth = int(_number(depth) or 3)
    floor = _number(min_share) or 0.0
    try:
        res = context.core().holdings_down(entity_id, as_of, max_depth=depth, min_share=floor,
                                           max_nodes=context.settings().node_cap)
    except OwnerscopeError as e:
        return no_update, html.Div(str(e), className="error"), no_update
    if not res["found"]:
        return no_update, html.Div(f"{entity_id} has no ownership or control data on {res['as_of']}.",
                                   className="error"), ""
    graph = trace_state(res)
    rows = [html.Tr([_name_cell(n), html.Td(str(n["depth"])), html.Td(pct(n["effective"], n["effective_max"])
                                                                     if not n["controls"] else "control"),
                     html.Td(", ".join(a.upper() for a in n["authorities"]))],
                    className="listed" if n["listed"] else "") for n in res["holdings"]]
    table = html.Table([html.Tr([html.Th(h) for h in ("Holding", "Depth", "Effective share", "Listed by")]), *rows],
                       className="table trace-table")
    notice = (f"Holdings down: {len(res['holdings'])} direct and indirect holding(s), up to {depth} link(s) down"
              + (f", links of at least {floor:g}%" if floor else "") + ".")
    if res["truncated"]:
        notice += f" Cut at the display cap ({context.settings().node_cap} nodes)."
    return graph, notice, html.Div([html.H4(f"Holdings down as of {res['as_of']}"), table])


def group_title(grp: dict, graph: dict) -> str:
    center = graph["nodes"].get(grp["center"], {})
    what = grp.get("role") or grp["type"].replace("_", " ")
    arrow = "→" if grp["direction"] == "out" else "←"
    return f"{len(grp['members'])} × {what} {arrow} {center.get('name') or grp['center']}"


def group_rows(grp: dict, text: str | None):
    shown, total = filter_members(grp["members"], text)
    rows = [html.Li(className="group-member", children=[
        html.Button("Add", id={"type": ids.GROUP_ADD, "index": m["id"]}, n_clicks=0, className="button small"),
        html.Span(f" {latin_name(m['name']) or m['name'] or m['id']}", title=m["name"] or m["id"]),
        html.Span(f" {m['type'] or ''}", className="hit-meta"),
        *([html.Span(" " + share_label(m["edge"]), className="share")] if share_label(m["edge"]) and
          m["edge"]["type"] in ("ownership", "interest") else []),
        *([html.Span(" " + ", ".join(a.upper() for a in m["authorities"]), className="hit-listed")]
          if m["authorities"] else [])]) for m in shown]
    more = [html.Li(f"… {total - len(shown)} more: filter by name", className="hint")] if total > len(shown) else []
    return [html.Small(f"{total} of {len(grp['members'])} shown" if text else ""), html.Ul(rows + more)]


def hover_text(data: dict):
    if not data:
        return ""
    if "source" in data:
        parts = [data.get("type", "").replace("_", " "), data.get("share") or "", data.get("role") or "",
                 " – ".join(x for x in (data.get("start_date"), data.get("end_date")) if x), data.get("note") or ""]
        return " · ".join(p for p in parts if p)
    name = data.get("name") or data.get("id")
    extra = f" (drawn as {data['latin']})" if data.get("latin") else ""
    return f"{name}{extra} · {data.get('type') or 'no type'}"


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
    """Draw the proof of a verdict: every owner up to the top, with the whole chain of each listed
    owner's stake; the links the rule counts in red, the rest of the listed chains and the other owners
    it names in amber."""
    if not regime:
        return no_update, html.Div("Choose an exposure rule to see its proof.", className="error"), no_update
    try:
        res = context.core().owners_to_top(entity_id, as_of, regime, max_nodes=context.settings().node_cap)
    except OwnerscopeError as e:
        return no_update, html.Div(str(e), className="error"), no_update
    if not res["found"]:
        return no_update, "No ownership or control data on this entity on the date.", no_update
    new = trace_state(res)
    return new, (f"Proof: {len(new['highlight'])} counted ownership/control link(s) in red; "
                 f"{len(new['context'])} other link(s) the analyst should look at in amber "
                 "(listed owners' chains the rule does not count, other owners)."), owners_table(res)


def find_paths(a: str | None, b: str | None):
    if not a or not b:
        return no_update, html.Div("Choose both ends of the path.", className="error")
    try:
        paths = context.core().paths(a, b, max_hops=6, limit=10)
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
        *([html.Div(f"Transliterated: {latin_name(d['name'])}", className="latin")] if latin_name(d["name"]) else []),
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
