"""BODS adapter: facts from the real BODS 0.4 worked examples, 0.2 statements, malformed input."""

from __future__ import annotations

import json

import pytest

from ownerscope.ingest.run import run_ingest


def ingest(paths, store, tmp_path, name="q.jsonl"):
    return run_ingest("bods", paths, store=store, show_progress=False, quarantine=tmp_path / name)


def rels(store, eid, direction="out", other=None, rtype=None):
    out = [r for r in store.get_entity(eid)["relations"] if r["direction"] == direction]
    return [r for r in out if (other is None or r["other"] == other) and (rtype is None or r["type"] == rtype)]


@pytest.fixture
def bods_store(shared_data, embedded_store, tmp_path):
    report = ingest([shared_data / "bods"], embedded_store, tmp_path)
    return embedded_store, report


def test_all_examples_load_balanced_with_provenance(bods_store):
    store, report = bods_store
    assert report.balanced and report.quarantined == 0 and report.read > 90
    for eid in ("31c55e425764", "ad3f6c2fcc9e", "ent-93c75c87ab28f889"):
        ent = store.get_entity(eid)
        assert ent["sources"] and all(s["dataset"] == "bods:bods" and s["record_id"] for s in ent["sources"])
        assert all(r["sources"] for r in ent["relations"])


def test_indirect_ownership(bods_store):
    store, _ = bods_store
    # indirect-ownership.json: Company B owns 60% of Company A; Person 1 holds 30% of A indirectly through B
    [b_to_a] = rels(store, "d4ab89ea169a", other="ad3f6c2fcc9e", rtype="ownership")
    assert b_to_a["share"] == 60 and b_to_a["role"] is None and b_to_a["start_date"] == "2017-11-01"
    [p_to_a] = rels(store, "c25d4d612c2c", other="ad3f6c2fcc9e", rtype="ownership")
    assert p_to_a["share"] == 30 and p_to_a["role"] == "indirect"
    assert "d4ab89ea169a" in p_to_a["note"] and "beneficial" in p_to_a["note"]
    # Person 1's interest in B itself is stated without a type: kept as an untyped interest (issue 10)
    [p_to_b] = rels(store, "c25d4d612c2c", other="d4ab89ea169a")
    assert p_to_b["type"] == "interest" and p_to_b["basis"] == "unspecified_interest"


def test_multiple_indirect_ownership(bods_store):
    store, _ = bods_store
    for holder in ("d177864a8b39", "05fbbfb94b79"):  # Company C and Company D each own 50% of Company B
        [r] = rels(store, holder, other="63e3a8a8946f", rtype="ownership")
        assert r["share"] == 50
    [ind] = rels(store, "92ebf964a1f6", other="63e3a8a8946f", rtype="ownership")
    assert ind["share"] == 60 and ind["role"] == "indirect"


def test_mixed_direct_and_indirect(bods_store):
    store, _ = bods_store
    owned = sorted(rels(store, "53508b65253f", other="9bfe59b6a869", rtype="ownership"),
                   key=lambda r: r["start_date"])
    assert [(r["share"], r["role"], r["start_date"]) for r in owned] == [
        (50, "indirect", "2017-11-01"), (50, None, "2019-05-01")]


def test_joint_ownership_is_pooled_through_the_arrangement(bods_store):
    store, _ = bods_store
    arrangement = store.get_entity("91b4236a7d89")
    assert arrangement["name"] == "Joint shareholding" and "arrangement" in arrangement["notes"]
    [held] = rels(store, "91b4236a7d89", other="31c55e425764", rtype="ownership")
    assert held["share"] == 100 and held["joint_group"] is None
    holders = rels(store, "91b4236a7d89", direction="in", rtype="ownership")
    assert sorted((r["other_name"], r["share"], r["joint_group"]) for r in holders) == [
        ("Natalie Coleman", 50, "91b4236a7d89"), ("Roberto Lopez", 50, "91b4236a7d89")]


