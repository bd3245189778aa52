"""UK PSC adapter: PSC snapshot lines and company data from the real fixtures; malformed input."""

from __future__ import annotations

import json

import pytest

from ownerscope.ingest.run import run_ingest
from ownerscope.ingest.uk_psc import nature, strict_lower_bound


def ingest(paths, store, tmp_path, name="q.jsonl"):
    return run_ingest("uk-psc", paths, store=store, show_progress=False, quarantine=tmp_path / name)


def rels(store, eid, direction="in"):
    return [r for r in store.get_entity(eid)["relations"] if r["direction"] == direction]


@pytest.fixture
def psc_store(shared_data, embedded_store, tmp_path):
    report = ingest([shared_data / "uk_psc"], embedded_store, tmp_path)
    return embedded_store, report


def test_real_files_load_balanced(psc_store):
    store, report = psc_store
    assert report.balanced and report.quarantined == 0
    # 16 snapshot totals lines and one PSC statement are skipped on purpose, with their reasons
    assert report.skipped == 17 and report.skipped_reasons["snapshot totals line"] == 16
    assert report.skipped_reasons["PSC statement (no-individual-or-entity-with-signficant-control)"] == 1


def test_company_data_and_individual_psc(psc_store):
    store, _ = psc_store
    company = store.get_entity("gb-coh-08209948")
    assert company["name"] == "! LTD" and "gb-coh:08209948" in company["identifiers"]
    assert "incorporated 2012-09-11" in company["notes"] and "placeholder" not in company["notes"]
    [own] = rels(store, "gb-coh-08209948")
    assert own["other_name"] == "Mr Marc Anthony Feldman" and own["other_type"] == "person"
    assert (own["type"], own["share_min"], own["share_max"]) == ("ownership", 75, 100)
    assert own["start_date"] == "2021-12-13" and "75% or more" in own["note"]
    assert own["sources"][0]["record_id"] == "FReSTxwXcJbAHBrerDpmTylkW48"


def test_bands_ceased_and_kinds(psc_store):
    store, _ = psc_store
    # psc-data-14: a corporate PSC with 25-50% of shares and of votes
    got = {(r["type"], r["basis"]): (r["share_min"], r["share_max"], r["note"]) for r in rels(store, "gb-coh-07731393")}
    assert got[("ownership", None)][:2] == (25, 50) and "more than 25% and not more than 50%" in got[("ownership", None)][2]
    assert got[("control", "voting_rights")][:2] == (25, 50)
    # psc-data-11: all four natures, ceased on 2018-02-27
    karol = rels(store, "gb-coh-10308742")
    assert {(r["type"], r["basis"]) for r in karol} == {
        ("ownership", None), ("control", "voting_rights"), ("control", "board_majority_appointment_right"),
        ("control", "dominant_influence")}
    assert all(r["end_date"] == "2018-02-27" and r["ended"] for r in karol)
    # psc-data-5: a legal person (a Chinese government department)
    [safe] = rels(store, "gb-coh-07102351")
    assert safe["other_type"] == "legal_entity" and safe["other_name"] == "State Administration Of Foreign Exchange"
    # psc-data-7: a super-secure PSC becomes an unknown controller
    [secret] = rels(store, "gb-coh-02443921")
    assert secret["other_type"] == "unknown" and secret["basis"] == "unspecified_interest"
    # a company known only from a PSC line is a placeholder named by number
    assert store.get_entity("gb-coh-02443921")["name"] == "Companies House company 02443921"


def test_corporate_psc_registered_in_the_uk_is_the_company_itself(psc_store):
    store, _ = psc_store
    # psc-data-8: Clientlogic Holding Limited, registration number 03530981 at Companies House
    owner = store.get_entity("gb-coh-03530981")
    assert owner["name"] == "Clientlogic Holding Limited" and owner["type"] == "company"
    assert any(r["other"] == "gb-coh-04120481" and r["type"] == "ownership" for r in rels(store, owner["id"], "out"))
    # psc-data-15: registered in Minnesota: its own PSC node, with the registration in the notes
    [us] = [r for r in rels(store, "gb-coh-02847483") if r["type"] == "ownership"]
    assert us["other"].startswith("gb-coh-psc-") and "41-0406690" in store.get_entity(us["other"])["notes"]


