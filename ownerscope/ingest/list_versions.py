"""The list version an ingest loads: publisher, publication date (from the file, else the file's date),
content hash and load time. Every designation of the ingest points to it (Designation.list_version)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

from ..dates import parse_date
from ..errors import InputError
from ..graph.model import ListVersion


def files_in(paths: list[Path]) -> list[Path]:
    """The files an ingest reads, in a stable order (a folder's files sorted by name)."""
    out = []
    for p in paths:
        out.extend(sorted(f for f in p.iterdir() if f.is_file()) if p.is_dir() else [p])
    return out


def sha256_of(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for f in files_in(paths):
        with f.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def file_date(paths: list[Path]) -> str | None:
    files = files_in(paths)
    if not files:
        return None
    newest = max(f.stat().st_mtime for f in files)
    return datetime.fromtimestamp(newest, tz=timezone.utc).date().isoformat()


def now_utc() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


TITLES = {"ftm": "FollowTheMoney export", "bods": "BODS statements", "gleif": "GLEIF LEI data",
          "uk-psc": "UK Companies House PSC snapshot", "csv": "CSV bundle"}


def describe(adapter, paths: list[Path], published: str | None = None, dataset: str | None = None) -> ListVersion:
    """The ListVersion of this ingest. `published` (the user's) wins over the file's header, which wins
    over the file's modification date. A generic format (CSV bundle, FtM, BODS ...) is named by the
    dataset the user gave it ("ownerscope-demo (CSV bundle)")."""
    head = adapter.header(paths) if adapter.header else {}
    basis = "file header"
    if published:
        try:
            published = parse_date(published)
        except ValueError as e:
            raise InputError(f"--published: {e}") from None
        basis = "given by the user"
    elif head.get("published"):
        published = head["published"]
    else:
        published, basis = file_date(paths), "file date"
    name = head.get("name") or adapter.title
    if not name:
        generic = TITLES.get(adapter.name, adapter.name)
        name = f"{dataset} ({generic})" if dataset and dataset != adapter.name else generic
    return ListVersion(authority=head.get("authority", adapter.authority), name=name, format=adapter.name, sha256=sha256_of(paths), published=published,
                       published_basis=basis, loaded=now_utc(), files=[p.name for p in paths],
                       url=head.get("url", ""))
