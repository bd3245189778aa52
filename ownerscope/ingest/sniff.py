"""Guess which adapter a file is for, from its first bytes: the hint given when a file is refused as the
wrong format (every one of its first rows failed to parse in the adapter the user chose)."""

from __future__ import annotations

import gzip
from pathlib import Path

HEAD = 16_384


def _head(path: Path) -> str:
    try:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file())
            if {"entities.csv", "relations.csv", "designations.csv"} & {p.name for p in files}:
                return "csv-bundle"
            path = files[0] if files else path
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as fh:
            return fh.read(HEAD).decode("utf-8", "replace")
    except (OSError, IndexError, EOFError):
        return ""


def guess_format(path: Path) -> str | None:
    """The ownerscope format name a file most likely is, or None."""
    text = _head(Path(path))
    if text == "csv-bundle":
        return "csv"
    low = text.lower()
    if '"statementid"' in low or '"recordtype"' in low or '"statementtype"' in low:
        return "bods"
    if '"schema"' in low and '"properties"' in low:
        return "ftm"
    if "<leidata" in low or "<rr:" in low or "<relationshipdata" in low or "<repex" in low or "gleif" in low[:2000]:
        return "gleif"
    if ('"company_number"' in low and '"data"' in low) or "companynumber" in low[:2000].replace(" ", "") \
            or '"companyname"' in low:
        return "uk-psc"
    if "group id" in low and "name 6" in low:
        return "uk-sanctions"
    first = text.lstrip().split("\n", 1)[0]
    if first[:1].isdigit() and "-0-" in first:
        return "ofac-sdn"
    if first.startswith("id,") and ",type" in first and ",name" in first:
        return "csv"
    return None
