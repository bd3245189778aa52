"""open_store(read_only=True) is honoured by both backends (issue 9): reads work, every write is refused
by the store itself, and the data is untouched."""

from __future__ import annotations

import pytest

from ownerscope.errors import OwnerscopeError
from ownerscope.graph.model import Designation, Entity, Relation, Source
from ownerscope.graph.store import open_store


def test_a_read_only_store_reads_and_refuses_every_write(store):
    src = [Source("t")]
    store.upsert_entities([Entity(id="a", type="company", name="Alpha", sources=src),
                           Entity(id="b", type="person", name="Bravo", sources=src)])
    store.upsert_relations([Relation(source_id="b", target_id="a", type="ownership", share=60, sources=src)])
    before = store.counts()
    url = store.url
    if not url.startswith(("bolt://", "neo4j://")):
        store.close()  # the embedded store has one writer or many readers
    ro = open_store(url, read_only=True)
    try:
        assert ro.get_entity("a")["name"] == "Alpha" and ro.counts() == before
        assert [h["id"] for h in ro.search("Alpha")] == ["a"]
        writes = [
            lambda: ro.upsert_entities([Entity(id="c", type="company", name="Charlie", sources=src)]),
            lambda: ro.upsert_relations([Relation(source_id="a", target_id="b", type="control", sources=src)]),
            lambda: ro.upsert_designations([Designation(entity_id="a", authority="us", program="X",
                                                        sources=src)]),
            lambda: ro.add_redirects([("old-a", "a")]),
            lambda: ro.merge_entities("a", "b"),
            lambda: ro.clear(),
        ]
        for write in writes:
            with pytest.raises(OwnerscopeError):
                write()
        assert ro.counts() == before and ro.get_entity("b")["name"] == "Bravo"
    finally:
        ro.close()
        if not url.startswith(("bolt://", "neo4j://")):
            store.__init__(store.path)  # reopened for the fixture's own close
