"""CLI command `ownerscope fetch`: download, version and ingest an official list."""


from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer, friendly) -> None:
    from ..cli import STORE_HELP, Fmt
    from .fetch import CRON, SOURCES

    names = ", ".join(SOURCES)

    @app.command(help=f"""Download an official list from its published URL, keep it with its version, and ingest it.

    SOURCE is one of {names}, or opensanctions:DATASET (an OpenSanctions dataset by name). A file whose
    content is already loaded (same sha256) is kept but not ingested again: nothing is written.
    Schedule it with cron, e.g.: {CRON}
    """)
    @friendly
    def fetch(
        source: str = typer.Argument(..., metavar="SOURCE", help=f"{names} or opensanctions:DATASET."),
        url: Optional[str] = typer.Option(None, "--url", help="Fetch from this http(s) URL instead of the "
                                          "published one (a mirror, a proxy, a local copy)."),
        store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
        keep_dir: Optional[Path] = typer.Option(None, "--keep-dir", help="Where downloaded versions are kept "
                                                "(default ~/.local/share/ownerscope/lists/)."),
        progress: bool = typer.Option(True, "--progress/--no-progress", help="Show progress bars."),
        output: Fmt = typer.Option(Fmt.table, "--format", help="Summary as text or JSON."),
    ):
        from ..console import out, print_json
        from .fetch import fetch as run_fetch

        res = run_fetch(source, url=url, store_url=store, keep_dir=keep_dir, show_progress=progress)
        lv = res.list_version or {}
        if output == Fmt.json:
            print_json({"source": res.source.name, "url": res.source.url, "file": str(res.path),
                        "sha256": res.sha256, "changed": res.changed, "list_version": lv,
                        "ingest": res.report.to_dict() if res.report is not None else None})
        elif not res.changed:
            out.print(f"{res.source.name}: unchanged ({lv.get('name')} published {lv.get('published')}, "
                      f"loaded {(lv.get('loaded') or '')[:10]}); nothing written. File: {res.path}",
                      highlight=False)
        else:
            out.print(res.report.summary(), highlight=False)
            out.print(f"kept {res.path}", highlight=False)
        if res.report is not None and res.report.quarantined:
            raise typer.Exit(3)
