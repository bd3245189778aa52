"""New rows of the embedded store held back for one bulk COPY per table (see EmbeddedStore).

The engine's COPY into a relationship table gets slower the more the table already holds (the same 80k-row
COPY: 0.55 s into an empty table, 18 s into one of 1.3M rows), so an ingest that writes each batch as it
comes pays that growth once per batch. `StagedWrites` keeps the new rows of every table as Polars frames,
writes a table's frames to a Parquet file beside the store once they pass `stage_rows`, and at the end
hands each table's frames and files to one COPY, in an order that gives every relationship its two ends
(entities and designations first, then LISTED and the relation tables).

The staged rows are not in the store until they are copied: a process that dies first loses them (the
staging folder is removed the next time the store is opened for writing), and since every write is an
idempotent upsert, running the same ingest again restores them.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import polars as pl

FIRST = ("Entity", "Designation")  # node tables: copied before the relationship tables that point at them
STAGE_ROWS = 500_000  # rows of one table held in memory; past this, written to a Parquet file


def staging_dir(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".ownerscope-staging")


def clear_stale(store_path: Path) -> None:
    """Remove what a process that died before copying left behind (its rows were never in the store)."""
    shutil.rmtree(staging_dir(store_path), ignore_errors=True)


class StagedWrites:
    def __init__(self, store_path: Path, stage_rows: int = STAGE_ROWS):
        self.dir = staging_dir(store_path)
        self.stage_rows = stage_rows
        self._frames: dict[str, list[pl.DataFrame]] = {}
        self._rows: dict[str, int] = {}
        self._files: dict[str, list[Path]] = {}
        self._ids: dict[str, set[str]] = {}  # table -> ids staged (node ids; relation ids per label)
        self._n = 0

    def __bool__(self) -> bool:
        return bool(self._frames) or bool(self._files)

    def holds(self, table: str, ids) -> bool:
        staged = self._ids.get(table)
        return bool(staged) and any(i in staged for i in ids)

    def staged_ids(self, table: str) -> set[str]:
        return self._ids.get(table, set())

    def add(self, table: str, frame: pl.DataFrame, ids=None) -> None:
        if frame.height == 0:
            return
        self._frames.setdefault(table, []).append(frame)
        self._rows[table] = self._rows.get(table, 0) + frame.height
        if ids is not None:
            self._ids.setdefault(table, set()).update(ids)
        if self._rows[table] >= self.stage_rows:
            self._spill(table)

    def _spill(self, table: str) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self._n += 1
        path = self.dir / f"{table}-{self._n:05d}.parquet"
        pl.concat(self._frames.pop(table), rechunk=False).write_parquet(path, compression="lz4")
        self._rows[table] = 0
        self._files.setdefault(table, []).append(path)

    def drain(self, copy_frame: Callable[[str, pl.DataFrame], None],
              copy_files: Callable[[str, list[Path]], None]) -> None:
        """One COPY per table: node tables first. What was copied is dropped even if a later COPY fails
        (the store then holds the tables before it; an ingest run again fills in the rest)."""
        tables = [t for t in FIRST if t in self._frames or t in self._files]
        tables += [t for t in dict.fromkeys([*self._files, *self._frames]) if t not in FIRST]
        try:
            for table in tables:
                frames = self._frames.pop(table, [])
                files = self._files.pop(table, [])
                self._rows.pop(table, None)
                self._ids.pop(table, None)
                if files:
                    if frames:
                        self._n += 1
                        path = self.dir / f"{table}-{self._n:05d}.parquet"
                        pl.concat(frames, rechunk=False).write_parquet(path, compression="lz4")
                        files.append(path)
                    copy_files(table, files)
                elif frames:
                    copy_frame(table, frames[0] if len(frames) == 1 else pl.concat(frames))
        finally:
            self._frames.clear()
            self._files.clear()
            self._rows.clear()
            self._ids.clear()
            shutil.rmtree(self.dir, ignore_errors=True)
