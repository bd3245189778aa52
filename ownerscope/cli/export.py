"""`ownerscope export ...`: the store's data for other tools (Neo4j's offline initial load)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..console import out
from .common import STORE_HELP, core_session, friendly

app = typer.Typer(name="export", help="Export the store for other tools.", no_args_is_help=True)


@app.command("neo4j-import")
@friendly
def neo4j_import(
    folder: Path = typer.Argument(..., metavar="DIR", help="Folder for the CSV and arguments files."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
):
    """Write the files for Neo4j's offline initial load (`neo4j-admin database import full`).

    Then, with the Neo4j server stopped: neo4j-admin database import full neo4j @DIR/neo4j-admin-import.args
    (it replaces the database), start Neo4j and run `ownerscope export neo4j-finish --store bolt://...`.
    """
    with core_session(store) as core:
        res = core.export_neo4j_import(folder)
    out.print(f"{res.rows} rows ({', '.join(f'{k} {v}' for k, v in {**res.nodes, **res.relationships}.items())}) "
              f"written to {res.folder} in {res.seconds:.1f} s", highlight=False, markup=False)
    out.print(f"load them (Neo4j stopped): neo4j-admin database import full neo4j @{res.args_file}",
              highlight=False, markup=False)


@app.command("neo4j-finish")
@friendly
def neo4j_finish(store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP)):
    """After the import tool: create ownerscope's constraints and indexes, give back empty lists."""
    with core_session(store, read_only=False) as core:
        fixed = core.finish_neo4j_import()
    out.print(f"schema in place; empty lists restored on {sum(fixed.values())} records")
