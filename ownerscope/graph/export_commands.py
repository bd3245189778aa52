"""CLI commands `ownerscope export neo4j-import` and `ownerscope export neo4j-finish` (graph/neo4j_import.py)."""

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer, friendly) -> None:
    from ..cli import STORE_HELP, _store

    sub = typer.Typer(help="Export the store for other tools.", no_args_is_help=True)

    @sub.command("neo4j-import")
    @friendly
    def neo4j_import(
        folder: Path = typer.Argument(..., metavar="DIR", help="Folder for the CSV and arguments files."),
        store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    ):
        """Write the files for Neo4j's offline initial load (`neo4j-admin database import full`).

        Then, with the Neo4j server stopped: neo4j-admin database import full neo4j @DIR/neo4j-admin-import.args
        (it replaces the database), start Neo4j and run `ownerscope export neo4j-finish --store bolt://...`.
        """
        from ..console import out
        from .neo4j_import import write_import_files

        s = _store(store, read_only=True)
        try:
            res = write_import_files(s, folder)
        finally:
            s.close()
        out.print(f"{res.rows} rows ({', '.join(f'{k} {v}' for k, v in {**res.nodes, **res.relationships}.items())}) "
                  f"written to {res.folder} in {res.seconds:.1f} s")
        out.print(f"load them (Neo4j stopped): neo4j-admin database import full neo4j @{res.args_file}")

    @sub.command("neo4j-finish")
    @friendly
    def neo4j_finish(store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP)):
        """After the import tool: create ownerscope's constraints and indexes, give back empty lists."""
        from ..console import out
        from ..errors import ConfigError
        from .neo4j import Neo4jStore
        from .neo4j_import import finish_import

        s = _store(store)
        try:
            if not isinstance(s, Neo4jStore):
                raise ConfigError("neo4j-finish needs a Neo4j store (--store bolt://...)")
            fixed = finish_import(s)
        finally:
            s.close()
        out.print(f"schema in place; empty lists restored on {sum(fixed.values())} records")

    app.add_typer(sub, name="export")
