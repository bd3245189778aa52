"""BODS statement history: each published version of a record is kept, and exposure on a date counts the
version in force then (0.4 recordId / recordStatus / statementDate; 0.2 / 0.3 replacesStatements)."""

from __future__ import annotations

import json

import pytest

from ownerscope.exposure import get_regime
from ownerscope.exposure.engine import exposure_for_store
from ownerscope.graph.model import Designation
from ownerscope.ingest.run import run_ingest

PUB = {"publicationDate": "2024-01-01", "bodsVersion": "0.4", "publisher": {"name": "Test register"}}


def ingest(path, store, tmp_path):
    return run_ingest("bods", [path], store=store, show_progress=False, quarantine=tmp_path / "q.jsonl")


def person(rid, name, sid):
    return {"statementId": sid, "declarationSubject": rid, "statementDate": "2019-01-10", "recordId": rid,
            "recordType": "person", "recordStatus": "new", "publicationDetails": PUB,
            "recordDetails": {"isComponent": False, "personType": "knownPerson",
                              "names": [{"type": "legal", "fullName": name}], "birthDate": "1961-07",
                              "nationalities": [{"name": "Cyprus", "code": "CY"}]}}


def relationship(sid, status, date, share, end=None):
    interest = {"type": "shareholding", "directOrIndirect": "direct", "beneficialOwnershipOrControl": True,
                "startDate": "2019-01-10", "share": {"exact": share}}
    if end:
        interest["endDate"] = end
    return {"statementId": sid, "declarationSubject": "c", "statementDate": date, "recordId": "rel-xc",
            "recordType": "relationship", "recordStatus": status, "publicationDetails": PUB,
            "recordDetails": {"isComponent": False, "subject": "c", "interestedParty": "x",
                              "interests": [interest]}}


def history_file(tmp_path):
    """Company C; person X holds 100% (2019), then 40% (2020-06-01), 30% (2021-06-01), closed with an end
    date of 2022-03-01 (published 2022-05-01). Person Y holds 60% (2020-06-01)."""
    company = {"statementId": "s-c", "declarationSubject": "c", "statementDate": "2019-01-10", "recordId": "c",
               "recordType": "entity", "recordStatus": "new", "publicationDetails": PUB,
               "recordDetails": {"isComponent": False, "entityType": {"type": "registeredEntity"},
                                 "name": "Company C", "jurisdiction": {"name": "Cyprus", "code": "CY"}}}
    y_stake = relationship("s-yc", "new", "2020-06-01", 60)
    y_stake.update(recordId="rel-yc")
    y_stake["recordDetails"]["interestedParty"] = "y"
    statements = [company, person("x", "Person X", "s-x"), person("y", "Person Y", "s-y"),
                  relationship("s1", "new", "2019-01-10", 100),
                  relationship("s2", "updated", "2020-06-01", 40), y_stake,
                  relationship("s3", "updated", "2021-06-01T09:30:00Z", 30),
                  relationship("s4", "closed", "2022-05-01", 30, end="2022-03-01")]
    path = tmp_path / "history.json"
    path.write_text(json.dumps(statements), encoding="utf-8")
    return path


def test_three_versions_and_a_closure_at_five_dates(store, tmp_path):
    report = ingest(history_file(tmp_path), store, tmp_path)
    assert report.balanced and report.quarantined == 0
    # each version is a relation of its own, counted once
    assert report.by_kind["relations"] == 5 and store.counts()["relations"] == {"ownership": 5}
    store.upsert_designations([Designation("x", "us", "RUSSIA-EO14024", start_date="2018-01-01")])
    ofac = get_regime("ofac")
    want = {"2019-06-01": ("derived", 100.0), "2020-12-01": ("exposed", 40.0),
            "2021-12-01": ("exposed", 30.0), "2022-04-01": ("clear", 0.0), "2023-06-01": ("clear", 0.0)}
    for day, (status, total) in want.items():
        v = exposure_for_store(store, ofac, day).verdict("c")
        assert (v["status"], v.get("total", 0.0)) == (status, total), day
    # the holdings of both owners never sum above 100% on any date
    v = exposure_for_store(store, ofac, "2021-12-01").verdict("c")
    assert "listed persons hold 30% in the aggregate" in v["explanation"]
    assert "superseded by another version of the same source record" in v["explanation"]
    gone = {c["edge_id"]: c["why"] for c in v["proof"]["not_in_force"]}
    assert sorted(gone.values()) == ["superseded"] * 3  # 100%, 40% and the closure


