"""The OFAC SDN adapter on the real legacy sdn.csv (on top of the demo bundle) and on small fixtures."""

from __future__ import annotations

import csv
import json

import pytest

from ownerscope.demo import SEED_CASE
from ownerscope.graph.store import open_store
from ownerscope.ingest.registry import available
from ownerscope.ingest.run import run_ingest

ROSTEC = "ofac-17260"


def _ingest(store, fmt, paths, tmp, dataset=None):
    return run_ingest(fmt, paths, store=store, show_progress=False, dataset=dataset,
                      quarantine=tmp / f"q-{fmt}.jsonl")


@pytest.fixture(scope="module")
def sdn_store(tmp_path_factory):
    from tests.conftest import SHARED_DATA

    sdn = SHARED_DATA / "ofac" / "sdn.csv"
    if not sdn.is_file():
        pytest.skip(f"shared data not present at {SHARED_DATA}")
    tmp = tmp_path_factory.mktemp("sdn")
    store = open_store(str(tmp / "store.lbug"))
    demo = _ingest(store, "csv", [SEED_CASE], tmp, dataset="ownerscope-demo")
    report = _ingest(store, "ofac-sdn", [sdn], tmp)
    yield store, report, demo, sdn, tmp
    store.close()


def _sdn_rows(sdn):
    with sdn.open(encoding="latin-1", newline="") as fh:
        return [r for r in csv.reader(fh) if len(r) == 12]


def test_registered():
    assert "ofac-sdn" in available()


def test_rostec_links_become_linked_relations(sdn_store):
    store, report, _, sdn, _ = sdn_store
    expected = {f"ofac-{r[0]}" for r in _sdn_rows(sdn) if "Linked To: STATE CORPORATION ROSTEC" in r[11]}
    assert len(expected) == 15
    rostec = store.get_entity(ROSTEC)
    linked_in = {r["other"] for r in rostec["relations"] if r["type"] == "linked" and r["direction"] == "in"}
    assert linked_in == expected
    assert "ofac-18782" in linked_in  # Rosoboronexport, as in the demo
    assert rostec["name"] == "STATE CORPORATION ROSTEC" and rostec["type"] == "public_body"


def test_sdn_merges_into_the_demo_nodes(sdn_store):
    store, report, demo, _, _ = sdn_store
    rostec = store.get_entity(ROSTEC)
    datasets = {s["dataset"] for s in rostec["sources"]}
    assert datasets == {"ownerscope-demo", "ofac-sdn:sdn.csv"}
    # the same identifiers in the demo and in the SDN remarks: united, not doubled
    assert sorted(rostec["identifiers"]) == ["ru-inn:7704274402", "ru-ogrn:1077799030847", "ru-okpo:94137372"]
    assert "State Corporation Rostec" in rostec["aliases"]
    # the demo's Rosoboronexport -> Rostec link and the SDN one are the same relation with both sources
    link = [r for r in rostec["relations"] if r["other"] == "ofac-18782" and r["type"] == "linked"]
    assert len(link) == 1
    assert {s["dataset"] for s in link[0]["sources"]} == {"ownerscope-demo", "ofac-sdn:sdn.csv"}
    # ownership from the demo is still there
    assert any(r["type"] == "ownership" and r["other"] == "demo-vsmpo-avisma" for r in rostec["relations"])
    for uid in ("ofac-16685", "ofac-18782", "ofac-47039", "ofac-47042"):
        ds = {s["dataset"] for s in store.get_entity(uid)["sources"]}
        assert ds == {"ownerscope-demo", "ofac-sdn:sdn.csv"}, uid


def test_sdn_counts_and_designations(sdn_store):
    store, report, demo, sdn, _ = sdn_store
    rows = _sdn_rows(sdn)
    assert report.balanced and report.quarantined == 0
    assert report.by_kind["entities"] == len(rows) == 14965
    programs = sum(len([p for p in r[3].split("] [") if p.strip()]) for r in rows)
    assert report.by_kind["designations"] == programs
    counts = store.counts()
    demo_only = demo.by_kind["entities"] - 5  # five demo entities carry SDN ids
    assert sum(counts["entities"].values()) == 14965 + demo_only
    roe = store.get_entity("ofac-18782")
    us = sorted(d["program"] for d in roe["designations"] if d["authority"] == "us")
    assert us == ["IRAN-CON-ARMS-EO", "RUSSIA-EO14024", "SYRIA", "UKRAINE-EO13662"]
    # every "Linked To:" mention is either a relation or a counted, noted skip
    mentions = sum(r[11].count("Linked To:") for r in rows)
    assert report.by_kind["relations"] + report.skipped == mentions == 6375
    gazprom = [r for r in rows if "Linked To: PUBLIC JOINT STOCK COMPANY GAZPROM" in r[11]][0]
    assert "not on this list" in store.get_entity(f"ofac-{gazprom[0]}")["notes"]


