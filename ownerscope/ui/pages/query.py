"""Query: a read-only Cypher console with a row limit and a timeout."""

from __future__ import annotations

import json

import dash
from dash import Input, Output, State, callback, dcc, html

from ...errors import OwnerscopeError
from .. import context, ids

EXAMPLE = ("MATCH (a:Entity)-[r:OWNS]->(b:Entity)\n"
           "RETURN a.name AS owner, r.share AS share, b.name AS company\nLIMIT 25")


def layout(**_):
    return html.Div(className="query-page", children=[
        html.P("Read-only Cypher: anything that writes is refused. Nodes are :Entity (with a type property) "
               "and :Designation; relationships :OWNS, :CONTROLS, :DIRECTS, :FAMILY, :ASSOCIATE, "
               ":FACILITATES, :LINKED, :LISTED.", className="hint"),
        dcc.Textarea(id=ids.QUERY_TEXT, value=EXAMPLE, className="query-text"),
        html.Button("Run", id=ids.QUERY_RUN, className="button primary"),
        html.Div(id=ids.QUERY_OUT, className="query-out"),
    ])


def register():
    dash.register_page("query", path="/query", name="Cypher", layout=layout)

    @callback(Output(ids.QUERY_OUT, "children"), Input(ids.QUERY_RUN, "n_clicks"),
              State(ids.QUERY_TEXT, "value"), prevent_initial_call=True)
    def run(_n, text):
        st = context.settings()
        try:
            res = context.core().query(text or "", limit=st.query_row_limit, timeout_s=st.query_timeout_s)
        except OwnerscopeError as e:
            return html.Div(str(e), className="error")
        cell = lambda v: v if isinstance(v, (str, int, float)) or v is None else json.dumps(v, ensure_ascii=False)
        table = html.Table([html.Tr([html.Th(c) for c in res.columns]),
                            *[html.Tr([html.Td(cell(v)) for v in row]) for row in res.rows]], className="table")
        note = html.P(f"{len(res.rows)} rows" + (" (row limit reached)" if res.truncated else ""),
                      className="hint")
        return [note, table]
