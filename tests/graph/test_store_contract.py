"""The store contract: the same tests run unchanged on every backend (embedded LadybugDB, Neo4j)."""

from __future__ import annotations

import pytest

from ownerscope.errors import ReadOnlyViolation, QueryError
from ownerscope.graph.model import Designation, Entity, Relation, Source

SRC = [Source("test-set", "r1", "https://example.org/a")]


def seed(store):
    store.upsert_entities([
        Entity("p1", "person", "Boris Britva", aliases=["Борис Бритва"], country="ru", sources=SRC),
        Entity("c1", "company", "Alpha Holdings LLC", identifiers=["ru-inn:7700000001"], sources=SRC),
        Entity("c2", "company", "Beta Trading DMCC", country="ae", sources=SRC),
        Entity("c3", "company", "Gamma Shipping", sources=SRC),
    ])
    store.upsert_relations([
        Relation("p1", "c1", "ownership", share=60.0, start_date="2020-01-01", sources=SRC),
        Relation("c1", "c2", "ownership", share_min=25.0, share_max=50.0, share_min_exclusive=True, sources=SRC),
        Relation("p1", "c2", "control", basis="board_majority_appointment_right", sources=SRC),
        Relation("c2", "c3", "facilitation", role="shipper", sources=SRC),
    ])
    store.upsert_designations([Designation("p1", "us", "RUSSIA-EO14024", start_date="2022-04-06", sources=SRC)])


def test_counts_after_upsert(store):
    seed(store)
    assert store.counts() == {"entities": {"company": 3, "person": 1},
                              "relations": {"control": 1, "facilitation": 1, "ownership": 2},
                              "designations": {"us": 1}}


def test_reupsert_is_idempotent_and_unites_sources(store):
    seed(store)
    before = store.counts()
    seed(store)
    other = [Source("second-set", "x9", "")]
    store.upsert_entities([Entity("c1", "company", "Alpha Holdings LLC", aliases=["Альфа"], sources=other)])
    store.upsert_relations([Relation("p1", "c1", "ownership", share=61.0, start_date="2020-01-01",
                                     sources=other)])
    assert store.counts() == before
    d = store.get_entity("c1")
    assert {s["dataset"] for s in d["sources"]} == {"test-set", "second-set"}
    assert "Альфа" in d["aliases"]
    owner = [r for r in d["relations"] if r["direction"] == "in" and r["type"] == "ownership"][0]
    assert owner["share"] == 61.0
    assert {s["dataset"] for s in owner["sources"]} == {"test-set", "second-set"}


def test_get_entity_shape(store):
    seed(store)
    d = store.get_entity("p1")
    assert d["name"] == "Boris Britva" and d["type"] == "person" and d["country"] == "ru"
    assert d["designations"][0]["authority"] == "us"
    assert d["designations"][0]["program"] == "RUSSIA-EO14024"
    assert d["designations"][0]["sources"][0]["url"] == "https://example.org/a"
    rels = {(r["type"], r["direction"], r["other"]) for r in d["relations"]}
    assert rels == {("ownership", "out", "c1"), ("control", "out", "c2")}
    assert store.get_entity("nope") is None


def test_neighbours_filters_and_cap(store):
    seed(store)
    sub = store.neighbours("c2")
    assert {n["id"] for n in sub.nodes} == {"c1", "c2", "c3", "p1"}
    assert {(e["source"], e["target"], e["type"]) for e in sub.edges} == {
        ("c1", "c2", "ownership"), ("p1", "c2", "control"), ("c2", "c3", "facilitation")}
    p1 = [n for n in sub.nodes if n["id"] == "p1"][0]
    assert p1["authorities"] == ["us"]
    only_in = store.neighbours("c2", types=["ownership", "control"], direction="in")
    assert {n["id"] for n in only_in.nodes} == {"c1", "c2", "p1"}
    capped = store.neighbours("c2", limit=1)
    assert capped.truncated and len(capped.edges) == 1


