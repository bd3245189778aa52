"""Exposure: every entity a rule catches (or nearly catches) on a date, most serious first; filtered by
status, authority and text, one page at a time (ownerscope.core.exposure_list does the work)."""

from __future__ import annotations

from datetime import date

import dash
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from ...authorities import is_sanctions, label
from ...core import exposure_list
from ...csvsafe import csv_text
from ...errors import OwnerscopeError
from .. import ids
from ..exposure_view import STATUS_WORDS, result

SHOWN = ("derived", "possible", "review", "exposed")
PAGE_SIZE = 50


def layout(**_):
    return html.Div(className="exposure-page", children=[
        html.Div(className="exposure-bar", children=[
            dcc.Dropdown(id=ids.EXPO_REGIME, clearable=False, value="ofac", className="regime", options=[
                {"label": "OFAC 50% rule (US)", "value": "ofac"},
                {"label": "EU owned or controlled", "value": "eu"},
                {"label": "UK owned or controlled", "value": "uk"}]),
            dcc.Input(id=ids.EXPO_AS_OF, type="text", value=date.today().isoformat(), debounce=True,
                      placeholder="YYYY-MM-DD", className="date"),
            dcc.Checklist(id=ids.EXPO_STATUSES, value=list(SHOWN), inline=True, className="statuses",
                          options=[{"label": s, "value": s} for s in ("listed", *SHOWN)]),
            dcc.Dropdown(id=ids.EXPO_AUTHORITY, multi=True, placeholder="any authority", className="authority",
                         options=[]),
            dcc.Input(id=ids.EXPO_TEXT, type="search", debounce=True, placeholder="name or id contains",
                      className="expo-text"),
            html.Button("Download CSV", id=ids.EXPO_CSV_GO, className="button"),
        ]),
        html.Div(id=ids.EXPO_OUT, className="exposure-out"),
        html.Div(id=ids.EXPO_PAGER, className="pager", children=[
            html.Button("‹ Previous", id=ids.EXPO_PREV, className="button"),
            html.Button("Next ›", id=ids.EXPO_NEXT, className="button"),
        ]),
        dcc.Store(id=ids.EXPO_PAGE, data=0),
        dcc.Download(id=ids.EXPO_CSV),
    ])


def rows_for(regime: str, as_of: str | None, statuses: list[str], authorities=None,
             text: str | None = None) -> tuple[list[dict], dict, str]:
    """(rows, counts, the date used): every entity that passes the filters, most serious first."""
    res = result(regime, as_of)
    if not statuses:
        return [], res.counts(), res.as_of
    pg = exposure_list.page(res, statuses, authorities, text, 0, None)
    return pg.rows, pg.counts, res.as_of


CSV_COLUMNS = ("status", "id", "name", "type", "listed_by", "effective_listed_share")


def rows_csv(rows: list[dict]) -> str:
    """The CSV download of the page (every row that passes the filters, formula-neutralised)."""
    return csv_text(CSV_COLUMNS, ({**r, "listed_by": " ".join(r.get("listed_by") or [])} for r in rows))


def authority_options(res) -> list[dict]:
    auths = sorted({a for v in exposure_list.listed_by(res).values() for a in v})
    return [{"label": f"{a.upper()} ({label(a)})" if label(a).lower() != a else a.upper(), "value": a}
            for a in auths]


