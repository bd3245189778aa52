"""The CLI names of the source formats and the adapter each one runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .records import Parsed, Rejected, Skipped

Reader = Callable[[list[Path], str], Iterator[Parsed | Rejected | Skipped]]


@dataclass(frozen=True)
class Adapter:
    name: str
    description: str
    read: Reader
    estimate: Callable[[list[Path]], int | None]  # rows expected, for the progress bar
    # what the list version of an ingest is called: the publisher (authority code, "" when a file mixes
    # several), a title, and a reader of the file's own header ({"published", "name", "authority", "url"})
    authority: str = ""
    title: str = ""
    header: Callable[[list[Path]], dict] | None = None


def _csv() -> Adapter:
    from . import csv_bundle

    def read(paths: list[Path], dataset: str):
        for p in paths:
            yield from csv_bundle.read_bundle(p, dataset)

    def estimate(paths: list[Path]) -> int:
        return sum(csv_bundle.count_rows(csv_bundle.bundle_files(p)) for p in paths)

    return Adapter("csv", "a CSV bundle folder (entities.csv, relations.csv, designations.csv)", read, estimate)


_FACTORIES: dict[str, Callable[[], Adapter]] = {"csv": _csv}
FORMATS = ("csv", "ftm", "bods", "ofac-sdn", "ofac-advanced", "eu-fsf", "un", "uk-sanctions", "gleif", "uk-psc")


def register(name: str, factory: Callable[[], Adapter]) -> None:
    _FACTORIES[name] = factory


def get_adapter(name: str) -> Adapter | None:
    _load_optional()
    factory = _FACTORIES.get(name)
    return factory() if factory else None


def available() -> list[str]:
    _load_optional()
    return [f for f in FORMATS if f in _FACTORIES]


def _load_optional() -> None:
    """Adapters living in their own modules register themselves on import."""
    import importlib

    for mod in ("ftm", "bods", "ofac_sdn", "ofac_advanced", "eu_fsf", "un_list", "uk_sanctions", "gleif", "uk_psc"):
        try:
            importlib.import_module(f"{__package__}.{mod}")
        except ModuleNotFoundError as e:
            if e.name != f"{__package__}.{mod}":
                raise
            continue