def test_shortest_paths(store):
    seed(store)
    paths = store.shortest_paths("p1", "c3")
    assert paths, "p1 reaches c3 through c2"
    assert all(len(p.edges) == 2 for p in paths)
    assert {n["id"] for n in paths[0].nodes} == {"p1", "c2", "c3"}
    assert store.shortest_paths("p1", "missing") == []


def test_frames_for_exposure(store):
    seed(store)
    own = store.ownership_frame()
    assert set(own["type"].to_list()) == {"ownership", "control"}
    row = own.filter((own["target"] == "c2") & (own["type"] == "ownership")).to_dicts()[0]
    assert row["source"] == "c1" and row["share"] is None
    assert (row["share_min"], row["share_max"], row["share_min_exclusive"]) == (25.0, 50.0, True)
    assert own.filter(own["target"] == "c1")["share_min_exclusive"].to_list() == [False]
    des = store.designation_frame().to_dicts()
    assert des[0]["entity_id"] == "p1" and des[0]["start_date"] == "2022-04-06"
    ents = store.entity_frame(["p1", "c3"])
    assert sorted(ents["id"].to_list()) == ["c3", "p1"]


def test_search_transliterates_and_ranks(store):
    seed(store)
    assert store.search("alpha")[0]["id"] == "c1"
    assert store.search("Борис")[0]["id"] == "p1"  # Cyrillic query finds the Latin name
    assert store.search("britva")[0]["authorities"] == ["us"]
    assert store.search("zzzz-nothing") == []


def test_search_follows_every_write(store):
    """A search after a write finds what the write left, whatever the store held from earlier searches:
    a new entity, a renamed one, one merged away, its undo, a cleared store."""
    seed(store)
    ids = lambda text: [h["id"] for h in store.search(text)]  # noqa: E731
    assert ids("delta") == [] and ids("gamma") == ["c3"]
    store.upsert_entities([Entity("c4", "company", "Delta Marine", sources=SRC)])
    assert ids("delta") == ["c4"] and store.search("delta")[0]["authorities"] == []
    store.upsert_designations([Designation("c4", "eu", "RUSSIA", start_date="2023-01-01", sources=SRC)])
    assert store.search("delta")[0]["authorities"] == ["eu"]
    assert {n["id"]: n["authorities"] for n in store.neighbours("c4").nodes} == {"c4": ["eu"]}
    store.upsert_entities([Entity("c3", "company", "Omega Shipping", sources=SRC)])
    assert ids("omega ship") == ["c3"] and ids("gamma") == ["c3"]  # the earlier name is kept as an alias
    snapshot = store.merge_entities("c4", "c3")
    assert ids("omega") == ["c4"] and ids("delta") == ["c4"]  # the kept record carries both names
    store.unmerge_entities(snapshot)
    assert ids("omega") == ["c3"] and ids("delta") == ["c4"]
    store.clear()
    assert ids("delta") == [] and ids("alpha") == []
    store.upsert_entities([Entity("c9", "company", "Alpha Two", sources=SRC)])
    assert ids("alpha") == ["c9"]
    store.warm()  # what a server calls at start-up: searches find the same afterwards
    assert ids("alpha") == ["c9"] and ids("delta") == []


def test_read_only_query(store):
    seed(store)
    res = store.query("MATCH (e:Entity) WHERE e.id = $id RETURN e.name AS name", {"id": "c1"})
    assert res.columns == ["name"] and res.rows == [["Alpha Holdings LLC"]]
    limited = store.query("MATCH (e:Entity) RETURN e.id AS id", limit=2)
    assert len(limited.rows) == 2 and limited.truncated
    with pytest.raises(ReadOnlyViolation):
        store.query("CREATE (e:Entity {id: 'intruder', type: 'person', name: 'x'})")
    with pytest.raises(ReadOnlyViolation):
        store.query("MATCH (e:Entity {id: 'c1'}) SET e.name = 'changed'")
    with pytest.raises(ReadOnlyViolation):
        store.query("MATCH (e:Entity {id: 'c3'}) DETACH DELETE e")
    with pytest.raises(QueryError):
        store.query("THIS IS NOT CYPHER")
    assert store.get_entity("c1")["name"] == "Alpha Holdings LLC"
    assert store.counts()["entities"] == {"company": 3, "person": 1}


