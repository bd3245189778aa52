"""Exposure: every entity a rule catches (or nearly catches) on a date, most serious first."""

from __future__ import annotations

from datetime import date

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from ...csvsafe import csv_text
from ...errors import OwnerscopeError
from .. import ids
from ..exposure_view import STATUS_WORDS, result

SHOWN = ("derived", "possible", "review", "exposed")
MAX_ROWS = 500


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
            html.Button("Download CSV", id=ids.EXPO_CSV_GO, className="button"),
        ]),
        html.Div(id=ids.EXPO_OUT, className="exposure-out"),
        dcc.Download(id=ids.EXPO_CSV),
    ])


def rows_for(regime: str, as_of: str | None, statuses: list[str]) -> tuple[list[dict], dict, str]:
    """(rows, counts, the date used): one row per entity whose status is chosen, most serious first."""
    res = result(regime, as_of)
    rows, counts = _rows(res, statuses)
    return rows, counts, res.as_of


def _rows(res, statuses: list[str]) -> tuple[list[dict], dict]:
    wanted = set(statuses or [])
    g = res.graph
    eff = res.effective_listed
    out = []
    for eid in res.non_clear_ids():
        i = g.index[eid]
        status = res.status_of(eid)
        if status in wanted:
            out.append({"status": status, "id": eid, "name": g.name(i), "type": g.types[i] or "",
                        # for a listed entity the metric (what listed owners hold of it) is beside the point
                        "effective_listed_share": None if status == "listed" else round(float(eff[i]), 4)})
    return out, res.counts()


CSV_COLUMNS = ("status", "id", "name", "type", "effective_listed_share")


def rows_csv(rows: list[dict]) -> str:
    """The CSV download of the page (every row, formula-neutralised)."""
    return csv_text(CSV_COLUMNS, rows)


def register():
    dash.register_page("exposure", path="/exposure", name="Exposure", layout=layout)

    @callback(Output(ids.EXPO_OUT, "children"), Input(ids.EXPO_REGIME, "value"), Input(ids.EXPO_AS_OF, "value"),
              Input(ids.EXPO_STATUSES, "value"))
    def show(regime, as_of, statuses):
        try:
            res = result(regime, as_of)
            rows, counts = _rows(res, statuses)
        except OwnerscopeError as e:
            return html.Div(str(e), className="error")
        used = res.as_of
        cur = res.currency
        summary = html.P(f"{regime.upper()} on {used}: " + ", ".join(f"{n:,} {s}" for s, n in counts.items()
                                                                      if s != "clear")
                         + f" (of {sum(counts.values()):,} entities in the ownership graph).", className="hint")
        data = html.P(f"Data: {cur['words']}." + (" Nothing here is screened against a list that is not loaded."
                                                  if cur["missing"] else ""),
                      className="data-currency" + (" no-list" if cur["missing"] else ""))
        summary = html.Div([summary, data])
        if not rows:
            return [summary, html.P("No entity with the chosen statuses.", className="hint")]
        head = ["Status", "Entity", "Type", "Effective listed share", "What it means"]
        body = [html.Tr([html.Td(html.Span(r["status"].upper(), className=f"badge st-{r['status']}")),
                         html.Td(dcc.Link(r["name"], href=f"/?focus={r['id']}")), html.Td(r["type"]),
                         html.Td("—" if r["effective_listed_share"] is None else f"{r['effective_listed_share']:g}%"),
                         html.Td(STATUS_WORDS[r["status"]])])
                for r in rows[:MAX_ROWS]]
        more = [html.P(f"… and {len(rows) - MAX_ROWS:,} more: download the CSV for all.", className="hint")] \
            if len(rows) > MAX_ROWS else []
        return [summary, html.Table([html.Tr([html.Th(h) for h in head]), *body], className="table"), *more]

    @callback(Output(ids.EXPO_CSV, "data"), Input(ids.EXPO_CSV_GO, "n_clicks"), State(ids.EXPO_REGIME, "value"),
              State(ids.EXPO_AS_OF, "value"), State(ids.EXPO_STATUSES, "value"), prevent_initial_call=True)
    def download(_n, regime, as_of, statuses):
        try:
            rows, _counts, used = rows_for(regime, as_of, statuses)
        except OwnerscopeError:
            return no_update
        return dcc.send_string(rows_csv(rows), f"ownerscope-exposure-{regime}-{used}.csv")
