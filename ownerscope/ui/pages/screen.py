"""Screen: paste or upload a list of counterparties; see matches and exposure; download the table."""

from __future__ import annotations

import base64
from datetime import date

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from ...errors import OwnerscopeError
from .. import ids
from ..screening import REGIMES, data_lines, parse_names, screen, to_csv

EXAMPLE = "VSMPO-AVISMA\nRostec\n2Rivers DMCC\nBellatrix Energy\nAcme Widgets Ltd"


def layout(**_):
    return html.Div(className="screen-page", children=[
        html.P("One counterparty a line (or upload a CSV with a name column). Each is matched against the "
               "store by name, alias and identifier, and its status under the OFAC, EU and UK ownership "
               "rules is shown for the date.", className="hint"),
        html.Div(className="screen-inputs", children=[
            dcc.Textarea(id=ids.SCREEN_TEXT, value=EXAMPLE, className="screen-text"),
            html.Div(children=[
                dcc.Upload(id=ids.SCREEN_UPLOAD, children=html.Div(["Drop a CSV or ", html.A("choose a file")]),
                           className="upload"),
                html.Label("As of"),
                dcc.Input(id=ids.SCREEN_AS_OF, type="text", value=date.today().isoformat(), className="date"),
                html.Button("Screen", id=ids.SCREEN_RUN, className="button primary"),
                html.Button("Download CSV", id=ids.SCREEN_CSV_GO, className="button"),
            ], className="screen-side"),
        ]),
        html.Div(id=ids.SCREEN_OUT, className="screen-out"),
        dcc.Store(id=ids.SCREEN_DATA),
        dcc.Download(id=ids.SCREEN_CSV),
    ])


def register():
    dash.register_page("screen", path="/screen", name="Screen", layout=layout)

    @callback(Output(ids.SCREEN_TEXT, "value"), Input(ids.SCREEN_UPLOAD, "contents"), prevent_initial_call=True)
    def upload(contents):
        if not contents:
            return no_update
        raw = base64.b64decode(contents.split(",", 1)[1])
        return raw.decode("utf-8", errors="replace")

    @callback(Output(ids.SCREEN_OUT, "children"), Output(ids.SCREEN_DATA, "data"),
              Input(ids.SCREEN_RUN, "n_clicks"), State(ids.SCREEN_TEXT, "value"), State(ids.SCREEN_AS_OF, "value"),
              prevent_initial_call=True)
    def run(_n, text, as_of):
        names = parse_names(text)
        if not names:
            return html.Div("Nothing to screen: enter one name a line.", className="error"), None
        try:
            rows = screen(names, as_of)
        except OwnerscopeError as e:
            return html.Div(str(e), className="error"), None
        head = ["Input", "Match", "Score", "Entity", "Type", "Listed by", *[r.upper() for r in REGIMES],
                "Other lists", "Other candidates"]
        body = [html.Tr([html.Td(r["input"]), html.Td(r["match"], className=f"m-{r['match'].replace(' ', '-')}"),
                         html.Td(f"{r['score']:.0f}" if r["score"] else ""),
                         html.Td(dcc.Link(r["name"], href=f"/?focus={r['id']}") if r["id"] else ""),
                         html.Td(r["type"]), html.Td(r["authorities"], className="auth"),
                         *[html.Td(html.Span(r[f"{g}_label"], className=f"badge {r[f'{g}_class']}") if r[g] else "")
                           for g in REGIMES],
                         html.Td(r["other_lists"], className="auth-other"),
                         html.Td(r["also"], className="note")]) for r in rows]
        caught = sum(1 for r in rows if any(r[g] in ("listed", "derived") for g in REGIMES))
        summary = html.P(f"{len(rows)} screened: {sum(r['match'] == 'match' for r in rows)} matched, "
                         f"{sum(r['match'] == 'possible' for r in rows)} possible, {caught} listed or caught "
                         f"under at least one rule.", className="hint")
        data = html.Div([html.P("Data: " + line, className="data-currency" + (" no-list" if "no " in line and
                                                                             "list loaded" in line else ""))
                         for line in data_lines(as_of)], className="screen-data")
        return [summary, data, html.Table([html.Tr([html.Th(h) for h in head]), *body],
                                          className="table screen-table")], rows

    @callback(Output(ids.SCREEN_CSV, "data"), Input(ids.SCREEN_CSV_GO, "n_clicks"), State(ids.SCREEN_DATA, "data"),
              prevent_initial_call=True)
    def download(_n, rows):
        if not rows:
            return no_update
        return dcc.send_string(to_csv(rows), "ownerscope-screening.csv")
