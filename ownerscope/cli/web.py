"""`ownerscope serve`, `ownerscope demo` and `ownerscope api`: the explorer and the JSON API."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Optional

import typer

from ..console import out
from .common import STORE_HELP, core_session, friendly

app = typer.Typer()

DEMO_PUBLISHED = "2024-05-03"


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
    from ..ui.app import serve_app

    serve_app(store, host=host, port=port, debug=debug, insecure=insecure, console=console)


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
    from ..demo import SEED_CASE
    from ..settings import load_settings

    if serve_it:  # refuse a bad bind address before building anything
        from ..ui.auth import check_bind

        check_bind(host, load_settings(), insecure)
    path = store or (load_settings().home / "demo.lbug")
    for p in (path, Path(str(path) + ".wal")):
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    # the bundle's undated designations all come from the OFAC SDN list of 2024-05-03 (SEED_CASE.md):
    # that is the publication date of this list version
    with core_session(str(path), read_only=False) as core:
        report = core.ingest("csv", [SEED_CASE], dataset="ownerscope-demo", show_progress=False,
                             published=DEMO_PUBLISHED)
    out.print(report.summary(), highlight=False, markup=False)
    out.print(f"demo store: {path} (other commands: --store {path}, or export OWNERSCOPE_STORE={path})",
              highlight=False, markup=False)
    if report.quarantined:
        from ..errors import InputError

        raise InputError(f"the bundled demo data has {report.quarantined} bad rows: "
                         f"{report.rejects[0].file}:{report.rejects[0].line}: {report.rejects[0].reason}")
    if serve_it:
        from ..ui.app import serve_app

        serve_app(str(path), host=host, port=port, insecure=insecure, console=console)


@app.command("api")
@friendly
def api(store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; beyond loopback "
                                 "OWNERSCOPE_API_KEYS must be set."),
        port: int = typer.Option(8000, "--port", min=1, max=65535)):
    """Serve the yente-compatible JSON API with ownership exposure (store opened read-only)."""
    from ..api.serve import serve_api

    serve_api(store, host=host, port=port)
