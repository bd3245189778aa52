"""Screen: paste or upload a list of counterparties; see matches and exposure; download the table."""

from __future__ import annotations

import base64
from datetime import date

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from ...errors import OwnerscopeError
from .. import context, ids
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
                           className="upload", max_size=int(context.settings().max_upload_mb * 1024 * 1024)),
                html.Label("As of"),
                dcc.Input(id=ids.SCREEN_AS_OF, type="text", value=date.today().isoformat(), className="date"),
                html.Button("Screen", id=ids.SCREEN_RUN, className="button primary"),
                html.Button("Download CSV", id=ids.SCREEN_CSV_GO, className="button"),
            ], className="screen-side"),
        ]),
        html.Div(id=ids.SCREEN_UPLOAD_MSG, className="hint"),
        html.Div(id=ids.SCREEN_OUT, className="screen-out"),
        dcc.Store(id=ids.SCREEN_DATA),
        dcc.Download(id=ids.SCREEN_CSV),
    ])


def register():
    dash.register_page("screen", path="/screen", name="Screen", layout=layout)

    @callback(Output(ids.SCREEN_TEXT, "value"), Output(ids.SCREEN_UPLOAD_MSG, "children"),
              Input(ids.SCREEN_UPLOAD, "contents"), State(ids.SCREEN_UPLOAD, "filename"), prevent_initial_call=True)
    def upload(contents, filename):
        if not contents or "," not in contents:
            return no_update, "The upload was empty."
        limit = context.settings().max_upload_mb
        try:
            raw = base64.b64decode(contents.split(",", 1)[1], validate=True)
        except ValueError:
            return no_update, "The upload could not be read (not base64 file data)."
        if len(raw) > limit * 1024 * 1024:
            return no_update, (f"{filename or 'The file'} is {len(raw) / 1048576:.1f} MB: the limit is "
                               f"{limit:g} MB (OWNERSCOPE_MAX_UPLOAD_MB). Nothing was loaded.")
        text = raw.decode("utf-8", errors="replace")
        return text, f"Loaded {filename or 'the file'} ({len(raw):,} bytes)."

    @callback(Output(ids.SCREEN_OUT, "children"), Output(ids.SCREEN_DATA, "data"),
              Input(ids.SCREEN_RUN, "n_clicks"), State(ids.SCREEN_TEXT, "value"), State(ids.SCREEN_AS_OF, "value"),
              prevent_initial_call=True)
    def run(_n, text, as_of):
        st = context.settings()
        if text and len(text.encode("utf-8", errors="replace")) > st.max_upload_mb * 1024 * 1024:
            return html.Div(f"The list is larger than {st.max_upload_mb:g} MB (OWNERSCOPE_MAX_UPLOAD_MB): "
                            f"nothing was screened. Split it into smaller lists.", className="error"), None
        names = parse_names(text)
        if not names:
            return html.Div("Nothing to screen: enter one name a line.", className="error"), None
        left_out = max(0, len(names) - st.screen_max_names)
        names = names[:st.screen_max_names]
        try:
            rows = screen(names, as_of)
        except OwnerscopeError as e:
            return html.Div(str(e), className="error"), None
        head = ["Input", "Match", "Score", "Entity", "Type", "Listed by", *[r.upper() for r in REGIMES],
                "Other lists", "Candidates"]
        body = [html.Tr([html.Td(r["input"]),
                         html.Td([r["match"], *([html.Div(r["reason"], className="note")] if r["reason"] else [])],
                                 className=f"m-{r['match'].replace(' ', '-')}"),
                         html.Td(f"{r['score']:.0f}" if r["score"] else ""),
                         html.Td(dcc.Link(r["name"], href=f"/?focus={r['id']}") if r["id"] else ""),
                         html.Td(r["type"]), html.Td(r["authorities"], className="auth"),
                         *[html.Td(html.Span(r[f"{g}_label"], className=f"badge {r[f'{g}_class']}") if r[g] else "")
                           for g in REGIMES],
                         html.Td(r["other_lists"], className="auth-other"),
                         html.Td(_candidates(r) if r["candidates"] else r["also"], className="note")]) for r in rows]
        caught = sum(1 for r in rows if any(r[g] in ("listed", "derived") for g in REGIMES))
        skipped = sum(r["match"] == "not screened" for r in rows)
        summary = html.P(f"{len(rows) - skipped} screened: {sum(r['match'] == 'match' for r in rows)} matched, "
                         f"{sum(r['match'] == 'possible match' for r in rows)} possible (for you to decide), "
                         f"{caught} listed or caught "
                         f"under at least one rule." + (f" {skipped} {'line was' if skipped == 1 else 'lines were'} not "
                                                         f"screened (too short or not a name: see the table)."
                                                         if skipped else ""),
                         className="hint")
        notes = [summary]
        if left_out:
            notes.append(html.P(f"{left_out:,} names were left out: one run screens at most "
                                f"{st.screen_max_names:,} (OWNERSCOPE_SCREEN_MAX_NAMES). Only the first "
                                f"{st.screen_max_names:,} lines are in the table.", className="error",
                                id=ids.SCREEN_LEFT_OUT))
        notes.append(html.Div([html.P("Data: " + line, className="data-currency" + (
            " no-list" if "no " in line and "list loaded" in line else "")) for line in data_lines(as_of)],
            className="screen-data"))
        return [*notes, html.Table([html.Tr([html.Th(h) for h in head]), *body], className="table screen-table")], rows

    @callback(Output(ids.SCREEN_CSV, "data"), Input(ids.SCREEN_CSV_GO, "n_clicks"), State(ids.SCREEN_DATA, "data"),
              prevent_initial_call=True)
    def download(_n, rows):
        if not rows:
            return no_update
        return dcc.send_string(to_csv(rows), "ownerscope-screening.csv")


def _candidates(row: dict):
    """The candidates a person chooses between, each with its evidence and its status under each rule."""
    items = []
    for ev in row["candidates"]:
        facts = []
        if ev.get("matched_name") and ev["matched_name"] != ev.get("name"):
            facts.append(f"matched name {ev['matched_name']}")
        facts.append("born " + ", ".join(ev["birth_dates"][:3]) if ev.get("birth_dates") else "no date of birth")
        facts.append("country " + ", ".join(c.upper() for c in ev["countries"][:4]) if ev.get("countries")
                     else "no country")
        facts.append("identifiers " + ", ".join(ev["identifiers"][:4]) if ev.get("identifiers") else "no identifier")
        status = ", ".join(f"{g.upper()} {ev['status'][g]}" for g in REGIMES if ev.get("status", {}).get(g))
        items.append(html.Li(className="candidate", children=[
            dcc.Link(ev.get("name") or ev["id"], href=f"/?focus={ev['id']}"), f" ({ev['score']:.0f}, {ev['id']})",
            html.Div("; ".join(facts), className="evidence"),
            html.Div(status, className="evidence-status") if status else None]))
    return html.Ul(items, className="candidates")
