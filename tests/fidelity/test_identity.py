"""Identity evidence: dates of birth and identifiers kept from every adapter, checksums checked with
python-stdnum, resolution that merges on equal strong identifiers, is blocked by conflicting ones, names
its evidence, and survives a refresh of the sources (both backends)."""

from __future__ import annotations

import json

from ownerscope.ingest import resolve
from ownerscope.ingest.identifiers import matchable, valid
from ownerscope.ingest.run import run_ingest
from tests.conftest import write_bundle

# the UK consolidated list (legacy ConList.csv layout) and the OFAC SDN list (sdn.csv) naming one person
UK = (
    "Last Updated,01/02/2024\n"
    "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,DOB,Town of Birth,Country of Birth,Nationality,"
    "Passport Details,NI Number,Position,Address 1,Address 2,Address 3,Address 4,Address 5,Address 6,"
    "Post/Zip Code,Country,Other Information,Group Type,Alias Type,Regime,Listed On,Last Updated,Group ID\n"
    "VOLKOV,Sergei,,,,,,14/07/1961,,,Russia,721234567 (Russia),4500012345 (Russia),,Tverskaya 1,,,,"
    "Moscow,,125009,Russia,,Individual,Prime Alias,Russia,15/03/2022,15/03/2022,9101\n"
    "BELOV,Oleg,,,,,,00/00/1975,,,Russia,,4600099999,,,,,,,,,Russia,,Individual,Prime Alias,Russia,"
    "16/03/2022,16/03/2022,9102\n"
)
SDN = (
    '7001,"VOLKOV, Sergei Ivanovich","individual","[RUSSIA-EO14024]",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
    '"DOB 14 Jul 1961; nationality Russia; National ID No. 4500012345 (Russia)."\n'
    '7002,"BELOV, Oleg","individual","[RUSSIA-EO14024]",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
    '"DOB 02 Feb 1980; National ID No. 4600099999 (Russia)."\n'
)


def ingest(store, fmt, path, dataset, tmp_path):
    return run_ingest(fmt, [path], store=store, show_progress=False, dataset=dataset,
                      quarantine=tmp_path / f"{dataset}.jsonl")


def lists(store, tmp_path):
    (tmp_path / "ConList.csv").write_text(UK, encoding="utf-8")
    (tmp_path / "sdn.csv").write_text(SDN, encoding="latin-1")
    ingest(store, "uk-sanctions", tmp_path / "ConList.csv", "uk", tmp_path)
    ingest(store, "ofac-sdn", tmp_path / "sdn.csv", "ofac", tmp_path)


def test_checksums_decide_whether_an_identifier_is_evidence():
    assert valid("ru-inn:7707083893") is True and matchable("ru-inn:7707083893")
    assert valid("ru-inn:7707083894") is False and not matchable("ru-inn:7707083894")
    assert valid("ru-ogrn:1027700132195") is True and valid("imo:9123456") is False
    assert valid("ru-national-id:4500012345") is None and matchable("ru-national-id:4500012345")


def test_lists_keep_dates_of_birth_documents_and_addresses(store, tmp_path):
    lists(store, tmp_path)
    uk = store.get_entity("uk-9101")
    assert uk["birth_dates"] == ["1961-07-14"] and uk["nationalities"] == ["ru"]
    assert set(uk["identifiers"]) == {"ru-passport:721234567", "ru-national-id:4500012345"}
    assert uk["addresses"] == ["Tverskaya 1, Moscow, 125009, Russia"]
    assert store.get_entity("uk-9102")["birth_dates"] == ["1975"]
    ofac = store.get_entity("ofac-7001")
    assert ofac["birth_dates"] == ["1961-07-14"] and ofac["nationalities"] == ["ru"]
    assert ofac["identifiers"] == ["ru-national-id:4500012345"]


def test_equal_national_id_merges_and_a_conflicting_birth_date_blocks(store, tmp_path):
    lists(store, tmp_path)
    report = resolve.run(store, 95, 80)
    merged = {frozenset((m["keep"], m["drop"])): m["reason"] for m in report.merged}
    reason = merged[frozenset(("uk-9101", "ofac-7001"))]
    assert "4500012345" in reason and "same date of birth 1961-07-14" in reason
    # BELOV: the same national id number, but born 1975 on one list and 1980 on the other: for review
    assert frozenset(("uk-9102", "ofac-7002")) not in merged
    [cand] = [c for c in resolve.candidates(store) if {c["a"], c["b"]} == {"uk-9102", "ofac-7002"}]
    assert cand["reason"] in ("same ru-national-id:4600099999, but dates of birth differ (1975 / 1980-02-02)",
                              "same ru-national-id:4600099999, but dates of birth differ (1980-02-02 / 1975)")


def test_refresh_after_resolve_keeps_the_merges(store, tmp_path):
    lists(store, tmp_path)
    resolve.run(store, 95, 80)
    before = store.counts()
    keep = store.resolve_id("ofac-7001")
    dropped = "ofac-7001" if keep == "uk-9101" else "uk-9101"
    # a weekly refresh of both lists
    lists(store, tmp_path)
    after = store.counts()
    assert after["entities"] == before["entities"] and after["designations"] == before["designations"]
    shown = store.get_entity(dropped)  # `show OLD_ID` follows the merge
    assert shown["id"] == keep and {d["authority"] for d in shown["designations"]} == {"uk", "us"}
    assert store.existing_ids([dropped]) == set()
    assert resolve.run(store, 95, 80).reapplied == 0


def test_referent_merge_blocked_by_conflicting_inn(store, tmp_path):
    # an FtM export whose record names a CSV entity as its referent, with a different INN and OGRN
    bundle = write_bundle(tmp_path / "b", "id,type,name,identifiers\n"
                          "romashka,company,Romashka,ru-inn:7707083893;ru-ogrn:1027700132195\n")
    ingest(store, "csv", bundle, "csv", tmp_path)
    ftm = {"id": "os-romashka", "schema": "Company", "referents": ["romashka"], "datasets": ["x"],
           "properties": {"name": ["Romashka"], "innCode": ["7736050003"], "ogrnCode": ["1027700070518"]}}
    (tmp_path / "e.ftm.json").write_text(json.dumps(ftm) + "\n", encoding="utf-8")
    ingest(store, "ftm", tmp_path / "e.ftm.json", "os", tmp_path)
    report = resolve.run(store, 95, 80)
    assert report.merged == []
    [cand] = resolve.candidates(store)
    assert "referent romashka" in cand["reason"] and "different ru-inn" in cand["reason"]
