"""`ownerscope ingest` and `ownerscope fetch`: load source files, or download and load an official list."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape

from ..console import err, out, print_json
from ..ingest.fetch import CRON, SOURCES
from .common import STORE_HELP, Fmt, core_session, friendly

app = typer.Typer()


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
    from ..dates import parse_date, today
    from ..errors import InputError
    from ..ingest.run import check_ingest

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
    check_ingest(fmt, paths)  # a wrong format or a missing file is refused before the store is opened
    with core_session(store, read_only=False) as core:
        report = core.ingest(fmt, paths, dataset=dataset, quarantine=quarantine, batch_size=batch_size,
                             show_progress=progress, published=published, snapshot=day)
    print_ingest(report, output)


def print_ingest(report, output: Fmt) -> None:
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


_NAMES = ", ".join(SOURCES)


@app.command(help=f"""Download an official list from its published URL, keep it with its version, and ingest it.

SOURCE is one of {_NAMES}, or opensanctions:DATASET (an OpenSanctions dataset by name). A file whose
content is already loaded (same sha256) is kept but not ingested again: nothing is written.
Schedule it with cron, e.g.: {CRON}
""")
@friendly
def fetch(
    source: str = typer.Argument(..., metavar="SOURCE", help=f"{_NAMES} or opensanctions:DATASET."),
    url: Optional[str] = typer.Option(None, "--url", help="Fetch from this http(s) URL instead of the "
                                      "published one (a mirror, a proxy, a local copy)."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    keep_dir: Optional[Path] = typer.Option(None, "--keep-dir", help="Where downloaded versions are kept "
                                            "(default ~/.local/share/ownerscope/lists/)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show progress bars."),
    output: Fmt = typer.Option(Fmt.table, "--format", help="Summary as text or JSON."),
):
    from ..ingest.fetch import source_for

    source_for(source, url)  # an unknown source or a bad URL is refused before the store is opened
    with core_session(store, read_only=False) as core:
        res = core.fetch(source, url=url, keep_dir=keep_dir, show_progress=progress)
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
