"""Shared fixtures. Store fixtures give a real LadybugDB store (and Neo4j where configured)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("OWNERSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets its own OWNERSCOPE_HOME, so no test touches a user's store or another test's."""
    monkeypatch.setenv("OWNERSCOPE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OWNERSCOPE_STORE", raising=False)


@pytest.fixture
def embedded_store(tmp_path):
    from ownerscope.graph.store import open_store

    store = open_store(str(tmp_path / "store.lbug"))
    yield store
    store.close()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not present at {SHARED_DATA}")
    return SHARED_DATA


def write_bundle(folder: Path, entities: str = "", relations: str = "", designations: str = "") -> Path:
    """Write a CSV bundle from literal CSV texts (header included); empty texts are left out."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("entities.csv", entities), ("relations.csv", relations),
                       ("designations.csv", designations)):
        if text:
            (folder / name).write_text(text.strip() + "\n", encoding="utf-8")
    return folder