def test_ranges_pep_unknown_parties_and_updates(bods_store):
    store, _ = bods_store
    # full-pep-declaration.json: minimum 25, exclusiveMaximum 50, for shares and for voting rights
    got = {(r["type"], r["basis"]): (r["share_min"], r["share_max"]) for r in rels(store, "9bcdcc85e803")}
    assert got == {("ownership", None): (25, 50), ("control", "voting_rights"): (25, 50)}
    assert "less than 50%" in rels(store, "9bcdcc85e803", rtype="ownership")[0]["note"]
    assert "politically exposed" in store.get_entity("9bcdcc85e803")["notes"]
    # listed-company-exempt-from-disclosure.json: an unspecified interested party becomes an unknown node
    unknown = store.get_entity("fa402c4818f9-interested-party")
    assert unknown["type"] == "unknown" and "subjectExemptFromDisclosure" in unknown["name"]
    # fermcat.json: every version of a record is kept, in order; the closure ends the record
    versions = sorted(rels(store, "per-5faa4103dee78621", other="ent-93c75c87ab28f889", rtype="ownership"),
                      key=lambda r: r["asserted_from"])
    assert [r["record_id"] for r in versions] == ["rel-b05e7c91e0a04e4f"] * 3
    closed = versions[-1]
    assert closed["end_date"] == "2021-04-03" and closed["ended"] and closed["asserted_from"] == "2021-04-03"
    updated = sorted(rels(store, "per-41c0bb0cef246f7c", other="ent-93c75c87ab28f889", rtype="ownership"),
                     key=lambda r: r["asserted_from"])
    assert [r["share"] for r in updated] == [50, 50, 50, 100]
    assert updated[-1]["asserted_from"] == "2022-01-21T11:56:47"
    boards = rels(store, "per-41c0bb0cef246f7c", rtype="directorship")
    assert len(boards) == 4 and {b["role"] for b in boards} == {"board member"}
    # nomination.json: nominee and nominator are linked to the nomination arrangement, not owners
    assert {r["role"] for r in rels(store, "103AB1984D", direction="in", rtype="linked")} == {"nominee", "nominator"}


def test_reingest_is_idempotent(bods_store, shared_data, tmp_path):
    store, _ = bods_store
    before = store.counts()
    again = ingest([shared_data / "bods"], store, tmp_path, "q2.jsonl")
    assert again.balanced and store.counts() == before


# ------------------------------------------------------------------------------ small written fixtures
def _stmt(sid, rid, rtype, details, date="2020-01-01"):
    return {"statementId": sid, "recordId": rid, "recordType": rtype, "statementDate": date,
            "recordDetails": details}


def test_malformed_statements_are_quarantined_with_line_and_reason(tmp_path, embedded_store):
    good_e = _stmt("s1", "e1", "entity", {"entityType": {"type": "registeredEntity"}, "name": "Alpha Ltd"})
    good_p = _stmt("s2", "p1", "person", {"personType": "knownPerson", "names": [{"fullName": "Ann Smith"}]})
    no_id = {"statementId": "s3", "recordType": "entity", "recordDetails": {"name": "X"}}
    bad_date = _stmt("s4", "r1", "relationship", {"subject": "e1", "interestedParty": "p1", "interests": [
        {"type": "shareholding", "share": {"exact": 40}, "startDate": "2020-13-45"}]})
    bad_share = _stmt("s5", "r2", "relationship", {"subject": "e1", "interestedParty": "p1", "interests": [
        {"type": "shareholding", "share": {"minimum": 60, "maximum": 40}},
        {"type": "votingRights", "share": {"exact": 40}}]})
    dangling = _stmt("s6", "r3", "relationship", {"subject": "e1", "interestedParty": "nobody",
                                                  "interests": [{"type": "shareholding"}]})
    f = tmp_path / "bods.json"
    f.write_text(json.dumps([good_e, good_p, no_id, bad_date, bad_share, dangling], indent=1), encoding="utf-8")
    report = ingest([f], embedded_store, tmp_path)
    assert report.balanced
    assert report.read == 7 and report.stored == 3 and report.quarantined == 4
    reasons = {r.reason.split(" (")[0] for r in report.rejects}
    assert "missing recordId" in reasons
    assert any("interest 1: startDate: not a valid date" in r for r in reasons)
    assert any("share minimum 60 is above maximum 40" in r for r in reasons)
    assert any("unknown entity 'nobody'" in r for r in reasons)
    lines = {r.reason.split(" (")[0]: r.line for r in report.rejects}
    text = f.read_text().splitlines()
    assert '"statementId": "s3"' in text[lines["missing recordId"]]  # the line after the '{' that starts it
    # the good interest of the statement with one bad interest still loads
    [vote] = rels(embedded_store, "p1", rtype="control")
    assert vote["basis"] == "voting_rights" and vote["share"] == 40


