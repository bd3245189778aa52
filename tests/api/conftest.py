"""An API over a real store of each backend, loaded with the seed case, a person with a date of birth and a
merged id."""

from __future__ import annotations

import pytest

from ownerscope.demo import SEED_CASE
from ownerscope.graph.model import Entity, Source
from ownerscope.ingest.run import run_ingest

PERSON = Entity(id="test-ivan", type="person", name="Ivan Petrovich Sidorov", birth_dates=["1961-07-02"],
                nationalities=["ru"], identifiers=["passport:7101234567"], sources=[Source("test")])


def load(store) -> None:
    run_ingest("csv", [SEED_CASE], dataset="ownerscope-demo", show_progress=False, store=store,
               published="2024-05-03")
    store.upsert_entities([PERSON])
    store.add_redirects([("old-vsmpo", "demo-vsmpo-avisma")])


@pytest.fixture
def core(store):
    from ownerscope.core import Core

    load(store)
    return Core(store)


def client_for(core, **env):
    import os

    from fastapi.testclient import TestClient

    from ownerscope.api.app import create_app
    from ownerscope.settings import load_settings

    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        settings = load_settings()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return TestClient(create_app(core, settings), follow_redirects=False)


@pytest.fixture
def client(core):
    return client_for(core)
