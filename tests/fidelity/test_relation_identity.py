"""Relation identity: distinct stakes between the same two entities stay distinct (both backends), are
summed by the rules, and the ingest summary counts exactly what was stored."""

from __future__ import annotations

from ownerscope.exposure import get_regime
from ownerscope.exposure.engine import exposure_for_store
from ownerscope.ingest.run import run_ingest
from tests.conftest import write_bundle

ENTITIES = """id,type,name
x,person,Person X
c,company,Company C
"""
DESIGNATIONS = """entity_id,authority,program,start_date
x,us,RUSSIA-EO14024,2022-04-06
"""


def ingest(folder, store, tmp_path):
    return run_ingest("csv", [folder], store=store, show_progress=False, quarantine=tmp_path / "q.jsonl")


def owners(store, cid):
    return sorted(r["share"] for r in store.get_entity(cid)["relations"]
                  if r["direction"] == "in" and r["type"] == "ownership")


def test_two_stakes_without_a_class_stay_two_and_sum_to_derived_55(store, tmp_path):
    # two rows X -> C, 30% and 25%, nothing else to tell them apart: two facts, not one at 25%
    folder = write_bundle(tmp_path / "b", ENTITIES, "source,target,type,share\nx,c,ownership,30\n"
                          "x,c,ownership,25\n", DESIGNATIONS)
    report = ingest(folder, store, tmp_path)
    assert report.balanced and report.by_kind["relations"] == 2 and report.merged == 0
    assert owners(store, "c") == [25.0, 30.0]
    assert store.counts()["relations"] == {"ownership": 2}
    res = exposure_for_store(store, get_regime("ofac"), "2024-01-01")
    v = res.verdict("c")
    assert v["status"] == "derived" and v["total"] == 55.0
    # a re-ingest of the same file changes nothing
    again = ingest(folder, store, tmp_path)
    assert again.by_kind["relations"] == 2 and store.counts()["relations"] == {"ownership": 2}
    assert owners(store, "c") == [25.0, 30.0]


def test_share_classes_are_two_stakes_and_a_restatement_is_merged(store, tmp_path):
    folder = write_bundle(tmp_path / "b", ENTITIES,
                          "source,target,type,share,share_class\nx,c,ownership,30,A ordinary\n"
                          "x,c,ownership,25,B preference\nx,c,ownership,30,A ordinary\n", DESIGNATIONS)
    report = ingest(folder, store, tmp_path)
    # the third row restates the first: merged into it, counted once, and the summary says so
    assert report.balanced and report.read == 6 and report.by_kind["relations"] == 2 and report.merged == 1
    assert "1 rows merged" in report.summary()
    assert owners(store, "c") == [25.0, 30.0]
    notes = sorted(r["note"] for r in store.get_entity("c")["relations"] if r["direction"] == "in")
    assert notes == ["share class A ordinary", "share class B preference"]
    assert exposure_for_store(store, get_regime("ofac"), "2024-01-01").verdict("c")["total"] == 55.0


def test_record_ids_with_versions_keep_the_history(store, tmp_path):
    # one source record in three versions: 100% -> 40% -> 30%; the engine counts the version in force
    folder = write_bundle(tmp_path / "b", ENTITIES,
                          "source,target,type,share,start_date,record_id,asserted_from\n"
                          "x,c,ownership,100,2019-01-01,r1,2022-01-01\n"
                          "x,c,ownership,40,2019-01-01,r1,2023-06-01\n"
                          "x,c,ownership,30,2019-01-01,r1,2024-06-01\n", DESIGNATIONS)
    report = ingest(folder, store, tmp_path)
    assert report.balanced and report.by_kind["relations"] == 3
    ofac = get_regime("ofac")
    totals = {d: exposure_for_store(store, ofac, d).verdict("c")["total"] for d in
              ("2022-06-01", "2023-12-01", "2025-01-01")}
    assert totals == {"2022-06-01": 100.0, "2023-12-01": 40.0, "2025-01-01": 30.0}
    # the superseded versions are shown in the proof, with the reason they do not count
    gone = exposure_for_store(store, ofac, "2025-01-01").verdict("c")["proof"]["not_in_force"]
    assert sorted((c["share"], c["why"]) for c in gone) == [(40.0, "superseded"), (100.0, "superseded")]
