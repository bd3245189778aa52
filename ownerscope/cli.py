"""The ownerscope command line (Typer). Each command is a thin call into the packages."""

from __future__ import annotations

import functools

import shutil
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape

from . import __version__
from .console import err, fail, out, print_json, print_table
from .errors import OwnerscopeError

app = typer.Typer(help="ownerscope: explore ownership networks and sanctions exposure.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

STORE_HELP = ("Graph store: a file path (embedded LadybugDB) or bolt://, neo4j://, neo4j+s:// (Neo4j). "
              "Default: $OWNERSCOPE_STORE, then a local embedded store.")


class Fmt(str, Enum):
    table = "table"
    json = "json"


def friendly(fn):
    """Turn ownerscope errors into one clear line on stderr and a non-zero exit, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except OwnerscopeError as e:
            fail(str(e))
        except KeyboardInterrupt:
            fail("interrupted", 130)

    return wrapper


def _store(url: str | None, read_only: bool = False):
    """Open the store; read commands pass read_only=True (the embedded store is then opened read-only by
    the engine: it must exist, and several readers, `serve` among them, can share it)."""
    from .graph.store import open_store

    return open_store(url, read_only=read_only)


def version_cb(value: bool):
    if value:
        out.print(f"ownerscope {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=version_cb, is_eager=True,
                                      help="Print the version and exit.")):
    """ownerscope: explore ownership networks and sanctions exposure."""


# ---------------------------------------------------------------------------------------------- ingest
@app.command()
@friendly
def ingest(
    fmt: str = typer.Argument(..., metavar="FORMAT",
                              help="csv, ftm, bods, ofac-sdn, ofac-advanced, eu-fsf, un, uk-sanctions, gleif or uk-psc."),
    paths: List[Path] = typer.Argument(..., help="Input files or folders (a CSV bundle is a folder)."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    dataset: Optional[str] = typer.Option(None, "--dataset", help="Provenance name for these records "
                                          "(default: the format and the file or folder name)."),
    quarantine: Optional[Path] = typer.Option(None, "--quarantine", help="Where to write rejected rows "
                                              "(JSON lines). Default: ~/.local/share/ownerscope/quarantine/."),
    batch_size: int = typer.Option(100_000, "--batch-size", min=1, help="Records per store write."),
    output: Fmt = typer.Option(Fmt.table, "--format", help="Summary as text or JSON."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
    published: Optional[str] = typer.Option(None, "--published", help="The list's publication date "
                                            "(YYYY-MM-DD) when the file does not state it (the legacy SDN "
                                            "CSV); default: the date in the file, else the file's date."),
    snapshot: bool = typer.Option(False, "--snapshot", help="The files are a complete snapshot of the source "
                                  "(--dataset): what an earlier ingest of it stored and this one lacks is "
                                  "ended on --snapshot-date."),
    snapshot_date: Optional[str] = typer.Option(None, "--snapshot-date", help="YYYY-MM-DD (default today)."),
):
    """Load records from source files into the graph store.

    Bad rows are reported with file and line, written to a quarantine file with their reason, and the
    rest still loads. Exit status: 0 all rows stored, 3 some rows quarantined, 1 nothing could be read.
    """
    from .dates import parse_date, today
    from .errors import InputError
    from .ingest.run import run_ingest

    if snapshot_date and not snapshot:
        raise InputError("--snapshot-date needs --snapshot")
    day = None
    if snapshot:
        try:
            day = parse_date(snapshot_date) or today()
        except ValueError as e:
            raise InputError(f"--snapshot-date: {e}") from None
        if len(day) != 10:
            raise InputError(f"--snapshot-date must be a full date YYYY-MM-DD, got {snapshot_date!r}")
    report = run_ingest(fmt, paths, store_url=store, dataset=dataset, quarantine=quarantine,
                        batch_size=batch_size, show_progress=progress, published=published,
                        snapshot=day)
    if output == Fmt.json:
        print_json(report.to_dict())
    else:
        for rej in report.rejects[:20]:
            err.print(f"[yellow]{escape(rej.file)}:{rej.line}[/]: {escape(rej.reason)}", highlight=False)
        if report.quarantined > 20:
            err.print(f"... and {report.quarantined - 20:,} more", highlight=False)
        out.print(report.summary(), highlight=False, markup=False)
        if report.quarantine_path:
            out.print(f"quarantined rows with their reasons: {report.quarantine_path}", highlight=False,
                      markup=False)
    if report.quarantined:
        raise typer.Exit(3)


# ---------------------------------------------------------------------------------------------- reads
@app.command()
@friendly
def stats(store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
          output: Fmt = typer.Option(Fmt.table, "--format")):
    """Count entities by type, relations by type and designations by authority."""
    s = _store(store, read_only=True)
    try:
        counts = s.counts()
    finally:
        s.close()
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
    s = _store(store, read_only=True)
    try:
        versions = s.list_versions()
    finally:
        s.close()
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
    from .errors import NotFound

    s = _store(store, read_only=True)
    try:
        detail = s.get_entity(entity_id)
    finally:
        s.close()
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


@app.command()
@friendly
def search(text: str = typer.Argument(..., metavar="NAME", help="A name, alias (any script) or identifier."),
           store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
           limit: int = typer.Option(20, "--limit", "-n", min=1, max=1000, help="At most this many hits."),
           output: Fmt = typer.Option(Fmt.table, "--format")):
    """Find entities by name, alias or identifier, best match first (the explorer's search)."""
    from .core import Core

    if not text.strip():
        from .errors import InputError

        raise InputError("give a name to search for")
    s = _store(store, read_only=True)
    try:
        hits = Core(s).search(text, limit=limit)
    finally:
        s.close()
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
def query(cypher: str = typer.Argument(..., help="A read-only Cypher query."),
          store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
          param: List[str] = typer.Option([], "--param", "-p", help="Query parameter NAME=VALUE (repeatable)."),
          limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Row limit (default 1000)."),
          timeout: Optional[float] = typer.Option(None, "--timeout", min=0.1, help="Seconds (default 30)."),
          output: Fmt = typer.Option(Fmt.table, "--format")):
    """Run a read-only Cypher query. Anything that would write is refused."""
    from .errors import QueryError
    from .settings import load_settings

    params = {}
    for p in param:
        if "=" not in p:
            raise QueryError(f"--param {p!r} is not NAME=VALUE")
        k, v = p.split("=", 1)
        params[k] = _param_value(v)
    st = load_settings()
    s = _store(store, read_only=True)
    try:
        res = s.query(cypher, params, limit=limit or st.query_row_limit, timeout_s=timeout or st.query_timeout_s)
    finally:
        s.close()
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


# ---------------------------------------------------------------------------------------------- web app
@app.command()
@friendly
def serve(store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
          host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. Beyond loopback the "
                                   "app needs a login (OWNERSCOPE_AUTH_USER + OWNERSCOPE_AUTH_PASSWORD, or "
                                   "OWNERSCOPE_AUTH_TOKEN) unless --insecure is given."),
          port: int = typer.Option(8050, "--port", min=1, max=65535),
          console: Optional[bool] = typer.Option(None, "--console/--no-console", help="Offer the read-only "
                                                 "Cypher page (default: $OWNERSCOPE_CONSOLE, off)."),
          insecure: bool = typer.Option(False, "--insecure", help="Allow a non-loopback address without a "
                                        "login (only behind something else that authenticates)."),
          debug: bool = typer.Option(False, "--debug", help="Dash debug mode (developers).")):
    """Serve the explorer web app on the store (opened read-only; loopback only unless configured)."""
    from .ui.app import serve_app

    serve_app(store, host=host, port=port, debug=debug, insecure=insecure, console=console)


DEMO_PUBLISHED = "2024-05-03"


@app.command()
@friendly
def demo(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (see serve --help)."),
         port: int = typer.Option(8050, "--port", min=1, max=65535),
         console: Optional[bool] = typer.Option(None, "--console/--no-console", help="Offer the read-only "
                                                "Cypher page (default: $OWNERSCOPE_CONSOLE, off)."),
         insecure: bool = typer.Option(False, "--insecure", help="Allow a non-loopback address without a login."),
         store: Optional[Path] = typer.Option(None, "--store", help="Where to build the demo store "
                                              "(default ~/.local/share/ownerscope/demo.lbug; rebuilt each time)."),
         serve_it: bool = typer.Option(True, "--serve/--no-serve", help="Serve the explorer after loading.")):
    """Load the bundled seed-case data (VSMPO-AVISMA, Rostec, Garayev...) into a fresh store and serve it."""
    from .demo import SEED_CASE
    from .ingest.run import run_ingest
    from .settings import load_settings

    if serve_it:  # refuse a bad bind address before building anything
        from .ui.auth import check_bind

        check_bind(host, load_settings(), insecure)
    path = store or (load_settings().home / "demo.lbug")
    for p in (path, Path(str(path) + ".wal")):
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    # the bundle's undated designations all come from the OFAC SDN list of 2024-05-03 (SEED_CASE.md):
    # that is the publication date of this list version
    report = run_ingest("csv", [SEED_CASE], store_url=str(path), dataset="ownerscope-demo",
                        show_progress=False, published=DEMO_PUBLISHED)
    out.print(report.summary(), highlight=False, markup=False)
    out.print(f"demo store: {path} (other commands: --store {path}, or export OWNERSCOPE_STORE={path})",
              highlight=False, markup=False)
    if report.quarantined:
        from .errors import InputError

        raise InputError(f"the bundled demo data has {report.quarantined} bad rows: "
                         f"{report.rejects[0].file}:{report.rejects[0].line}: {report.rejects[0].reason}")
    if serve_it:
        from .ui.app import serve_app

        serve_app(str(path), host=host, port=port, insecure=insecure, console=console)


# Commands that live with their package register themselves here: register(app, friendly).
_COMMAND_MODULES = ("ownerscope.exposure.commands", "ownerscope.ingest.resolve_commands",
                    "ownerscope.ingest.fetch_commands", "ownerscope.api.commands",
                    "ownerscope.graph.export_commands")


def _register_commands() -> None:
    import importlib

    for name in _COMMAND_MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if not (e.name and (name == e.name or name.startswith(e.name + "."))):
                raise
            continue
        mod.register(app, friendly)


_register_commands()


def run() -> None:
    app()


if __name__ == "__main__":
    run()