def test_sdn_entry_details(sdn_store):
    store, *_ = sdn_store
    z = store.get_entity("ofac-45937")
    assert (z["type"], z["country"], z["identifiers"]) == ("person", "ru", ["ru-inn:183111242406"])
    zala = store.get_entity("ofac-45934")
    assert {r["other"] for r in zala["relations"] if r["type"] == "linked"} >= {"ofac-45937"}
    ebano = store.get_entity("ofac-4243")
    assert ebano["type"] == "vessel" and ebano["identifiers"] == ["imo:7406784"]
    assert set(ebano["aliases"]) == {"ANA I", "SAND SWAN"} and ebano["country"] == "pa"
    assert store.get_entity("ofac-47039")["identifiers"][:2] == ["ae-dmcc-license:DMCC-476388",
                                                                 "ae-registration:124420"]


def test_sdn_reingest_is_idempotent(sdn_store):
    store, _, _, sdn, tmp = sdn_store
    before = store.counts()
    _ingest(store, "ofac-sdn", [sdn], tmp)
    assert store.counts() == before


SDN_FIXTURE = """\
100,"ACME TRADING LLC",-0- ,"RUSSIA-EO14024] [UKRAINE-EO13662",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Tax ID No. 7707083893 (Russia); Registration Number 1027700132195 (Russia); a.k.a. 'ACME TORG'."
101,"IVANOV, Ivan","individual","RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 01 Jan 1970; nationality Russia; Linked To: ACME TRADING LLC; Linked To: NOBODY KNOWN LTD."
102,"BROKEN ROW",-0- ,"CUBA"
abc,"NOT A NUMBER",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- 
100,"ACME AGAIN",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- 
103,-0- ,-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- 
104,"NO PROGRAM CO",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- 
105,"SEA STAR","vessel","IRAN",-0- ,-0- ,"Tanker",-0- ,-0- ,"Panama",-0- ,"Vessel Registration Identification IMO 9123456; Linked To: ACME TRADING LLC."
\x1a"""


def test_fixture_with_malformed_rows_and_side_files(embedded_store, tmp_path):
    folder = tmp_path / "sdn"
    folder.mkdir()
    (folder / "sdn.csv").write_bytes(SDN_FIXTURE.replace("\n", "\r\n").encode("latin-1"))
    (folder / "alt.csv").write_text('101,1,"aka","IVANOV, Vanya",-0- \n', encoding="latin-1")
    (folder / "add.csv").write_text('100,1,"Ul. Lenina 1","Moscow","Russia",-0- \n', encoding="latin-1")
    report = run_ingest("ofac-sdn", [folder], store=embedded_store, show_progress=False, dataset="fix")
    assert report.balanced
    reasons = {r.line: r.reason for r in report.rejects}
    assert reasons == {3: "row has 4 fields, the SDN layout has 12", 4: "ent_num 'abc' is not a number",
                       5: "ent_num 100 appears twice", 6: "ent_num 103: no SDN_Name",
                       7: "ent_num 104: no program"}
    assert report.skipped_reasons == {"Linked To: name not on this list (kept as a note on the entity)": 1}
    acme = embedded_store.get_entity("ofac-100")
    assert acme["type"] == "company" and acme["country"] == "ru" and acme["aliases"] == ["ACME TORG"]
    assert acme["identifiers"] == ["ru-inn:7707083893", "ru-ogrn:1027700132195"]
    assert sorted(d["program"] for d in acme["designations"]) == ["RUSSIA-EO14024", "UKRAINE-EO13662"]
    assert {r["other"] for r in acme["relations"]} == {"ofac-101", "ofac-105"}
    ivanov = embedded_store.get_entity("ofac-101")
    assert ivanov["aliases"] == ["IVANOV, Vanya"] and ivanov["country"] == "ru"
    assert ivanov["notes"] == "Linked To: NOBODY KNOWN LTD (not on this list)"
    q = [json.loads(x) for x in report.quarantine_path.read_text().splitlines()]
    assert sorted(x["line"] for x in q) == [3, 4, 5, 6, 7]
    before = embedded_store.counts()
    run_ingest("ofac-sdn", [folder], store=embedded_store, show_progress=False, dataset="fix")
    assert embedded_store.counts() == before
