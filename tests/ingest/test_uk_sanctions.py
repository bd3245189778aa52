"""The UK consolidated list adapter on the real ConList excerpt and on small fixtures of both layouts."""

from __future__ import annotations

import csv
import json

import pytest

from ownerscope.errors import InputError
from ownerscope.ingest.registry import available
from ownerscope.ingest.run import run_ingest


def _ingest(store, path, dataset=None):
    return run_ingest("uk-sanctions", [path], store=store, show_progress=False, dataset=dataset)


def test_registered():
    assert "uk-sanctions" in available()


def test_conlist_groups_become_entities(embedded_store, shared_data):
    path = shared_data / "uk_ofsi" / "ConList.csv"
    with path.open(encoding="cp1252", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    groups = {r[-1] for r in rows}
    report = _ingest(embedded_store, path)
    assert report.balanced and report.quarantined == 0
    assert report.by_kind["entities"] == len(groups) == 41
    assert report.skipped == len(rows) - len(groups)  # the alias rows, folded into their group
    counts = embedded_store.counts()
    assert sum(counts["entities"].values()) == 41 and counts["designations"] == {"uk": 41}
    abbas = embedded_store.get_entity("uk-13814")
    assert abbas["name"] == "Yasser Aziz ABBAS" and abbas["type"] == "person"
    assert set(abbas["aliases"]) == {"Yaser Aziz ABAS", "Yasr Aziz ABAS", "Yasser Aziz ABAS", "Yaser Aziz ABBAS",
                                     "Yasr Aziz ABBAS"}
    ship = embedded_store.get_entity("uk-13556")
    assert ship["name"] == "TONG SAN 2" and ship["identifiers"] == ["imo:8937675"]
    d = ship["designations"][0]
    assert (d["authority"], d["program"], d["start_date"]) == (
        "uk", "North Korea (Democratic People's Republic of Korea)", "2017-10-19")
    assert ship["sources"] == [{"dataset": "uk-sanctions:ConList.csv", "record_id": "13556",
                                "url": "https://www.gov.uk/government/publications/"
                                       "financial-sanctions-consolidated-list-of-targets"}]
    # identity evidence: dates of birth (00 = unknown day / month), nationalities, passports, national ids
    farooq = embedded_store.get_entity("uk-13349")
    assert (farooq["birth_dates"], farooq["nationalities"]) == (["1980", "1981"], ["sa", "qa"])
    assert farooq["identifiers"] == ["qa-passport:592667"]  # the document says Qatari (as OFAC: "Passport 592667 (Qatar)")
    rahman = embedded_store.get_entity("uk-6894")
    assert rahman["birth_dates"] == ["1958-08-17", "1957-08-17"] and rahman["nationalities"] == ["id"]
    assert "id-national-id:3603251708570001" in rahman["identifiers"]
    assert rahman["addresses"] == ["Jalan Nakula, Komplek Witana Harja III Blok C 106-107, Tangerang, Indonesia"]
    # Windows-1252 quotes decoded, not replaced
    battalion = embedded_store.get_entity("uk-13222")
    assert "so-called ’2nd Army Corps’" in battalion["notes"]
    before = embedded_store.counts()
    _ingest(embedded_store, path)
    assert embedded_store.counts() == before


LEGACY = (
    "Last Updated,01/02/2024\n"
    "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,DOB,Country,Other Information,Group Type,Alias Type,"
    "Regime,Listed On,Group ID\n"
    "PETROV,Ivan,,,,,,01/01/1970,Russia,,Individual,Prime Alias,Russia,15/03/2022,9001\n"
    "ACME TRADING LLC,,,,,,,,Russia,,Entity,Prime Alias,Russia,31/02/2022,9002\n"
    "PETROFF,Ivan,,,,,,01/01/1970,Russia,,Individual,AKA,Russia,15/03/2022,9001\n"
    "ORPHAN,,,,,,,,,,Entity,AKA,Russia,15/03/2022,\n"
    "SHORT,ROW\n"
    ",,,,,,,,,,Entity,AKA,Russia,15/03/2022,9003\n"
    "ACME TORG,,,,,,,,Russia,,Entity,AKA,Russia,01/04/2022,9002\n"
)


def test_legacy_fixture_with_malformed_rows(embedded_store, tmp_path):
    path = tmp_path / "ConList.csv"
    path.write_text(LEGACY, encoding="utf-8")
    report = _ingest(embedded_store, path, dataset="fix")
    assert report.balanced
    reasons = {r.line: r.reason for r in report.rejects}
    assert reasons == {4: "group 9002: listed-on date '31/02/2022' is not a valid date",
                       6: "missing Group ID", 7: "row has 2 fields, the header has 15",
                       8: "group 9003: row has no name"}
    petrov = embedded_store.get_entity("uk-9001")
    assert (petrov["name"], petrov["aliases"], petrov["country"]) == ("Ivan PETROV", ["Ivan PETROFF"], "ru")
    assert [(d["program"], d["start_date"]) for d in petrov["designations"]] == [("Russia", "2022-03-15")]
    # the group's prime row was quarantined: the group still loads from its remaining row
    acme = embedded_store.get_entity("uk-9002")
    assert acme["name"] == "ACME TORG" and acme["type"] == "organization"
    assert acme["designations"][0]["start_date"] == "2022-04-01"
    q = [json.loads(x) for x in report.quarantine_path.read_text().splitlines()]
    assert sorted(x["line"] for x in q) == [4, 6, 7, 8]


NEW_LAYOUT = (
    "Report Date: 02-Jan-2025\n"
    "Last Updated,Unique ID,OFSI Group ID,UN Reference Number,Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,"
    "Name type,Alias strength,Title,Entity type,IMO number,Business registration number (s),Address Country,"
    "Other Information,Nationality(/ies),Date Designated,Regime Name,Designation Type\n"
    "01/01/2025,RUS0001,15000,,SEA BREEZE,,,,,,Primary Name,,,,9123456,,,,,04/05/2023,Russia,Ship\n"
    "01/01/2025,RUS0002,15001,,AO ROMASHKA,,,,,,Primary Name,,,Company,,1027700132195,Russia,,,"
    "06/07/2023,Russia,Entity\n"
    "01/01/2025,RUS0002,15001,,ROMASHKA JSC,,,,,,Alias,Good quality,,Company,,,Russia,,,06/07/2023,Russia,Entity\n"
)


def test_new_uk_sanctions_list_layout(embedded_store, tmp_path):
    path = tmp_path / "UK_Sanctions_List.csv"
    path.write_text(NEW_LAYOUT, encoding="utf-8")
    report = _ingest(embedded_store, path, dataset="fix")
    assert report.balanced and report.quarantined == 0 and report.skipped == 1
    ship = embedded_store.get_entity("uk-15000")
    assert (ship["type"], ship["identifiers"]) == ("vessel", ["imo:9123456"])
    romashka = embedded_store.get_entity("uk-15001")
    assert romashka["aliases"] == ["ROMASHKA JSC"] and romashka["country"] == "ru"
    assert romashka["identifiers"] == ["ru-ogrn:1027700132195"]
    assert romashka["designations"][0]["start_date"] == "2023-07-06"


def test_not_a_uk_list(embedded_store, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a UK consolidated list CSV"):
        _ingest(embedded_store, path)