def test_clear(store):
    seed(store)
    store.clear()
    assert store.counts() == {"entities": {}, "relations": {}, "designations": {}}


def test_identity_attributes_round_trip_and_merge(store):
    """Dates of birth, nationalities and addresses are stored, returned, united on re-ingest and by a
    resolution merge, and come back unchanged when the merge is undone."""
    store.upsert_entities([
        Entity("a", "person", "Ivan Petrov", birth_dates=["1961-07-14"], nationalities=["ru"],
               addresses=["Tverskaya 1, Moscow"], sources=SRC),
        Entity("b", "person", "Ivan Petrov", birth_dates=["1961"], nationalities=["cy"], sources=SRC),
    ])
    a = store.get_entity("a")
    assert (a["birth_dates"], a["nationalities"], a["addresses"]) == (
        ["1961-07-14"], ["ru"], ["Tverskaya 1, Moscow"])
    store.upsert_entities([Entity("a", "person", "Ivan Petrov", nationalities=["ru", "by"], sources=SRC)])
    assert store.get_entity("a")["nationalities"] == ["ru", "by"]
    assert store.get_entity("a")["birth_dates"] == ["1961-07-14"]
    snapshot = store.merge_entities("a", "b")
    merged = store.get_entity("b")  # follows the redirect
    assert merged["id"] == "a"
    assert merged["birth_dates"] == ["1961-07-14", "1961"] and merged["nationalities"] == ["ru", "by", "cy"]
    store.unmerge_entities(snapshot)
    assert store.get_entity("a")["birth_dates"] == ["1961-07-14"]
    b = store.get_entity("b")
    assert (b["birth_dates"], b["nationalities"], b["addresses"]) == (["1961"], ["cy"], [])


# ---------------------------------------------------------------------------------------------- every method
def test_data_version_changes_on_every_write_and_not_on_reads(store):
    v0 = store.data_version()
    seed(store)
    v1 = store.data_version()
    assert v1 != v0
    store.counts(), store.get_entity("c1"), store.ownership_frame(), store.search("Alpha")
    assert store.data_version() == v1
    store.upsert_entities([Entity("c4", "company", "Delta", sources=SRC)])
    assert store.data_version() != v1


def test_existing_ids_degrees_and_entity_records(store):
    seed(store)
    assert store.existing_ids(["p1", "c3", "nope"]) == {"p1", "c3"}
    assert {k: v for k, v in store.degrees(["p1", "c2", "nope"]).items() if v} == {"p1": 2, "c2": 3}
    recs = {e.id: e for e in store.entity_records(["c1", "p1"])}
    assert set(recs) == {"c1", "p1"}
    assert recs["c1"].identifiers == ["ru-inn:7700000001"] and recs["p1"].aliases == ["Борис Бритва"]
    assert recs["p1"].sources == SRC
    assert {e.id for e in store.entity_records()} == {"p1", "c1", "c2", "c3"}


def test_redirects_resolve_merged_ids(store):
    seed(store)
    assert store.resolve_id("c1") == "c1" and store.resolve_id("ghost") is None
    store.add_redirects([("old-c1", "c1")])
    assert store.resolve_id("old-c1") == "c1"
    assert store.redirects() == {"old-c1": "c1"}


def test_list_versions_round_trip_and_keep_their_first_load(store):
    from ownerscope.graph.model import ListVersion

    lv = ListVersion("us", "OFAC SDN list", "ofac-sdn", "ab" * 32, published="2024-05-03",
                     loaded="2024-05-04T10:00:00+00:00", files=["sdn.csv"], authorities=["us"], records=3)
    store.upsert_list_version(lv)
    again = ListVersion("us", "OFAC SDN list", "ofac-sdn", "ab" * 32, published="2024-05-03",
                        loaded="2025-01-01T00:00:00+00:00", files=["sdn.csv"], authorities=["us"], records=3)
    store.upsert_list_version(again)
    (got,) = store.list_versions()
    assert got["id"] == lv.id and got["published"] == "2024-05-03" and got["authorities"] == ["us"]
    assert got["loaded"].startswith("2024-05-04") and got["files"] == ["sdn.csv"] and got["records"] == 3


