"""Exposure on the graph: cached results per (regime, date), node classes, the verdict box."""

from __future__ import annotations

from dash import dcc, html

from . import context, ids

STATUS_WORDS = {"listed": "listed", "derived": "caught (owned/controlled)", "possible": "possibly caught",
                "review": "review", "exposed": "exposed, not caught", "clear": "clear"}


def result(regime: str | None, as_of: str | None):
    """The exposure of the whole store under a regime on a date, from the core: its ownership graph is
    built once per (data version, date) and shared by every regime; it is recomputed exactly when the
    store's data changes."""
    if not regime:
        return None
    return context.core().exposure(regime, as_of)


def statuses(regime: str | None, as_of: str | None, node_ids) -> dict[str, str]:
    res = result(regime, as_of)
    if res is None:
        return {}
    return {n: res.status_of(n) for n in node_ids}


def verdict_box(entity_id: str, regime: str | None, as_of: str | None):
    res = result(regime, as_of)
    if res is None:
        return html.P("Choose an exposure rule (OFAC, EU, UK) on the left to see who is caught and why.",
                      className="hint")
    v = res.verdict(entity_id)
    status = v["status"]
    label, cls = badge(status, res)
    words = v.get("clear_words") or STATUS_WORDS[status]
    return html.Div(className=f"verdict {cls}", children=[
        html.Div([html.Span(label, className=f"badge {cls}"),
                  html.Span(f" under {res.regime.title} as of {res.as_of}: {words}")]),
        html.P(f"Data: {res.currency['words']}", className="data-currency"),
        html.Pre(v["explanation"], className="explanation"),
    ])


def badge(status: str, res) -> tuple[str, str]:
    """The badge text and class of a status: a clear result resting on no list is "NO LIST", never CLEAR;
    a clear one reads "NOT CAUGHT" (in the data, as of its list versions)."""
    if status == "clear":
        if res.currency["no_list"]:
            return "NO LIST", "st-nolist"
        return "NOT CAUGHT", "st-clear"
    return status.upper(), f"st-{status}"


def actions_bar():
    """Static (always in the layout, so callbacks can listen to it); shown once an entity is selected."""
    return html.Div(id=ids.EXPOSURE_BOX, className="verdict-actions", style={"display": "none"}, children=[
        html.Button("Show proof on graph", id=ids.PROOF_SHOW, className="button"),
        dcc.Dropdown(id=ids.REPORT_FORMAT, clearable=False, value="html", className="report-format",
                     options=[{"label": f.upper(), "value": f} for f in ("html", "pdf", "json", "csv")]),
        html.Button("Download report", id=ids.REPORT_GO, className="button primary"),
        html.Details(className="report-case", children=[
            html.Summary("Case details for the report"),
            *[html.Label([label, (dcc.Textarea if name == "notes" else dcc.Input)(
                id={"type": ids.REPORT_CASE, "field": name}, value="", className="case-field",
                **({} if name == "notes" else {"type": "text"}))]) for name, label in CASE_LABELS],
        ]),
    ])


CASE_LABELS = (("reference", "Case reference"), ("analyst", "Analyst"), ("reviewer", "Reviewer"),
               ("decision", "Decision"), ("notes", "Notes"))


def case_from(values, field_ids) -> dict:
    """The case details typed on the page ({"reference": ..., ...}) from the pattern-matched inputs."""
    return {i["field"]: v for i, v in zip(field_ids or [], values or []) if isinstance(i, dict) and v}


def proof_ids(entity_id: str, regime: str | None, as_of: str | None) -> tuple[list[str], list[str], list[str]]:
    """Node ids of the proof, the edges that count, and the context edges (other owners, ended links)."""
    res = result(regime, as_of)
    if res is None:
        return [], [], []
    proof = res.verdict(entity_id).get("proof") or {}
    nodes = [n for n in proof.get("node_ids", []) if n]
    return nodes, list(proof.get("edge_ids", [])), list(proof.get("context_edge_ids", []))


def report_bytes(entity_id: str, regime: str | None, as_of: str | None, fmt: str,
                 case: dict | None = None) -> tuple[bytes, str]:
    import tempfile
    from pathlib import Path

    from ..exposure.report_render import write_report

    names = [regime] if regime else ["ofac", "eu", "uk"]
    data = context.core().report(entity_id, names, as_of, case=case)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"report.{fmt}"
        write_report(data, fmt, path)
        payload = path.read_bytes()
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in entity_id)
    return payload, f"ownerscope-{safe}-{'-'.join(names)}-{data['as_of']}.{fmt}"
