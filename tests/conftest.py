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


BACKENDS = ["embedded", "neo4j"]


def neo4j_url() -> str | None:
    return os.environ.get("OWNERSCOPE_TEST_NEO4J_URL") or None


def open_test_neo4j(monkeypatch):
    """The test Neo4j server's database, cleared. Needs OWNERSCOPE_TEST_NEO4J_URL (set by .ci/run, which
    starts a real server); under CI a missing server fails the test instead of skipping it."""
    from ownerscope.graph.store import open_store

    url = neo4j_url()
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI needs a Neo4j server: OWNERSCOPE_TEST_NEO4J_URL is not set")
        pytest.skip("no Neo4j server (run tools/neo4j/neo4j-test-server start)")
    monkeypatch.setenv("OWNERSCOPE_NEO4J_PASSWORD", os.environ.get("OWNERSCOPE_TEST_NEO4J_PASSWORD",
                                                                   "ownerscope-test"))
    s = open_store(url)
    s.clear()
    return s


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path, monkeypatch):
    """A real, empty store of each backend. Neo4j needs OWNERSCOPE_TEST_NEO4J_URL (set by .ci/run, which
    starts a real server); under CI a missing server fails the test instead of skipping it."""
    from ownerscope.graph.store import open_store

    if request.param == "embedded":
        s = open_store(str(tmp_path / "contract.lbug"))
    else:
        import importlib.util

        if importlib.util.find_spec("ownerscope.graph.neo4j") is None:
            pytest.skip("the Neo4j backend module is not in this build")
        s = open_test_neo4j(monkeypatch)
    yield s
    s.close()


@pytest.fixture
def store_url(request, store):
    return store.url
