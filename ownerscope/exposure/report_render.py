"""Renderers of a report's data (ownerscope.exposure.report): HTML (a Jinja2 template, autoescaped), JSON
and CSV here; PDF in report_pdf. They read the data and never compute a verdict."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, Undefined

from ..csvsafe import csv_text
from ..errors import InputError
from ..urls import web_url
from .proof_text import dates_words, holding_words, share_words
from .report_words import candidate_range, list_version_words, ubo_words
from .svg import STATUS_COLOURS


def write_report(data: dict, fmt: str, path: Path) -> None:
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise InputError(f"{path}: folder {path.parent} does not exist")
    if fmt == "json":
        path.write_text(json.dumps({k: v for k, v in data.items()}, ensure_ascii=False, indent=2, default=str),
                        encoding="utf-8")
    elif fmt == "csv":
        path.write_text(report_csv(data), encoding="utf-8")
    elif fmt == "html":
        path.write_text(report_html(data), encoding="utf-8")
    elif fmt == "pdf":
        from .report_pdf import report_pdf

        path.write_bytes(report_pdf(data))
    else:
        raise InputError(f"unknown report format {fmt!r}: use html, pdf, json or csv")


CSV_COLUMNS = ("regime", "as_of", "entity_id", "status", "section", "depth", "target_id", "owner_id",
               "owner_name", "owner_status", "edge_id", "type", "share", "share_min", "share_max", "counted",
               "running_total", "threshold", "start_date", "end_date", "basis", "joint_group", "note",
               "source_urls", "data_currency", "case_reference", "analyst", "reviewer", "decision")


def proof_rows(v: dict):
    """Flatten a verdict's proof into rows: one per contributing edge, other owner and stale edge."""
    proof = v.get("proof") or {}
    th = proof.get("threshold", {}).get("words", "")

    def shown(x):  # a strict bound is carried as the figure plus a hair: show the published precision
        return None if x is None else round(float(x), 4)

    def row(section, depth, target, c):
        owner = c.get("owner", {})
        return {"regime": v["regime"], "as_of": v["as_of"], "entity_id": v["id"], "status": v["status"],
                "section": section, "depth": depth, "target_id": target, "owner_id": owner.get("id"),
                "owner_name": owner.get("name"), "owner_status": owner.get("status"),
                "edge_id": c.get("edge_id"), "type": c.get("type"), "share": c.get("share"),
                "share_min": c.get("share_min"), "share_max": c.get("share_max"), "counted": shown(c.get("counted")),
                "running_total": shown(c.get("running_total")), "threshold": th, "start_date": c.get("start_date"),
                "end_date": c.get("end_date") or ("ended" if c.get("ended") else None),
                "basis": c.get("basis"), "joint_group": c.get("joint_group"), "note": c.get("note"),
                "source_urls": " ".join(s["url"] for s in c.get("sources", []) if s.get("url"))}

    def walk(node, depth):
        for c in node.get("contributions", []):
            yield row("proof", depth, node["id"], c)
            yield from walk(c.get("owner", {}), depth + 1)

    trees = [h["tree"] for h in proof.get("holdings", [])] or ([proof["tree"]] if proof.get("tree") else [])
    for t in trees:
        yield from walk(t, 0)
    for c in proof.get("other_owners", []):
        yield row("other_owner", 0, v["id"], c)
    for c in proof.get("not_in_force", []):
        yield row("not_in_force", 0, v["id"], c)


def report_csv(data: dict) -> str:
    def rows():
        for v in data["verdicts"]:
            proof = list(proof_rows(v))
            for r in proof or [{"regime": v["regime"], "as_of": v["as_of"], "entity_id": v["id"],
                                "status": v["status"], "section": "verdict"}]:
                r["data_currency"] = v.get("clear_words") or v.get("data_currency")
                case = data.get("case") or {}
                r.update(case_reference=case.get("reference"), analyst=case.get("analyst"),
                         reviewer=case.get("reviewer"), decision=case.get("decision"))
                yield r

    return csv_text(CSV_COLUMNS, rows())


@lru_cache(maxsize=1)
def _templates() -> Environment:
    env = Environment(loader=PackageLoader("ownerscope.exposure", "templates"), autoescape=True,
                      undefined=Undefined, keep_trailing_newline=True)
    env.filters.update(share_words=share_words, dates=dates_words, g=lambda x: f"{x:g}", weblink=web_url)
    env.globals["holding_words"] = holding_words
    env.globals["ubo_words"] = ubo_words
    env.globals["candidate_range"] = candidate_range
    return env


def report_html(data: dict) -> str:
    """The report as one self-contained HTML page (templates/report.html, autoescaped)."""
    return _templates().get_template("report.html").render(data=data, colours=STATUS_COLOURS,
                                                           list_versions=list_version_words(data))
