"""Run one ingest: pick the adapter, open the store, show progress, return the report."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..graph.store import open_store
from ..settings import load_settings
from .pipeline import DEFAULT_BATCH, IngestReport, Pipeline, default_quarantine_path
from .records import Rejected
from .registry import FORMATS, available, get_adapter

SNIFF_ROWS = 50  # a file whose first rows all fail to parse is refused as another format


class WrongFormat(InputError):
    pass


def refuse_other_formats(items, fmt: str, paths: list[Path], first: int = SNIFF_ROWS):
    """Pass the adapter's items through; when not one of the first `first` rows parses (or the whole input
    fails and it looks like another format), stop with an InputError that names the likely format."""
    from .sniff import guess_format

    leading = 0
    parsed = False

    def refuse():
        guess = next((g for g in (guess_format(p) for p in paths) if g and g != fmt), None)
        hint = f"; it looks like {guess}: try `ownerscope ingest {guess} ...`" if guess else ""
        raise WrongFormat(f"{paths[0]}: not a {fmt} file (none of its first {leading:,} rows could be read "
                          f"as {fmt}){hint}")

    for item in items:
        if not parsed:
            if isinstance(item, Rejected):
                leading += 1
                if leading >= first:
                    refuse()
            else:
                parsed = True
        yield item
    if not parsed and leading:
        from .sniff import guess_format

        if any(g and g != fmt for g in (guess_format(p) for p in paths)):
            refuse()


def check_ingest(fmt: str, paths) -> object:
    """The adapter for a format, once the format is known and every path exists (else an InputError)."""
    adapter = get_adapter(fmt)
    if adapter is None:
        if fmt in FORMATS:
            raise InputError(f"the {fmt} format is not available yet (available: {', '.join(available())})")
        raise InputError(f"unknown format {fmt!r} (choose one of {', '.join(FORMATS)})")
    for p in paths:
        if not Path(p).exists():
            raise InputError(f"{p}: no such file or folder")
    return adapter


def run_ingest(fmt: str, paths: list[Path], store_url: str | None = None, dataset: str | None = None,
               quarantine: Path | None = None, batch_size: int = DEFAULT_BATCH,
               show_progress: bool = True, store=None, published: str | None = None,
               source_url: str | None = None, snapshot: str | None = None) -> IngestReport:
    """Run one ingest. `snapshot` (an ISO date): the files are a complete snapshot of the source named by
    `dataset`: what an earlier ingest of that source stored and this one no longer holds stops being
    asserted on that date (relations) or is taken as delisted then (designations, the end date noted as
    inferred). Without it, an ingest only adds and updates: a partial file never ends anything."""
    adapter = check_ingest(fmt, paths)
    paths = [Path(p) for p in paths]
    dataset = dataset or f"{fmt}:{paths[0].name}"
    settings = load_settings()
    qpath = quarantine or default_quarantine_path(settings.quarantine_dir or settings.home, dataset)
    total = adapter.estimate(paths)
    from .list_versions import describe

    lv = describe(adapter, paths, published, dataset)
    if source_url:
        lv.url = source_url
    own_store = store is None
    store = store or open_store(store_url)
    try:
        if show_progress:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)
            from ..console import err

            with Progress(TextColumn(f"[bold]{fmt}[/] {dataset}"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("rows"), TimeElapsedColumn(), TimeRemainingColumn(), console=err,
                          transient=True) as bar:
                task = bar.add_task("ingest", total=total)
                pipe = Pipeline(store, dataset, qpath, batch_size,
                                on_progress=lambda n: bar.update(task, completed=n), list_version=lv)
                report = _run(pipe, adapter, fmt, paths, dataset, qpath)
        else:
            pipe = Pipeline(store, dataset, qpath, batch_size, list_version=lv)
            report = _run(pipe, adapter, fmt, paths, dataset, qpath)
        if snapshot:
            report.withdrawn = store.withdraw_missing(dataset, pipe.seen_ids, snapshot)
    finally:
        if own_store:
            store.close()
    report.files = [str(p) for p in paths]
    return report


def _run(pipe: Pipeline, adapter, fmt: str, paths: list[Path], dataset: str, qpath: Path) -> IngestReport:
    try:
        return pipe.run(refuse_other_formats(adapter.read(paths, dataset), fmt, paths))
    except WrongFormat:
        if pipe.quarantine.used:  # nothing was stored: the rows written so far are not worth keeping
            qpath.unlink(missing_ok=True)
        raise
