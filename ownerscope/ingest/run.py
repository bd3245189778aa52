"""Run one ingest: pick the adapter, open the store, show progress, return the report."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..graph.store import open_store
from ..settings import load_settings
from .pipeline import DEFAULT_BATCH, IngestReport, Pipeline, default_quarantine_path
from .registry import FORMATS, available, get_adapter


def run_ingest(fmt: str, paths: list[Path], store_url: str | None = None, dataset: str | None = None,
               quarantine: Path | None = None, batch_size: int = DEFAULT_BATCH,
               show_progress: bool = True, store=None, published: str | None = None,
               source_url: str | None = None) -> IngestReport:
    adapter = get_adapter(fmt)
    if adapter is None:
        if fmt in FORMATS:
            raise InputError(f"the {fmt} format is not available yet (available: {', '.join(available())})")
        raise InputError(f"unknown format {fmt!r} (choose one of {', '.join(FORMATS)})")
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.exists():
            raise InputError(f"{p}: no such file or folder")
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
                report = pipe.run(adapter.read(paths, dataset))
        else:
            report = Pipeline(store, dataset, qpath, batch_size, list_version=lv).run(adapter.read(paths, dataset))
    finally:
        if own_store:
            store.close()
    report.files = [str(p) for p in paths]
    return report