def test_a_second_ingest_of_a_later_version_supersedes_the_stored_one(store, tmp_path):
    statements = json.loads(history_file(tmp_path).read_text())
    first, later = statements[:5], statements[5:]
    (tmp_path / "a.json").write_text(json.dumps(first))
    (tmp_path / "b.json").write_text(json.dumps(later))
    ingest(tmp_path / "a.json", store, tmp_path)
    store.upsert_designations([Designation("x", "us", "RUSSIA-EO14024", start_date="2018-01-01")])
    ofac = get_regime("ofac")
    assert exposure_for_store(store, ofac, "2023-06-01").verdict("c")["total"] == 40.0
    ingest(tmp_path / "b.json", store, tmp_path)
    assert exposure_for_store(store, ofac, "2023-06-01").status_of("c") == "clear"
    assert exposure_for_store(store, ofac, "2020-12-01").verdict("c")["total"] == 40.0


def test_person_attributes_kept(store, tmp_path):
    ingest(history_file(tmp_path), store, tmp_path)
    x = store.get_entity("x")
    assert x["birth_dates"] == ["1961-07"] and x["nationalities"] == ["cy"]


@pytest.mark.shared_data
def test_fermcat_history(shared_data, embedded_store, tmp_path):
    """bods/fermcat.json (BODS 0.4 worked example): Riyadh Byrne-Amin holds 50% until his death on
    2021-04-03 (record closed 2021-09-11), Declan Byrne-Amin 50% from then until 2022-01-21, and Patrick
    O'Donohue 50%, then 100% from the update of 2022-01-21."""
    store = embedded_store
    report = ingest(shared_data / "bods" / "fermcat.json", store, tmp_path)
    assert report.balanced and report.quarantined == 0
    company, riyadh, patrick = "ent-93c75c87ab28f889", "per-5faa4103dee78621", "per-41c0bb0cef246f7c"
    store.upsert_designations([Designation(riyadh, "us", "TEST", start_date="2019-01-01"),
                               Designation(patrick, "uk", "TEST", start_date="2019-01-01")])
    ofac, uk = get_regime("ofac"), get_regime("uk")
    assert exposure_for_store(store, ofac, "2020-01-01").verdict(company)["total"] == 50.0
    assert exposure_for_store(store, ofac, "2021-06-01").status_of(company) == "clear"
    assert exposure_for_store(store, uk, "2021-12-01").verdict(company)["total"] == 50.0
    assert exposure_for_store(store, uk, "2022-06-01").verdict(company)["total"] == 100.0
    assert exposure_for_store(store, uk, "2022-06-01").status_of(company) == "derived"


@pytest.mark.shared_data
def test_replaces_statements_0_1_and_0_3(shared_data, embedded_store, tmp_path):
    store = embedded_store
    hist = shared_data / "bods_history"
    report = ingest(hist / "lib-cove-bods_0.1_basic_replaces_statements.json", store, tmp_path)
    assert report.balanced and report.quarantined == 0
    # 1dc0e987 replaces e1aad1c2: one company, under the id of the first statement of the chain
    company = store.get_entity("e1aad1c2-bd30-402c-b4dd-e3927399b29a")
    assert "1dc0e987-5c57-4a1c-b3ad-61353b66a9b7" in {s["record_id"] for s in company["sources"]}
    assert store.get_entity("1dc0e987-5c57-4a1c-b3ad-61353b66a9b7") is None
    person = "ec68cbaa-be7f-4b08-826a-491c4d56f2a1"
    store.upsert_designations([Designation(person, "us", "TEST", start_date="2010-01-01")])
    ofac = get_regime("ofac")
    company = "e1aad1c2-bd30-402c-b4dd-e3927399b29a"
    # fbfd0547 (2018-11-18) replaces f1789ef5: 100% held by an unspecified party, then by the person
    assert exposure_for_store(store, ofac, "2018-06-01").status_of(company) == "clear"
    assert exposure_for_store(store, ofac, "2019-01-01").verdict(company)["total"] == 100.0


@pytest.mark.shared_data
@pytest.mark.parametrize("name,line_reason", [
    ("valid-1", None),
    ("invalid-1", "a second 'new' statement for record c359f58d2977"),
    ("invalid-2", "statementDate 2021-03-04 is before the record's previous statement (2022-03-04)"),
    ("invalid-3", "record c359f58d2977 was closed on 2020-04-04: no statement may follow"),
    ("invalid-4", "statementDate 2020-04-01 is before the record's previous statement (2020-04-04)"),
])
def test_statement_series_rules(shared_data, embedded_store, tmp_path, name, line_reason):
    """lib-cove-bods' statement-series fixtures (stripped records without names, so each is quarantined
    for that anyway): the valid series breaks no series rule; in each invalid one exactly the statement
    that breaks the series is refused for it, with the reason."""
    path = shared_data / "bods_history" / f"lib-cove-bods_0.4_statement_series-{name}.json"
    report = ingest(path, embedded_store, tmp_path)
    assert report.balanced and report.read == 5
    series = [r.reason for r in report.rejects if "has no name" not in r.reason]
    assert series == ([] if line_reason is None else [series[0]])
    if line_reason:
        assert line_reason in series[0]
