"""Entity resolution through the store protocol (issue 9): on both backends it reads and writes through
the store's own methods, never through the user console (whose timeout and row cap would stop it on a
large store), and an embedded merge interrupted halfway leaves the store exactly as it was."""

from __future__ import annotations

import pytest

from ownerscope.errors import StoreError
from ownerscope.ingest import resolve
from tests.ingest.test_resolve import load_two_sources


def _no_console(*args, **kwargs):
    raise AssertionError("resolution went through the user console path (store.query)")


def test_resolution_never_uses_the_console_path(store, tmp_path, monkeypatch):
    load_two_sources(store, tmp_path)
    monkeypatch.setattr(store, "query", _no_console)
    report = resolve.run(store, 95, 80)
    assert {frozenset((m["keep"], m["drop"])) for m in report.merged} == {
        frozenset(("a-romashka", "b-romashka")), frozenset(("a-ivanov", "b-ivanov")),
        frozenset(("a-globex", "b-globex"))}
    cands = {frozenset((c["a"], c["b"])) for c in resolve.candidates(store)}
    assert cands == {frozenset(("a-initech", "b-initech")), frozenset(("a-sidorov", "b-sidorov"))}
    # the pair lookup finds the link whichever way round it is asked
    [one] = store.possible_same_as("b-sidorov", "a-sidorov")
    assert {one["a"], one["b"]} == {"a-sidorov", "b-sidorov"} and "countries differ" in one["reason"]
    assert store.possible_same_as("a-sidorov", "a-initech") == []
    assert resolve.reject(store, "b-sidorov", "a-sidorov") == 1
    assert {frozenset((c["a"], c["b"])) for c in resolve.candidates(store)} == {
        frozenset(("a-initech", "b-initech"))}
    m = resolve.confirm(store, "a-initech", "b-initech")
    assert resolve.undo(store, m["drop"])[0]["drop"] == m["drop"]


def _snapshot(store) -> dict:
    ids = ["a-romashka", "b-romashka", "a-ivanov"]
    return {"counts": store.counts(), "entities": {i: store.get_entity(i) for i in ids},
            "redirects": store.redirects()}


def test_an_interrupted_embedded_merge_leaves_the_store_unchanged(embedded_store, tmp_path, monkeypatch):
    store = load_two_sources(embedded_store, tmp_path)
    before = _snapshot(store)
    version = store.data_version()

    def fail(*args, **kwargs):  # the last step of a merge: every other write has been made by then
        raise StoreError("injected failure")

    monkeypatch.setattr(store, "add_redirects", fail)
    with pytest.raises(StoreError, match="injected failure"):
        store.merge_entities("a-romashka", "b-romashka")
    assert _snapshot(store) == before
    assert store.data_version() != version  # caches built on what the failed merge read are dropped
    monkeypatch.undo()
    snap = store.merge_entities("a-romashka", "b-romashka")  # and the same merge then works
    assert store.resolve_id("b-romashka") == "a-romashka"
    assert {d["authority"] for d in store.get_entity("a-romashka")["designations"]} == {"us", "uk"}
    # an interrupted undo is all-or-nothing too
    monkeypatch.setattr(store, "add_redirects", fail)
    snap["redirects"] = ["x-old"]  # makes the undo reach add_redirects, its last step
    merged = _snapshot(store)
    with pytest.raises(StoreError, match="injected failure"):
        store.unmerge_entities(snap)
    assert _snapshot(store) == merged
