"""What adapters yield: a parsed model record with where it came from, or a rejected row with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..graph.model import Designation, Entity, Relation


@dataclass
class Parsed:
    record: Entity | Relation | Designation
    file: str
    line: int
    # a stand-in entity (e.g. a company known to a relationship file only by its number): not a row read;
    # stored only when a link in the same batch needs it and no entity of that id exists, so it never
    # overwrites a real record. Adapters yield it before the links that need it.
    placeholder: bool = False
    # an update of a record this run already read (an FtM Address applied to a second entity that refers
    # to it): stored, but neither a row read nor a record of its own
    update: bool = False


@dataclass
class Rejected:
    file: str
    line: int
    reason: str
    raw: Any = None


@dataclass
class Skipped:
    """A source row that is read and deliberately not stored (e.g. an Address in an FtM export).

    It still counts: rows read = stored + quarantined + skipped, and the summary says why."""

    file: str
    line: int
    reason: str


# What a record of an unexpected shape (a number where a list belongs, say) raises inside an adapter's
# mapping: the record is quarantined with this, instead of a traceback ending the whole ingest.
SHAPE_ERRORS = (TypeError, ValueError, AttributeError, KeyError, IndexError)


def shape_error(e: Exception) -> str:
    return f"malformed record: a field has an unexpected type or value ({type(e).__name__}: {e})"


def count_newlines(fh) -> int:
    """Lines in a binary file object, read in 1 MiB chunks (for progress-bar estimates)."""
    return count_markers(fh, b"\n")


def count_markers(fh, *markers: bytes) -> int:
    """How often the byte strings occur in a binary file object, read in 1 MiB chunks (an estimate for
    progress bars: a marker split across two chunks is missed)."""
    n = 0
    for chunk in iter(lambda: fh.read(1 << 20), b""):
        n += sum(chunk.count(m) for m in markers)
    return n


def count_in_files(paths, *markers: bytes) -> int:
    """count_markers over several files."""
    n = 0
    for p in paths:
        with open(p, "rb") as fh:
            n += count_markers(fh, *markers)
    return n