def test_reingest_is_idempotent(psc_store, shared_data, tmp_path):
    store, _ = psc_store
    before = store.counts()
    again = ingest([shared_data / "uk_psc"], store, tmp_path, "q2.jsonl")
    assert again.balanced and again.placeholders == 0 and store.counts() == before


def test_nature_codes():
    assert nature("ownership-of-shares-50-to-75-percent-as-trust")[:5] == ("ownership", None, 50, 75, "as trust")
    assert "more than 50% and less than 75%" in nature("voting-rights-50-to-75-percent")[5]
    assert nature("right-to-appoint-and-remove-members-limited-liability-partnership")[:2] == (
        "control", "board_majority_appointment_right")
    assert nature("significant-influence-or-control-as-firm")[1:5:3] == ("dominant_influence", "as firm")
    assert nature("something-new")[1] == "unspecified_interest"
    assert strict_lower_bound("ownership-of-shares-50-to-75-percent")
    assert strict_lower_bound("voting-rights-25-to-50-percent-as-trust")
    assert not strict_lower_bound("ownership-of-shares-75-to-100-percent")
    assert not strict_lower_bound("right-to-appoint-and-remove-directors")


# ------------------------------------------------------------------------------ small written fixtures
def _psc(number, pid, natures, kind="individual-person-with-significant-control", **extra):
    data = {"kind": kind, "name": "Jane Roe", "links": {"self": f"/company/{number}/persons-with-significant-control/individual/{pid}"},
            "natures_of_control": natures, "notified_on": "2017-01-02", **extra}
    return {"company_number": number, "data": data}


def test_json_lines_with_malformed_lines(tmp_path, embedded_store):
    lines = [
        json.dumps(_psc("01234567", "P1", ["ownership-of-shares-50-to-75-percent"])),
        "{not json",
        json.dumps({"company_number": "", "data": {"kind": "individual-person-with-significant-control",
                                                    "name": "X", "links": {"self": "/a/b"}}}),
        json.dumps(_psc("01234567", "P2", ["voting-rights-25-to-50-percent"], ceased_on="2016-02-30")),
        json.dumps({"company_number": "01234567", "data": {"kind": "individual-person-with-significant-control",
                                                           "name": "No Link"}}),
        json.dumps(_psc("1234567", "P3", ["significant-influence-or-control"])),  # number without its 0
    ]
    f = tmp_path / "psc.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest([f], embedded_store, tmp_path)
    assert report.balanced and report.quarantined == 4 and report.placeholders == 1
    by_line = {r.line: r.reason for r in report.rejects}
    assert "invalid JSON" in by_line[2]
    assert by_line[3].startswith("missing company number")
    assert by_line[4].startswith("ceased_on: not a valid date")
    assert by_line[5].startswith("missing links.self")
    got = {r["basis"]: r for r in rels(embedded_store, "gb-coh-01234567")}
    assert got[None]["share_min"] == 50 and got["dominant_influence"]["other"] == "gb-coh-psc-P3"


def test_company_csv_plain_and_broken_rows(tmp_path, embedded_store):
    f = tmp_path / "BasicCompanyData.csv"
    f.write_text('CompanyName, CompanyNumber,CompanyStatus,IncorporationDate\n'
                 '"ACME LTD","00000042","Active","01/02/2003"\n'
                 '"NO NUMBER","","Active",""\n'
                 '"BAD DATE","00000043","Active","31/02/2003"\n'
                 '"SHORT ROW","00000044"\n', encoding="utf-8")
    report = ingest([f], embedded_store, tmp_path)
    assert report.balanced and report.stored == 1 and report.quarantined == 3
    assert {r.line for r in report.rejects} == {3, 4, 5}
    acme = embedded_store.get_entity("gb-coh-00000042")
    assert acme["name"] == "ACME LTD" and "incorporated 2003-02-01" in acme["notes"]
