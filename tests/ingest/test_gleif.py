"""GLEIF adapter: LEI records, relationship records and reporting exceptions from the real files."""

from __future__ import annotations

import pytest

from ownerscope.errors import InputError
from ownerscope.ingest.run import run_ingest

CHILD = "010CMKZ3VON21WF2ZD45"
DIRECT_PARENT = "ZZG38T0MDR3QY1ETUA76"
ULTIMATE_PARENT = "3C7474T6CDKPR9K6YT90"


def ingest(paths, store, tmp_path, name="q.jsonl"):
    return run_ingest("gleif", paths, store=store, show_progress=False, quarantine=tmp_path / name)


def rels(store, eid, direction="out", other=None):
    return [r for r in store.get_entity(eid)["relations"]
            if r["direction"] == direction and (other is None or r["other"] == other)]


@pytest.fixture
def gleif_store(shared_data, embedded_store, tmp_path):
    g = shared_data / "gleif"
    # relationships first on the command line: the adapter still reads the LEI records first
    report = ingest([g / "rr-data.xml", g / "repex-data.xml", g / "lei-data.xml"], embedded_store, tmp_path)
    return embedded_store, report


def test_lei_records(gleif_store):
    store, report = gleif_store
    assert report.balanced and report.quarantined == 0
    dentsu = store.get_entity("213800FERQ5LE3H7WJ58")
    assert dentsu["name"] == "DENTSU INTERNATIONAL LIMITED" and dentsu["country"] == "gb"
    assert {"DENTSU AEGIS NETWORK LTD.", "AEGIS GROUP PLC"} <= set(dentsu["aliases"])
    assert "lei:213800FERQ5LE3H7WJ58" in dentsu["identifiers"] and "ra000585:01403668" in dentsu["identifiers"]
    assert dentsu["sources"][0]["url"].endswith("213800FERQ5LE3H7WJ58")
    fund = store.get_entity("001GPB6A9XPE8XJICC14")
    assert fund["type"] == "legal_entity" and "FUND" in fund["notes"] and fund["country"] == "us"
    # the relationship file named it first, as a placeholder: the LEI record was not overwritten
    assert fund["name"] == "Fidelity Advisor Leveraged Company Stock Fund"


def test_consolidation_runs_from_parent_to_child(gleif_store):
    store, _ = gleif_store
    [direct] = rels(store, DIRECT_PARENT, other=CHILD)
    assert direct["type"] == "control" and direct["basis"] == "accounting_consolidation_direct"
    assert direct["start_date"] == "2018-02-06" and direct["end_date"] is None and not direct["ended"]
    [ultimate] = rels(store, ULTIMATE_PARENT, other=CHILD)
    assert ultimate["basis"] == "accounting_consolidation_ultimate" and "US_GAAP" in ultimate["note"]
    assert {r["basis"] for r in rels(store, CHILD, direction="in")} == {
        "accounting_consolidation_direct", "accounting_consolidation_ultimate"}
    assert rels(store, CHILD, direction="out") == []
    # the parents are not in lei-data.xml: placeholders named by LEI carry the relations
    parent = store.get_entity(DIRECT_PARENT)
    assert parent["name"] == DIRECT_PARENT and "placeholder" in parent["notes"]


def test_fund_relationships_and_exceptions(gleif_store):
    store, _ = gleif_store
    links = {r["other"]: r["role"] for r in rels(store, "001GPB6A9XPE8XJICC14", direction="in")
             if r["type"] == "linked" and r["other_type"] != "unknown"}
    assert links == {"5493001Z012YSB2A0K51": "fund manager", "C7J4FOV6ELAVE39B7M82": "umbrella fund"}
    # repex: NON_PUBLIC means a parent exists but is not named; NO_KNOWN_PERSON means there is none
    [hidden] = rels(store, "01370W6ZIY66KQ4J3570-direct-parent-exception")
    assert hidden["type"] == "control" and hidden["role"] == "unreported parent"
    [none] = rels(store, "00KLB2PFTM3060S2N216-direct-parent-exception")
    assert none["type"] == "linked" and "NO_KNOWN_PERSON" in none["note"]


def test_reingest_is_idempotent(gleif_store, shared_data, tmp_path):
    store, _ = gleif_store
    before = store.counts()
    again = ingest([shared_data / "gleif"], store, tmp_path, "q2.jsonl")
    assert again.balanced and again.placeholders == 0 and store.counts() == before


