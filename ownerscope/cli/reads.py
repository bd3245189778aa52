"""Read commands: `stats`, `datasets`, `show`, `search` and the read-only `query` console."""

from __future__ import annotations

from typing import List, Optional

import typer
from rich.markup import escape

from ..console import err, out, print_json, print_table
from .common import STORE_HELP, Fmt, core_session, friendly

app = typer.Typer()


@app.command()
@friendly
def stats(store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
          output: Fmt = typer.Option(Fmt.table, "--format")):
    """Count entities by type, relations by type and designations by authority."""
    with core_session(store) as core:
        counts = core.counts()
    if output == Fmt.json:
        print_json(counts)
        return
    for section in ("entities", "relations", "designations"):
        rows = [[k, f"{v:,}"] for k, v in counts[section].items()]
        rows.append(["total", f"{sum(counts[section].values()):,}"])
        print_table(section, ["kind", "count"], rows)


@app.command()
@friendly
def datasets(store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
             output: Fmt = typer.Option(Fmt.table, "--format")):
    """List the loaded list versions: publisher, publication date, content hash, when loaded."""
    with core_session(store) as core:
        versions = core.datasets()
    versions.sort(key=lambda v: (v["authority"] or "", v["name"] or "", v["published"] or "", v["loaded"] or ""))
    if output == Fmt.json:
        print_json(versions)
        return
    if not versions:
        out.print("no list loaded yet (ownerscope ingest / ownerscope fetch)")
        return
    print_table("list versions", ["authority", "name", "published", "loaded", "sha256"],
                [[v["authority"], v["name"], (v["published"] or "?") + ("" if v["published_basis"] == "file header"
                                                                        else f" ({v['published_basis']})"),
                  (v["loaded"] or "")[:10], (v["sha256"] or "")[:12]] for v in versions])


@app.command()
@friendly
def show(entity_id: str = typer.Argument(..., metavar="ID", help="An entity id (any merged id works)."),
         store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
         output: Fmt = typer.Option(Fmt.table, "--format")):
    """Show one entity with its identifiers, designations, relations and sources."""
    from ..errors import NotFound

    with core_session(store) as core:
        detail = core.entity(entity_id)
    if detail is None:
        raise NotFound(f"no entity with id {entity_id!r}")
    if output == Fmt.json:
        print_json(detail)
        return
    out.print(f"[bold]{escape(str(detail['name'] or detail['id']))}[/]  "
              f"({escape(str(detail['type'] or 'no type'))}, {escape(detail['id'])})", highlight=False)
    for key in ("country", "aliases", "identifiers", "birth_dates", "nationalities", "addresses", "notes"):
        if detail.get(key):
            val = detail[key]
            out.print(f"  {key}: {', '.join(map(str, val)) if isinstance(val, list) else val}", highlight=False,
                      markup=False)
    if detail["designations"]:
        print_table("designations", ["authority", "program", "start", "end", "source"],
                    [[d["authority"], d["program"], d["start_date"], d["end_date"],
                      "; ".join(s["url"] or s["dataset"] for s in d["sources"])] for d in detail["designations"]])
    if detail["relations"]:
        print_table("relations", ["type", "dir", "other", "share", "start", "end", "role / note"],
                    [[r["type"], r["direction"], f"{r['other_name']} ({r['other']})", _share(r),
                      r["start_date"], r["end_date"] or ("ended" if r["ended"] else ""),
                      r["role"] or r["note"] or r["basis"]] for r in detail["relations"]])
    print_table("sources", ["dataset", "record", "url"],
                [[s["dataset"], s["record_id"], s["url"]] for s in detail["sources"]])


def _share(r: dict) -> str:
    if r.get("share") is not None:
        return f"{r['share']:g}%"
    if r.get("share_min") is not None or r.get("share_max") is not None:
        lo = r.get("share_min")
        hi = r.get("share_max")
        return f"{'' if lo is None else f'{lo:g}'}–{'' if hi is None else f'{hi:g}'}%"
    return "?" if r["type"] == "ownership" else ""


@app.command()
@friendly
def search(text: str = typer.Argument(..., metavar="NAME", help="A name, alias (any script) or identifier."),
           store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
           limit: int = typer.Option(20, "--limit", "-n", min=1, max=1000, help="At most this many hits."),
           output: Fmt = typer.Option(Fmt.table, "--format")):
    """Find entities by name, alias or identifier, best match first (the explorer's search)."""
    if not text.strip():
        from ..errors import InputError

        raise InputError("give a name to search for")
    with core_session(store) as core:
        hits = core.search(text, limit=limit)
    rows = [{"id": h["id"], "name": h.get("name"), "type": h.get("type"), "country": h.get("country"),
             "score": h.get("score"), "authorities": h.get("authorities", [])} for h in hits]
    if output == Fmt.json:
        print_json({"query": text, "results": rows})
        return
    if not rows:
        out.print(f"no entity matches {text!r}", highlight=False, markup=False)
        return
    print_table(f"entities matching {text!r}", ["id", "name", "type", "country", "score", "listed by"],
                [[r["id"], r["name"], r["type"], r["country"],
                  "" if r["score"] is None else f"{r['score']:.0f}", ", ".join(r["authorities"])] for r in rows])


@app.command()
@friendly
def query(cypher: str = typer.Argument(..., help="A read-only Cypher query."),
          store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
          param: List[str] = typer.Option([], "--param", "-p", help="Query parameter NAME=VALUE (repeatable)."),
          limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Row limit (default 1000)."),
          timeout: Optional[float] = typer.Option(None, "--timeout", min=0.1, help="Seconds (default 30)."),
          output: Fmt = typer.Option(Fmt.table, "--format")):
    """Run a read-only Cypher query. Anything that would write is refused."""
    from ..errors import QueryError
    from ..settings import load_settings

    params = {}
    for p in param:
        if "=" not in p:
            raise QueryError(f"--param {p!r} is not NAME=VALUE")
        k, v = p.split("=", 1)
        params[k] = _param_value(v)
    st = load_settings()
    with core_session(store) as core:
        res = core.query(cypher, params, limit=limit or st.query_row_limit, timeout_s=timeout or st.query_timeout_s)
    if output == Fmt.json:
        print_json({"columns": res.columns, "rows": res.rows, "truncated": res.truncated})
        return
    print_table(None, res.columns, res.rows)
    if res.truncated:
        err.print(f"(stopped at the row limit of {limit or st.query_row_limit:,})")


def _param_value(v: str):
    import json

    try:
        return json.loads(v)
    except ValueError:
        return v