def test_broken_json_keeps_what_came_before(tmp_path, embedded_store):
    good = _stmt("s1", "e1", "entity", {"entityType": {"type": "registeredEntity"}, "name": "Alpha Ltd"})
    f = tmp_path / "broken.json"
    f.write_text("[\n" + json.dumps(good) + ",\n{\"statementId\": \"s2\", \"recordId\": \n]\n", encoding="utf-8")
    report = ingest([f], embedded_store, tmp_path)
    assert report.balanced and report.stored == 1 and report.quarantined == 1
    assert report.rejects[0].line == 4 and "invalid JSON" in report.rejects[0].reason
    assert embedded_store.get_entity("e1")["name"] == "Alpha Ltd"


def test_bods_02_statements_and_json_lines(tmp_path, embedded_store):
    rows = [
        {"statementID": "ent-1", "statementType": "entityStatement", "entityType": "registeredEntity",
         "name": "Beta Holdings", "incorporatedInJurisdiction": {"code": "CY"},
         "identifiers": [{"scheme": "XI-LEI", "id": "5493001KJTIIGC8Y1R12"}]},
        {"statementID": "per-1", "statementType": "personStatement", "personType": "knownPerson",
         "names": [{"type": "individual", "fullName": "Ivan Petrov"}], "nationalities": [{"code": "RU"}]},
        {"statementID": "ooc-1", "statementType": "ownershipOrControlStatement",
         "subject": {"describedByEntityStatement": "ent-1"},
         "interestedParty": {"describedByPersonStatement": "per-1"},
         "interests": [{"type": "shareholding", "interestLevel": "direct", "startDate": "2019-02-01",
                        "share": {"minimum": 50, "maximum": 75, "exclusiveMinimum": True,
                                  "exclusiveMaximum": False}},
                       {"type": "appointment-of-board"}]},
        {"statementID": "ooc-2", "statementType": "ownershipOrControlStatement",
         "subject": {"describedByEntityStatement": "ent-1"},
         "interestedParty": {"unspecified": {"reason": "unknown", "description": "not disclosed"}},
         "interests": [{"type": "voting-rights", "share": {"exact": 10}}]},
    ]
    f = tmp_path / "old.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n", encoding="utf-8")
    report = ingest([f], embedded_store, tmp_path)
    assert report.balanced and report.quarantined == 1 and report.rejects[0].line == 5
    ent = embedded_store.get_entity("ent-1")
    assert ent["country"] == "cy" and "lei:5493001KJTIIGC8Y1R12" in ent["identifiers"]
    got = {(r["type"], r["basis"]): r for r in rels(embedded_store, "per-1")}
    own = got[("ownership", None)]
    assert (own["share_min"], own["share_max"], own["start_date"]) == (50, 75, "2019-02-01")
    assert "more than 50%" in own["note"]
    assert ("control", "board_majority_appointment_right") in got
    [anon] = [r for r in rels(embedded_store, "ent-1", direction="in") if r["other_type"] == "unknown"]
    assert anon["type"] == "control" and anon["basis"] == "voting_rights" and anon["share"] == 10
