"""The ownerscope command line: a root Typer app made of one sub-app per area. Each command parses its
options, calls the core service (ownerscope.core) and prints; no domain module imports this package."""

from __future__ import annotations

import typer

from .. import __version__
from ..console import out
from . import exposure, ingest, reads, resolve, web

app = typer.Typer(help="ownerscope: explore ownership networks and sanctions exposure.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def version_cb(value: bool):
    if value:
        out.print(f"ownerscope {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=version_cb, is_eager=True,
                                      help="Print the version and exit.")):
    """ownerscope: explore ownership networks and sanctions exposure."""


for _sub in (ingest.app, reads.app, exposure.app, web.app):
    app.add_typer(_sub)  # no name: the sub-app's commands are top-level commands
app.add_typer(resolve.app, name="resolve")


def run() -> None:
    app()


__all__ = ["app", "run"]
