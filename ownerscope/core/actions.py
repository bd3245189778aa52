"""The core's writes and store-wide reads: ingest, fetch, resolution, counts and the read-only console.

Mixed into Core, so every face reaches the store through one object; the caches follow the store's data
version, so a write here drops exactly what it changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence


class StoreActions:
    store = None  # set by Core

    # ------------------------------------------------------------------ store-wide reads
    def counts(self) -> dict:
        """Entities by type, relations by type, designations by authority."""
        return self.store.counts()

    def query(self, cypher: str, params: dict | None = None, limit: int | None = None,
              timeout_s: float | None = None):
        """A read-only Cypher query from a user (the console): anything that would write or touch the host
        is refused by the store's guard."""
        return self.store.query(cypher, params or {}, limit=limit, timeout_s=timeout_s)

    # ------------------------------------------------------------------ ingest and fetch
    def ingest(self, fmt: str, paths: Sequence[Path], **options):
        """Load source files into the store (ownerscope.ingest.run.run_ingest's options)."""
        from ..ingest.run import run_ingest

        return run_ingest(fmt, list(paths), store=self.store, **options)

    def fetch(self, source: str, **options):
        """Download, version and ingest an official list (ownerscope.ingest.fetch.fetch's options)."""
        from ..ingest.fetch import fetch

        return fetch(source, store=self.store, **options)

    # ------------------------------------------------------------------ resolution
    def resolve_run(self, merge_at: float = 95, review_at: float = 80,
                    on_progress: Callable[[str], None] | None = None):
        from ..ingest import resolve

        return resolve.run(self.store, merge_at, review_at, on_progress=on_progress)

    def resolution_candidates(self) -> list[dict]:
        from ..ingest import resolve

        return resolve.candidates(self.store)

    def merges(self) -> list[dict]:
        """The merges in force, from the decisions log beside the store."""
        from ..ingest import resolve

        return resolve.Decisions(resolve.decisions_path(self.store)).active_merges()

    def confirm(self, a: str, b: str) -> dict:
        from ..ingest import resolve

        return resolve.confirm(self.store, a, b)

    def reject(self, a: str, b: str) -> int:
        from ..ingest import resolve

        return resolve.reject(self.store, a, b)

    def undo(self, entity_id: str) -> list[dict]:
        from ..ingest import resolve

        return resolve.undo(self.store, entity_id)


__all__ = ["StoreActions"]