def test_relationship_file_alone_makes_placeholders(shared_data, embedded_store, tmp_path):
    report = ingest([shared_data / "gleif" / "rr-data.xml"], embedded_store, tmp_path)
    assert report.balanced and report.quarantined == 0 and report.stored == 10
    assert report.placeholders == len({*report_ids(embedded_store)})
    assert embedded_store.get_entity(CHILD)["type"] == "legal_entity"


def report_ids(store):
    return [r[0] for r in store.query("MATCH (e:Entity) RETURN e.id").rows]


# ------------------------------------------------------------------------------ small written fixtures
HEAD = ('<?xml version="1.0" encoding="UTF-8"?><rr:RelationshipData xmlns:rr="http://www.gleif.org/data/schema/rr/2016">'
        "<rr:RelationshipRecords>\n")


def _rr(start, end, rtype="IS_DIRECTLY_CONSOLIDATED_BY", status="ACTIVE", sdate="2020-01-01", edate=None,
        pct=None):
    period = f"<rr:StartDate>{sdate}T00:00:00Z</rr:StartDate>" + (
        f"<rr:EndDate>{edate}T00:00:00Z</rr:EndDate>" if edate else "")
    quant = (f"<rr:RelationshipQuantifiers><rr:RelationshipQuantifier><rr:MeasurementMethod>ACCOUNTING_CONSOLIDATION"
             f"</rr:MeasurementMethod><rr:QuantifierAmount>{pct}</rr:QuantifierAmount><rr:QuantifierUnits>PERCENTAGE"
             "</rr:QuantifierUnits></rr:RelationshipQuantifier></rr:RelationshipQuantifiers>") if pct else ""
    return (f"<rr:RelationshipRecord><rr:Relationship><rr:StartNode><rr:NodeID>{start}</rr:NodeID></rr:StartNode>"
            f"<rr:EndNode><rr:NodeID>{end}</rr:NodeID></rr:EndNode><rr:RelationshipType>{rtype}</rr:RelationshipType>"
            f"<rr:RelationshipPeriods><rr:RelationshipPeriod>{period}<rr:PeriodType>RELATIONSHIP_PERIOD</rr:PeriodType>"
            f"</rr:RelationshipPeriod></rr:RelationshipPeriods>{quant}<rr:RelationshipStatus>{status}"
            "</rr:RelationshipStatus></rr:Relationship></rr:RelationshipRecord>\n")


A, B, C = "A" * 20, "B" * 20, "C" * 20


def test_written_relationships_malformed_and_broken(tmp_path, embedded_store):
    body = (_rr(A, B, pct="80.5") + _rr(C, B, status="INACTIVE", edate="2021-06-30")
            + _rr("SHORT", B) + _rr(A, C, sdate="2020-02-30") + _rr(A, B, rtype="IS_FRIEND_OF")
            + _rr(C, A, rtype="IS_FEEDER_TO"))
    f = tmp_path / "rr.xml"
    f.write_text(HEAD + body + "</rr:RelationshipRecords></rr:RelationshipData>\n", encoding="utf-8")
    report = ingest([f], embedded_store, tmp_path)
    assert report.balanced and report.read == 6 and report.stored == 3 and report.quarantined == 3
    reasons = sorted(r.reason for r in report.rejects)
    assert any("record 3 of the file: StartNode NodeID 'SHORT' is not a 20-character LEI" in r for r in reasons)
    assert any("record 4 of the file: StartDate: not a valid date" in r for r in reasons)
    assert any("unknown RelationshipType 'IS_FRIEND_OF'" in r for r in reasons)
    [to_a] = rels(embedded_store, B, other=A)
    assert to_a["share"] == 80.5 and to_a["basis"] == "accounting_consolidation_direct"
    [ended] = rels(embedded_store, B, other=C)
    assert ended["ended"] and ended["end_date"] == "2021-06-30"
    [feeder] = rels(embedded_store, C, other=A)  # a feeder fund invests into its master: feeder -> master
    assert feeder["type"] == "linked" and feeder["role"] == "feeder fund"

    broken = tmp_path / "broken.xml"
    broken.write_text(HEAD + _rr(A, B) + _rr(C, B).replace("</rr:EndNode>", "", 1) + _rr(C, A),
                      encoding="utf-8")
    report = ingest([broken], embedded_store, tmp_path, "q2.jsonl")
    assert report.balanced and report.stored == 1 and report.quarantined == 1
    assert "not well-formed XML after record 1" in report.rejects[0].reason and report.rejects[0].line == 3


def test_not_a_gleif_file(tmp_path, embedded_store):
    f = tmp_path / "other.xml"
    f.write_text("<root><x/></root>", encoding="utf-8")
    with pytest.raises(InputError, match="not a GLEIF file"):
        ingest([f], embedded_store, tmp_path)