def render(res, page_no, statuses, authorities, text):
    """The page's output for one result: (children, authority options, previous disabled, next disabled)."""
    pg, total = None, 0
    if statuses:
        total = len(exposure_list.filtered(res, statuses, authorities, text))
        page_no = min(max(0, page_no or 0), max(0, (total - 1) // PAGE_SIZE))
        pg = exposure_list.page(res, statuses, authorities, text, page_no * PAGE_SIZE, PAGE_SIZE)
    counts = res.counts()
    cur = res.currency
    summary = html.P(f"{res.regime.name.upper()} on {res.as_of}: " + ", ".join(f"{n:,} {s}" for s, n in counts.items()
                                                                     if s != "clear")
                     + f" (of {sum(counts.values()):,} entities in the ownership graph).", className="hint")
    data = html.P(f"Data: {cur['words']}." + (" Nothing here is screened against a list that is not loaded."
                                              if cur["missing"] else ""),
                  className="data-currency" + (" no-list" if cur["missing"] else ""))
    head_parts = [summary, data]
    options = authority_options(res)
    if not statuses or not pg.rows:
        return ([*head_parts, html.P("No entity with the chosen statuses and filters.", className="hint")],
                options, True, True)
    start = pg.offset
    shown = html.P(f"{total:,} entities match; showing {start + 1:,}–{start + len(pg.rows):,}, most serious "
                   f"first (page {page_no + 1} of {(total - 1) // PAGE_SIZE + 1}).", className="hint expo-range")
    head = ["Status", "Entity", "Type", "Listed by", "Effective listed share", "What it means"]
    body = [html.Tr([html.Td(html.Span(r["status"].upper(), className=f"badge st-{r['status']}")),
                     html.Td(dcc.Link(r["name"], href=f"/?focus={r['id']}")), html.Td(r["type"]),
                     html.Td([html.Span(a.upper() + ("" if k == len(r["listed_by"]) - 1 else ", "),
                                        className="auth" if is_sanctions(a) else "auth-other")
                              for k, a in enumerate(r["listed_by"])]),
                     html.Td("—" if r["effective_listed_share"] is None else f"{r['effective_listed_share']:g}%"),
                     html.Td(STATUS_WORDS[r["status"]])])
            for r in pg.rows]
    return ([*head_parts, shown, html.Table([html.Tr([html.Th(h) for h in head]), *body], className="table")],
            options, start == 0, start + len(pg.rows) >= total)


def register():
    dash.register_page("exposure", path="/exposure", name="Exposure", layout=layout)

    @callback(Output(ids.EXPO_PAGE, "data"),
              Input(ids.EXPO_PREV, "n_clicks"), Input(ids.EXPO_NEXT, "n_clicks"),
              Input(ids.EXPO_REGIME, "value"), Input(ids.EXPO_AS_OF, "value"), Input(ids.EXPO_STATUSES, "value"),
              Input(ids.EXPO_AUTHORITY, "value"), Input(ids.EXPO_TEXT, "value"), State(ids.EXPO_PAGE, "data"),
              prevent_initial_call=True)
    def turn(_p, _n, _r, _a, _s, _au, _t, current):
        trigger = ctx.triggered_id
        if trigger == ids.EXPO_NEXT:
            return (current or 0) + 1
        if trigger == ids.EXPO_PREV:
            return max(0, (current or 0) - 1)
        return 0  # a new filter starts on the first page

    @callback(Output(ids.EXPO_OUT, "children"), Output(ids.EXPO_AUTHORITY, "options"),
              Output(ids.EXPO_PREV, "disabled"), Output(ids.EXPO_NEXT, "disabled"),
              Input(ids.EXPO_PAGE, "data"), Input(ids.EXPO_REGIME, "value"), Input(ids.EXPO_AS_OF, "value"),
              Input(ids.EXPO_STATUSES, "value"), Input(ids.EXPO_AUTHORITY, "value"), Input(ids.EXPO_TEXT, "value"))
    def show(page_no, regime, as_of, statuses, authorities, text):
        try:
            res = result(regime, as_of)
        except OwnerscopeError as e:
            return html.Div(str(e), className="error"), no_update, True, True
        return render(res, page_no, statuses, authorities, text)

    @callback(Output(ids.EXPO_CSV, "data"), Input(ids.EXPO_CSV_GO, "n_clicks"), State(ids.EXPO_REGIME, "value"),
              State(ids.EXPO_AS_OF, "value"), State(ids.EXPO_STATUSES, "value"), State(ids.EXPO_AUTHORITY, "value"),
              State(ids.EXPO_TEXT, "value"), prevent_initial_call=True)
    def download(_n, regime, as_of, statuses, authorities, text):
        try:
            rows, _counts, used = rows_for(regime, as_of, statuses, authorities, text)
        except OwnerscopeError:
            return no_update
        return dcc.send_string(rows_csv(rows), f"ownerscope-exposure-{regime}-{used}.csv")
