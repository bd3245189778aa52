"""`ownerscope fetch SOURCE`: download an official list from its published URL, keep it with its version,
ingest it. A file whose content was loaded before (same format and sha256) is not ingested again.

Kept files: <home>/lists/<source>/<published>-<sha256[:12]><ext>, so every version loaded stays on disk
beside the store's record of it (`ownerscope datasets`). Only http:// and https:// URLs are fetched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import InputError

OFAC_API = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"


@dataclass(frozen=True)
class FetchSource:
    name: str
    format: str
    url: str
    filename: str
    about: str


SOURCES = {s.name: s for s in (
    FetchSource("ofac-advanced", "ofac-advanced", OFAC_API + "SDN_ADVANCED.XML", "sdn_advanced.xml",
                "OFAC SDN list, Advanced XML"),
    FetchSource("ofac-cons-advanced", "ofac-advanced", OFAC_API + "CONS_ADVANCED.XML", "cons_advanced.xml",
                "OFAC consolidated (non-SDN) lists, Advanced XML"),
    FetchSource("ofac-sdn", "ofac-sdn", OFAC_API + "SDN.CSV", "sdn.csv", "OFAC SDN list, legacy CSV"),
    FetchSource("eu-fsf", "eu-fsf", "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/"
                "content?token=dG9rZW4tMjAxNw", "eu_fsf.xml", "EU Financial Sanctions Files, consolidated XML"),
    FetchSource("un", "un", "https://scsanctions.un.org/resources/xml/en/consolidated.xml", "un_consolidated.xml",
                "UN Security Council consolidated list, XML"),
    FetchSource("uk-sanctions", "uk-sanctions", "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
                "uk_sanctions_list.xml", "UK Sanctions List, XML"),
)}
OPENSANCTIONS = "https://data.opensanctions.org/datasets/latest/{name}/entities.ftm.json"
CRON = "17 6 * * * ownerscope fetch ofac-advanced --store STORE --no-progress >> ~/ownerscope-fetch.log 2>&1"


def source_for(name: str, url: str | None = None) -> FetchSource:
    """A known source, or `opensanctions:DATASET` (an OpenSanctions dataset by name); `url` overrides."""
    if name.startswith("opensanctions:"):
        ds = name.split(":", 1)[1].strip()
        if not ds or not all(c.isalnum() or c in "_-" for c in ds):
            raise InputError(f"{name!r}: an OpenSanctions dataset name is letters, digits, '_' and '-' "
                             f"(e.g. opensanctions:us_ofac_sdn)")
        src = FetchSource(name, "ftm", OPENSANCTIONS.format(name=ds), f"{ds}.ftm.json",
                          f"OpenSanctions dataset {ds}")
    elif name in SOURCES:
        src = SOURCES[name]
    else:
        raise InputError(f"unknown source {name!r}: use one of {', '.join(SOURCES)} or opensanctions:DATASET")
    if url:
        src = FetchSource(src.name, src.format, url, src.filename, src.about)
    check_url(src.url)
    return src


def check_url(url: str) -> None:
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in ("http", "https"):
        raise InputError(f"{url!r}: only http:// and https:// URLs are fetched")


def download(url: str, dest: Path, on_progress: Callable[[int, int | None], None] | None = None,
             timeout: float = 60.0) -> str:
    """Stream `url` into `dest`; return the sha256 of what was written. The file gets the server's
    Last-Modified date, the "file date" of a list that states no publication date of its own."""
    check_url(url)
    req = urllib.request.Request(url, headers={"User-Agent": "ownerscope-fetch"})
    h = hashlib.sha256()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp, dest.open("wb") as fh:
            total = resp.headers.get("Content-Length")
            total = int(total) if total and total.isdigit() else None
            done = 0
            for chunk in iter(lambda: resp.read(1 << 16), b""):
                fh.write(chunk)
                h.update(chunk)
                done += len(chunk)
                if on_progress:
                    on_progress(done, total)
            modified = resp.headers.get("Last-Modified")
    except urllib.error.HTTPError as e:
        raise InputError(f"{url}: the server answered {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise InputError(f"{url}: download failed: {reason}") from None
    if modified:
        from email.utils import parsedate_to_datetime

        try:
            ts = parsedate_to_datetime(modified).timestamp()
            os.utime(dest, (ts, ts))
        except (TypeError, ValueError, OverflowError):
            pass
    return h.hexdigest()


@dataclass
class FetchResult:
    source: FetchSource
    path: Path
    sha256: str
    changed: bool
    list_version: dict | None = None
    report: object | None = None  # the IngestReport when it was ingested


def fetch(name: str, url: str | None = None, store_url: str | None = None, keep_dir: Path | None = None,
          show_progress: bool = True, store=None) -> FetchResult:
    from ..graph.model import ListVersion, stable_id
    from ..graph.store import open_store
    from ..settings import load_settings
    from .list_versions import describe
    from .registry import get_adapter
    from .run import run_ingest

    src = source_for(name, url)
    adapter = get_adapter(src.format)
    folder = Path(keep_dir or (load_settings().home / "lists")) / src.name.replace(":", "-")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".download-", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if show_progress:
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
            from ..console import err

            with Progress(TextColumn(f"[bold]fetch[/] {src.name}"), BarColumn(), DownloadColumn(),
                          TransferSpeedColumn(), console=err, transient=True) as bar:
                task = bar.add_task("download", total=None)
                sha = download(src.url, tmp, lambda n, t: bar.update(task, completed=n, total=t))
        else:
            sha = download(src.url, tmp)
        ext = Path(src.filename).suffix
        own = store is None
        store = store or open_store(store_url)
        try:
            lv_id = stable_id("list", src.format, sha)
            known = {v["id"]: v for v in store.list_versions()}
            if lv_id in known:
                kept = next((p for p in folder.glob(f"*-{sha[:12]}{ext}")), None)
                if kept is None:  # loaded from elsewhere: keep this copy too
                    kept = folder / (f"{Path(src.filename).stem}-{known[lv_id]['published'] or 'undated'}-"
                                     f"{sha[:12]}{ext}")
                    shutil.move(str(tmp), kept)
                return FetchResult(src, kept, sha, False, known[lv_id])
            staged = tmp.with_name(src.filename)
            shutil.move(str(tmp), staged)
            tmp = staged
            lv: ListVersion = describe(adapter, [staged])
            kept = folder / f"{Path(src.filename).stem}-{lv.published or 'undated'}-{sha[:12]}{ext}"
            shutil.move(str(staged), kept)
            report = run_ingest(src.format, [kept], store=store, dataset=f"{src.format}:{src.filename}",
                                show_progress=show_progress, published=None, source_url=src.url)
            return FetchResult(src, kept, sha, True, report.list_version.to_dict() if report.list_version else None,
                               report)
        finally:
            if own:
                store.close()
    finally:
        if tmp.exists():
            tmp.unlink()
