"""A report on one entity that an analyst can hand to a compliance officer: the verdict per regime with
its proof and sources, a picture of the ownership structure, beneficial owners, the date and the data.

Formats: html (self-contained, inline SVG), pdf (fpdf2, pure Python; the SVG embedded as vector
graphics), json (everything) and csv (one row per edge of every proof).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from .. import __version__
from ..errors import InputError
from .effective import effective_owners, ultimate_beneficial_owners
from .engine import exposure_on_graph, normalise_as_of
from .explain import _dates, _sources, holding_words, share_words
from .ownership_graph import OWNERSHIP, build_graph
from .svg import STATUS_COLOURS, ownership_svg

MAX_NODES = 40


def _structure(g, root: int, results: list) -> dict:
    """The entity, its owners and controllers up the chain, and its direct holdings; with statuses."""
    first = results[0]
    keep: dict[int, int] = {root: 0}
    frontier = [root]
    depth = 0
    while frontier and len(keep) < MAX_NODES and depth < 6:
        depth += 1
        nxt = []
        for v in frontier:
            for e in g.in_edges(v).tolist():
                u = int(g.src[e])
                if u not in keep and len(keep) < MAX_NODES:
                    keep[u] = depth
                    nxt.append(u)
        frontier = nxt
    for e in g.out_edges(root).tolist()[:12]:
        keep.setdefault(int(g.dst[e]), -1)
    edges = []
    for v in keep:
        for e in g.in_edges(v).tolist():
            u = int(g.src[e])
            if u in keep:
                row = g.edge(e)
                edges.append({"id": row["id"], "source": g.ids[u], "target": g.ids[v], "kind": row["type"],
                              "label": share_words(row), "dashed": False, "share": row["share"],
                              "start_date": row["start_date"], "end_date": row["end_date"],
                              "sources": _sources(row["sources"])})
    ids = {g.ids[v] for v in keep}
    ina = g.inactive
    if ina.height:  # stakes not in force on the date, into the entities shown: drawn dashed
        for src in ina.filter(ina["target"].is_in(list(ids)))["source"].to_list():
            j = g.index.get(src)
            if j is not None and len(keep) < MAX_NODES + 10:
                keep.setdefault(j, 1)
                ids.add(src)
        for row in ina.filter(ina["target"].is_in(list(ids)) & ina["source"].is_in(list(ids))).iter_rows(named=True):
            edges.append({"id": row["id"], "source": row["source"], "target": row["target"], "kind": row["type"],
                          "label": share_words(row) + (" (indirect, not counted)" if row.get("why") == "indirect"
                                                       else " (not in force)"), "dashed": True, "share": row["share"],
                          "start_date": row["start_date"], "end_date": row["end_date"],
                          "sources": _sources(row["sources"])})
    nodes = []
    for v in keep:
        statuses = {r.regime.name: r.status_of(g.ids[v]) for r in results}
        nodes.append({"id": g.ids[v], "name": g.name(v), "type": g.types[v], "status": statuses[first.regime.name],
                      "statuses": statuses,
                      "caption": ", ".join(f"{k}: {s}" for k, s in statuses.items())})
    return {"nodes": nodes, "edges": edges}


def build_report(store, entity_id: str, regimes: list, as_of: str | None, ubo_threshold: float = 25.0) -> dict:
    as_of = normalise_as_of(as_of)
    g = build_graph(store.ownership_frame(), store.designation_frame(), store.entity_frame(), as_of)
    results = [exposure_on_graph(g, r) for r in regimes]
    detail = store.get_entity(entity_id) or {}
    i = g.index.get(entity_id)
    verdicts = []
    for r in results:
        v = r.verdict(entity_id)
        verdicts.append({**v, "regime_title": r.regime.title, "regime_notes": r.regime.notes})
    structure = _structure(g, i, results) if i is not None else {"nodes": [], "edges": []}
    svg = ownership_svg(structure["nodes"], structure["edges"], entity_id) if structure["nodes"] else ""
    eff = effective_owners(g, entity_id) if i is not None else {}
    top = sorted(eff.items(), key=lambda kv: -kv[1])[:20]
    sources: dict[tuple, None] = {}
    for e in structure["edges"]:
        for s in e["sources"]:
            sources[(s["dataset"], s["url"])] = None
    for d in detail.get("designations", []):
        for s in d.get("sources", []):
            sources[(s["dataset"], s["url"])] = None
    datasets = sorted({d for d, _ in sources if d})
    return {
        "title": f"Ownership and sanctions exposure: {detail.get('name') or entity_id}",
        "generated_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "as_of": as_of, "ownerscope_version": __version__, "store": getattr(store, "url", ""),
        "entity": {"id": entity_id, "name": detail.get("name") or entity_id, "type": detail.get("type"),
                   "country": detail.get("country"), "aliases": detail.get("aliases", []),
                   "identifiers": detail.get("identifiers", []), "designations": detail.get("designations", [])},
        "verdicts": verdicts,
        "structure": structure, "svg": svg,
        "effective_owners": [{"id": k, "name": g.name(g.index[k]), "type": g.types[g.index[k]],
                              "effective_share": round(v, 4)} for k, v in top],
        "ubo_threshold": ubo_threshold,
        "ubos": ultimate_beneficial_owners(g, entity_id, ubo_threshold) if i is not None else [],
        "data": {"datasets": datasets, "source_urls": sorted({u for _, u in sources if u}),
                 "entities_in_store": g.n, "ownership_and_control_edges_in_force": g.m,
                 "edges_not_in_force": g.inactive.height},
    }


# ---------------------------------------------------------------------------------------------- writers
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
               "source_urls")


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
    buf = io.StringIO()
    w = csv.DictWriter(buf, CSV_COLUMNS)
    w.writeheader()
    for v in data["verdicts"]:
        rows = list(proof_rows(v))
        if not rows:
            w.writerow({"regime": v["regime"], "as_of": v["as_of"], "entity_id": v["id"], "status": v["status"],
                        "section": "verdict"})
        w.writerows(rows)
    return buf.getvalue()


def _tree_html(node: dict) -> str:
    items = []
    for c in node.get("contributions", []):
        owner = c["owner"]
        srcs = ", ".join(f'<a href="{escape(s["url"])}">{escape(s["url"])}</a>' if s["url"]
                         else escape(s["dataset"]) for s in c["sources"])
        if c["type"] == "control":
            what = f"{escape(share_words(c))} — {'counts' if c.get('counts') else 'does not count under this regime'}"
        else:
            what = (f"{escape(share_words(c))}, counted {c['counted']:g}%"
                    + (f" (up to {c['counted_max']:g}%)" if c["counted_max"] != c["counted"] else "")
                    + f", running total {c['running_total']:g}%")
            if c.get("joint_partners") is not None:
                what += " — joint arrangement with " + ", ".join(
                    escape(f"{p['owner']['name']} {share_words(p)}") for p in c["joint_partners"])
        extra = "; ".join(x for x in (escape(c.get("note") or ""), escape(_dates(c))) if x)
        listed = ""
        if owner.get("designations") is not None:
            listed = "<br><em>listed:</em> " + escape("; ".join(
                f"{d['authority']} {d['program'] or ''} {('since ' + d['start_date']) if d['start_date'] else ''}"
                for d in owner["designations"]))
        items.append(f'<li><b>{escape(owner["name"])}</b> <code>{escape(owner["id"])}</code> '
                     f'<span class="st {escape(owner["status"])}">{escape(owner["status"])}</span>: {what}'
                     + (f"<br><small>{extra}</small>" if extra else "")
                     + (f"<br><small>source: {srcs}</small>" if srcs else "") + listed
                     + (_tree_html(owner) if owner.get("contributions") else "") + "</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def report_html(data: dict) -> str:
    e = data["entity"]
    css = "".join(f".st.{k}{{background:{c}}}" for k, c in STATUS_COLOURS.items())
    verdict_rows = "".join(
        f'<tr><td>{escape(v["regime"])}</td><td><span class="st {v["status"]}">{v["status"]}</span></td>'
        f'<td>{escape(v.get("threshold", {}).get("words", "") if v.get("threshold") else "")}</td>'
        f'<td>{escape(holding_words(v.get("total"), v.get("total_max")))}</td><td>{v.get("effective_listed_share", 0):g}%</td></tr>'
        for v in data["verdicts"])
    sections = []
    for v in data["verdicts"]:
        proof = v.get("proof") or {}
        trees = [h["tree"] for h in proof.get("holdings", [])] or ([proof["tree"]] if proof.get("tree") else [])
        others = "".join(f'<li>{escape(c["owner"]["name"])} <code>{escape(c["owner"]["id"])}</code>: '
                         f'{escape(share_words(c))}{" — stake not published: an owner to look at" if c["unknown_share"] else ""}'
                         f'{escape("; designated by " + ", ".join(c["owner"]["designations_other"])) if c["owner"].get("designations_other") else ""}</li>'
                         for c in proof.get("other_owners", []))
        stale = "".join(f'<li>{escape(c["owner"]["name"])}: {escape(share_words(c))}, {escape(_dates(c))}</li>'
                        for c in proof.get("not_in_force", []))
        sections.append(
            f'<section><h3>{escape(v["regime"])}: <span class="st {v["status"]}">{v["status"]}</span></h3>'
            f'<p class="small">{escape(v.get("regime_title", ""))}. {escape(v.get("regime_notes", ""))}</p>'
            f'<pre>{escape(v["explanation"])}</pre>'
            + "".join(_tree_html(t) for t in trees)
            + (f"<h4>Other owners</h4><ul>{others}</ul>" if others else "")
            + (f"<h4>Not in force on {escape(data['as_of'])}</h4><ul>{stale}</ul>" if stale else "")
            + "</section>")
    eff = "".join(f'<tr><td>{escape(o["name"])}</td><td><code>{escape(o["id"])}</code></td>'
                  f'<td>{escape(o["type"] or "")}</td><td>{o["effective_share"]:g}%</td></tr>'
                  for o in data["effective_owners"])
    ubos = ", ".join(f'{escape(u["name"])} ({u["effective_share"]:g}%)' for u in data["ubos"]) or \
        f"none found at or above {data['ubo_threshold']:g}% (published shares only; unknown shares count as 0)"
    des = "".join(f'<li>{escape(d["authority"])} {escape(d.get("program") or "")} '
                  f'{escape(d.get("start_date") or "")}{" – " + escape(d["end_date"]) if d.get("end_date") else ""}</li>'
                  for d in e["designations"])
    srcs = "".join(f'<li><a href="{escape(u)}">{escape(u)}</a></li>' for u in data["data"]["source_urls"])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(data['title'])}</title>
<style>body{{font-family:DejaVu Sans,Arial,sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}
.st{{color:#fff;padding:1px 6px;border-radius:4px;font-size:90%}}{css}
pre{{white-space:pre-wrap;background:#f6f6f6;padding:8px;font-size:85%}}.small{{font-size:85%;color:#555}}
figure{{overflow-x:auto;border:1px solid #ddd;padding:6px}}</style></head><body>
<h1>{escape(data['title'])}</h1>
<p><b>{escape(e['name'])}</b> <code>{escape(e['id'])}</code> {escape(e.get('type') or '')}
{escape(e.get('country') or '')}</p>
<p class="small">Computed as of <b>{escape(data['as_of'])}</b> (listings and ownership in force on that date), generated
{escape(data['generated_at'])} by ownerscope {escape(data['ownerscope_version'])} from store {escape(str(data['store']))}.
Datasets: {escape(', '.join(data['data']['datasets']))}.</p>
<h2>Verdicts</h2>
<table><tr><th>regime</th><th>status</th><th>threshold</th><th>listed holding</th><th>effective listed share</th></tr>
{verdict_rows}</table>
<h2>Designations of this entity</h2><ul>{des or '<li>none recorded</li>'}</ul>
<h2>Ownership structure</h2>
<figure>{data['svg']}<figcaption class="small">Owners above what they own; box colour: status under
{escape(data['verdicts'][0]['regime'] if data['verdicts'] else '')}; dashed: not in force on the date; purple: control.</figcaption></figure>
<h2>Proof per regime</h2>{''.join(sections)}
<h2>Effective ownership</h2><p class="small">Shares multiplied along each path and added over paths: a risk
metric, not the legal test of any regime.</p>
<table><tr><th>owner</th><th>id</th><th>type</th><th>effective share</th></tr>{eff}</table>
<p>Ultimate beneficial owners (natural persons at or above {data['ubo_threshold']:g}%): {ubos}</p>
<h2>Sources</h2><ul>{srcs}</ul>
<p class="small">Not legal advice: check the authorities' current guidance before acting.</p>
</body></html>
"""