def test_withdraw_missing_ends_only_what_the_snapshot_lacks(store):
    seed(store)
    rels = {(r["source"], r["target"], r["type"]): r["id"] for r in store.ownership_frame().iter_rows(named=True)}
    keep = rels[("p1", "c1", "ownership")]
    des_id = store.designation_frame()["id"][0]
    ended = store.withdraw_missing("test-set", {keep}, "2025-02-01")
    assert ended == (3, 1)  # c1->c2 ownership, p1->c2 control, c2->c3 facilitation; the one designation
    frame = store.ownership_frame()
    until = {r["id"]: r["asserted_until"] for r in frame.iter_rows(named=True)}
    assert until[keep] is None
    assert until[rels[("c1", "c2", "ownership")]] == "2025-02-01"
    des = {r["id"]: r for r in store.designation_frame().iter_rows(named=True)}
    assert des[des_id]["end_date"] == "2025-02-01"
    assert store.withdraw_missing("other-set", set(), "2025-03-01") == (0, 0)  # another source's facts stay


def test_resolution_reads_and_candidate_links(store):
    seed(store)
    records = store.resolution_records()
    assert sorted(r[0] for r in records) == ["c1", "c2", "c3", "p1"]
    store.upsert_relations([Relation("c2", "c3", "possible_same_as", note="name score 85",
                                     sources=[Source("ownerscope-resolve", "name score 85")])])
    (cand,) = store.possible_same_as()
    assert (cand["a"], cand["b"]) == ("c2", "c3") and "85" in cand["reason"]
    assert store.possible_same_as("c3", "c2") == [cand]
    assert store.possible_same_as("c1", "c2") == []
    store.delete_relations([("c2", "c3", "possible_same_as", cand["id"])])
    assert store.possible_same_as() == []
    assert store.counts()["relations"].get("facilitation") == 1  # only the candidate link went


def test_updates_write_exactly_the_changed_columns(store):
    """A re-ingest batch whose records change different columns (a share, an end date, a note, an entity's
    name): each stored record ends as the merge, and the others are untouched."""
    seed(store)
    store.upsert_entities([Entity("c2", "company", "Beta Trading FZE", country="ae", sources=SRC),
                           Entity("c3", "company", "Gamma Shipping", sources=SRC)])
    store.upsert_relations([
        Relation("p1", "c1", "ownership", share=75.0, start_date="2020-01-01", sources=SRC),
        Relation("c1", "c2", "ownership", share_min=25.0, share_max=50.0, share_min_exclusive=True,
                 end_date="2024-05-01", sources=SRC),
        Relation("p1", "c2", "control", basis="board_majority_appointment_right", note="board",
                 sources=SRC),
    ])
    store.upsert_designations([Designation("p1", "us", "RUSSIA-EO14024", start_date="2022-04-06",
                                           note="re-listed", sources=SRC)])
    assert store.get_entity("c2")["name"] == "Beta Trading FZE"
    assert [h["id"] for h in store.search("beta fze")] == ["c2"]
    rels = store.relation_frame().to_dicts()
    by = {(r["source"], r["target"], r["type"]): r for r in rels}
    assert by[("p1", "c1", "ownership")]["share"] == 75.0
    assert by[("p1", "c1", "ownership")]["start_date"] == "2020-01-01"
    c1c2 = by[("c1", "c2", "ownership")]
    assert (c1c2["share_min"], c1c2["share_max"], c1c2["end_date"]) == (25.0, 50.0, "2024-05-01")
    assert by[("p1", "c2", "control")]["note"] == "board"
    assert by[("c2", "c3", "facilitation")]["role"] == "shipper"
    des = store.designation_records()
    assert [(d["entity_id"], d["note"], d["start_date"]) for d in des] == [("p1", "re-listed", "2022-04-06")]
    assert store.counts()["relations"] == {"control": 1, "facilitation": 1, "ownership": 2}
