"""Entity-resolution primitives on Neo4j give exactly what the embedded store gives (both real stores)."""

from __future__ import annotations

import os

import pytest

from ownerscope.errors import NotFound
from ownerscope.graph.model import Designation, Entity, Relation, Source

pytestmark = pytest.mark.neo4j
SRC = [Source("set-a", "1", "")]


@pytest.fixture
def pair(tmp_path):
    url = os.environ.get("OWNERSCOPE_TEST_NEO4J_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI needs a Neo4j server: OWNERSCOPE_TEST_NEO4J_URL is not set")
        pytest.skip("no Neo4j server (run tools/neo4j/neo4j-test-server start)")
    from ownerscope.graph.embedded import EmbeddedStore
    from ownerscope.graph.neo4j import Neo4jStore

    neo = Neo4jStore(url, password=os.environ.get("OWNERSCOPE_TEST_NEO4J_PASSWORD", "ownerscope-test"))
    neo.clear()
    emb = EmbeddedStore(tmp_path / "m.lbug")
    yield emb, neo
    emb.close()
    neo.close()


def seed(store):
    store.upsert_entities([
        Entity("p1", "person", "Ivan Petrov", identifiers=["ru-inn:1"], sources=SRC),
        Entity("p1b", "person", "Petrov Ivan", aliases=["Иван Петров"], country="ru", identifiers=["ru-inn:1"],
               sources=[Source("set-b", "9", "")]),
        Entity("c1", "company", "Alpha LLC", sources=SRC), Entity("c2", "company", "Beta LLC", sources=SRC),
    ])
    store.upsert_relations([Relation("p1", "c1", "ownership", share=30.0, sources=SRC),
                            Relation("p1b", "c2", "ownership", share=60.0, sources=SRC),
                            Relation("c1", "p1b", "directorship", role="ceo", sources=SRC),
                            Relation("p1", "p1b", "possible_same_as", sources=SRC)])
    store.upsert_designations([Designation("p1b", "us", "RUSSIA-EO14024", sources=SRC)])
    store.add_redirects([("old-p1b", "p1b")])


def view(store):
    out = {}
    for eid in ("p1", "p1b", "c1", "c2", "old-p1b"):
        d = store.get_entity(eid)
        if d:
            d["relations"] = sorted((r["type"], r["direction"], r["other"], r["share"], r["role"])
                                    for r in d["relations"])
            d["designations"] = sorted((x["id"], x["authority"]) for x in d["designations"])
        out[eid] = d
    return out, store.counts(), store.resolve_id("old-p1b"), store.resolve_id("p1b")


def test_merge_unmerge_delete_match_embedded(pair):
    emb, neo = pair
    for s in pair:
        seed(s)
    assert view(emb) == view(neo)
    before = view(neo)
    snaps = [s.merge_entities("p1", "p1b") for s in pair]
    assert snaps[0]["created_relations"] and sorted(map(str, snaps[0].items())) == sorted(map(str, snaps[1].items()))
    after = view(neo)
    assert view(emb) == after
    assert after[2] == after[3] == "p1"                    # the dropped id and its redirects find the kept one
    assert "Petrov Ivan" in after[0]["p1"]["aliases"] and after[0]["p1"]["designations"]
    for s, snap in zip(pair, snaps):
        s.unmerge_entities(snap)
    assert view(emb) == view(neo) == before
    for s in pair:
        s.delete_relations([("p1", "p1b", "possible_same_as", Relation("p1", "p1b", "possible_same_as").id)])
    assert view(emb) == view(neo)
    assert "possible_same_as" not in neo.counts()["relations"]
    with pytest.raises(NotFound):
        neo.merge_entities("p1", "nobody")
