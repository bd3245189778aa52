"""The official list adapters (ofac-advanced, eu-fsf, un, uk-sanctions XML) on the real excerpts in
../shared/data and on small fixtures written from the published schemas; list versions in both stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ownerscope.errors import InputError
from ownerscope.ingest.registry import available
from ownerscope.ingest.run import run_ingest

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "ofac_advanced_small.xml"


def _ingest(store, fmt, path, tmp, **kw):
    return run_ingest(fmt, [path], store=store, show_progress=False, quarantine=tmp / f"q-{fmt}.jsonl", **kw)


def _quarantined(report) -> list[dict]:
    if report.quarantine_path is None:
        return []
    return [json.loads(line) for line in report.quarantine_path.read_text(encoding="utf-8").splitlines()]


def test_registered():
    assert {"ofac-advanced", "eu-fsf", "un", "uk-sanctions"} <= set(available())


# ------------------------------------------------------------------------------------------ OFAC advanced
def test_ofac_advanced_real_excerpt(embedded_store, shared_data, tmp_path):
    path = shared_data / "ofac_advanced" / "sdn_advanced_excerpt.xml"
    report = _ingest(embedded_store, "ofac-advanced", path, tmp_path)
    # 1 distinct party, 1 profile relationship and 2 sanctions entries (one program each); the excerpt
    # keeps the relationship and the entries of parties it cut out: they are quarantined with their lines
    assert (report.read, report.stored, report.quarantined) == (4, 1, 3) and report.balanced
    rejects = {(r["line"], r["reason"]) for r in _quarantined(report)}
    assert rejects == {(357, "relation refers to unknown entity 'ofac-2686', 'ofac-4697'"),
                       (362, "designation refers to unknown entity 'ofac-36'"),
                       (379, "designation refers to unknown entity 'ofac-173'")}
    saddam = embedded_store.get_entity("ofac-7843")
    assert saddam["name"] == "AL-TIKRITI, Saddam Hussein" and saddam["type"] == "person"
    assert set(saddam["aliases"]) == {"ABU ALI", "HUSAYN, Saddam", "HUSSAIN, Saddam", "HUSSEIN, Saddam"}
    assert saddam["birth_dates"] == ["1937-04-28"]
    assert "Place of Birth: al-Awja, near Tikrit, Iraq" in saddam["notes"]
    lv = report.list_version
    assert (lv.authority, lv.published, lv.published_basis, lv.name) == (
        "us", "2021-01-19", "file header", "OFAC SDN list (advanced XML)")


def test_ofac_advanced_fixture_parties_relations_entries(store, tmp_path):
    report = _ingest(store, "ofac-advanced", SMALL, tmp_path)
    assert (report.read, report.stored, report.quarantined) == (12, 10, 2) and report.balanced
    assert dict(report.by_kind) == {"entities": 3, "relations": 3, "designations": 4}
    assert {r.line: r.reason for r in report.rejects} == {104: "profile 3001: no name",
                                                          133: "designation refers to unknown entity 'ofac-9999'"}
    petrov = store.get_entity("ofac-1001")
    assert (petrov["name"], petrov["type"], petrov["aliases"]) == ("PETROV, Ivan", "person", ["PETROFF, Ivan"])
    assert petrov["identifiers"] == ["ru-passport:751234567"]
    assert (petrov["birth_dates"], petrov["nationalities"], petrov["addresses"]) == (
        ["1970-03-15"], ["ru"], ["Tverskaya 1, Moscow, RU"])
    assert [(d["authority"], d["program"], d["start_date"]) for d in petrov["designations"]] == [
        ("us", "RUSSIA-EO14024", "2022-03-15")]
    acme = store.get_entity("ofac-2001")
    assert sorted(acme["identifiers"]) == ["ru-inn:7704274402", "swift:ACMERUMM"]
    assert sorted((d["program"], d["start_date"]) for d in acme["designations"]) == [
        ("RUSSIA-EO14024", "2022-04-06"), ("UKRAINE-EO13662", "2022-04-06")]
    # "Owned or Controlled By": an ownership by the other party, with no percentage
    own = [r for r in acme["relations"] if r["type"] == "ownership"]
    assert [(r["direction"], r["other"], r["share"], r["share_min"]) for r in own] == [("out", "ofac-2002", None, None)]
    sub = store.get_entity("ofac-2002")
    # the sectoral (non-SDN) list is not a blocking designation
    assert [(d["authority"], d["program"]) for d in sub["designations"]] == [("us-nonsdn", "UKRAINE-EO13662")]
    linked = {(r["type"], r["other"], r["ended"]) for r in petrov["relations"]}
    assert linked == {("associate", "ofac-2001", False), ("linked", "ofac-2002", True)}
    # every designation points to its list version
    versions = store.list_versions()
    assert [(v["authority"], v["published"], v["records"], v["authorities"]) for v in versions] == [
        ("us", "2024-11-21", 12, ["us", "us-nonsdn"])]
    assert {d["list_version"] for d in acme["designations"] + sub["designations"]} == {versions[0]["id"]}


def test_ofac_advanced_refuses_another_format(embedded_store, shared_data, tmp_path):
    with pytest.raises(InputError, match="not an OFAC Advanced XML file"):
        _ingest(embedded_store, "ofac-advanced", shared_data / "un" / "consolidated.xml", tmp_path)


def test_truncated_xml_keeps_what_was_read(embedded_store, tmp_path):
    text = SMALL.read_text(encoding="utf-8")
    cut = tmp_path / "cut.xml"
    cut.write_text(text[:text.index('<DistinctParty FixedRef="2001">') + 60], encoding="utf-8")
    report = _ingest(embedded_store, "ofac-advanced", cut, tmp_path)
    assert report.balanced and report.by_kind["entities"] == 1 and report.quarantined == 1
    assert "not well-formed XML" in report.rejects[0].reason


# ------------------------------------------------------------------------------------------ EU FSF
def test_eu_fsf_real_excerpt(store, shared_data, tmp_path):
    report = _ingest(store, "eu-fsf", shared_data / "eu_fsf" / "eu_fsf_excerpt.xml", tmp_path)
    assert (report.read, report.stored, report.quarantined) == (6, 6, 0)
    assert dict(report.by_kind) == {"entities": 3, "designations": 3}
    saddam = store.get_entity("eu-13")
    assert saddam["name"] == "Saddam Hussein Al-Tikriti" and saddam["type"] == "person"
    assert set(saddam["aliases"]) == {"Abu Ali", "Abou Ali"}  # every language
    assert (saddam["birth_dates"], saddam["nationalities"]) == (["1937-04-28"], ["iq"])
    assert saddam["identifiers"] == ["eu-ref:EU.27.28"]
    [d] = saddam["designations"]
    assert (d["authority"], d["program"], d["start_date"]) == ("eu", "IRQ", "2003-07-07")
    assert "1210/2003 (OJ L169), published 2003-07-08, in force 2003-07-07" in d["note"]
    qusay = store.get_entity("eu-20")
    assert qusay["name"] == "Qusay Saddam Hussein Al-Tikriti"  # the language-less alias, not the French one
    assert qusay["aliases"] == ["Qoussaï Saddam Hussein Al-Tikriti"] and qusay["birth_dates"] == ["1965", "1966"]
    assert store.get_entity("eu-46")["birth_dates"] == ["1938"]
    [lv] = store.list_versions()
    assert (lv["authority"], lv["published"], lv["name"]) == ("eu", "2021-01-15",
                                                              "EU Financial Sanctions Files (consolidated list)")


# ------------------------------------------------------------------------------------------ UN
def test_un_real_list(embedded_store, shared_data, tmp_path):
    report = _ingest(embedded_store, "un", shared_data / "un" / "consolidated.xml", tmp_path)
    assert (report.read, report.stored, report.quarantined) == (2006, 2006, 0)
    counts = embedded_store.counts()
    assert counts["designations"] == {"un": 1003} and counts["entities"]["person"] == 730
    assert sum(counts["entities"].values()) == 1003
    badege = embedded_store.get_entity("un-6907993")
    assert badege["name"] == "ERIC BADEGE" and badege["identifiers"] == ["un-ref:CDi.001"]
    assert badege["birth_dates"] == ["1971"] and badege["nationalities"] == ["cd"]
    [d] = badege["designations"]
    assert (d["authority"], d["program"], d["start_date"]) == ("un", "DRC", "2012-12-31")
    # LISTED_ON with a timezone offset keeps its day
    q = embedded_store.query("MATCH (d:Designation) WHERE d.start_date = '2015-04-07' RETURN count(*)")
    assert q.rows[0][0] >= 1
    adf = embedded_store.get_entity("un-6908402")
    assert adf["name"] == "ADF" and "Allied Democratic Forces" in adf["aliases"] and adf["type"] != "person"
    [lv] = embedded_store.list_versions()
    assert (lv["authority"], lv["published"]) == ("un", "2026-02-27")


def test_un_listed_on_timezone_and_bad_date(embedded_store, tmp_path):
    from ownerscope.ingest.un_list import listed_on

    assert listed_on("2015-04-14-04:00") == "2015-04-14"
    assert listed_on("2015-04-14+05:30") == "2015-04-14" and listed_on("2015-04-14Z") == "2015-04-14"
    path = tmp_path / "un.xml"
    path.write_text("""<?xml version="1.0"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-02T00:00:00Z"><INDIVIDUALS>
<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
<REFERENCE_NUMBER>KPi.1</REFERENCE_NUMBER><LISTED_ON>2015-04-14-04:00</LISTED_ON></INDIVIDUAL>
<INDIVIDUAL><DATAID>2</DATAID><FIRST_NAME>B</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
<REFERENCE_NUMBER>KPi.2</REFERENCE_NUMBER><LISTED_ON>14/04/2015</LISTED_ON></INDIVIDUAL>
</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>
""", encoding="utf-8")
    report = _ingest(embedded_store, "un", path, tmp_path)
    assert (report.read, report.stored, report.quarantined) == (3, 2, 1)
    assert report.rejects[0].line == 5 and "LISTED_ON '14/04/2015' is not a date" in report.rejects[0].reason
    assert embedded_store.get_entity("un-1")["designations"][0]["start_date"] == "2015-04-14"


# ------------------------------------------------------------------------------------------ UK list XML
def test_uk_sanctions_list_xml(store, shared_data, tmp_path):
    report = _ingest(store, "uk-sanctions", shared_data / "uk_list" / "uk_sanctions_list_excerpt.xml", tmp_path)
    assert (report.read, report.stored, report.quarantined) == (10, 10, 0)
    akhund = store.get_entity("uk-7172")
    assert akhund["name"] == "MOHAMMAD HASSAN AKHUND" and akhund["type"] == "person"
    assert set(akhund["identifiers"]) == {"un-ref:TAi.002", "af-passport:P04581926", "af-national-id:2132370"}
    assert akhund["birth_dates"] == ["1958-05-12", "1945", "1946"] and akhund["nationalities"] == ["af"]
    [d] = akhund["designations"]
    assert (d["program"], d["start_date"]) == ("The Afghanistan (Sanctions) (EU Exit) Regulations 2020", "2001-01-25")
    ship = store.get_entity("uk-DPR0075")  # no OFSI group id: the unique id names it
    assert ship["type"] == "vessel" and "imo:9562233" in ship["identifiers"]
    bnk = store.get_entity("uk-14124")
    assert "gb-registration:06527449" in bnk["identifiers"]
    assert "parent company: CJSC Belarusian Oil Company; Belneftekhim" in bnk["notes"]
    assert "حاجی خيرالله صرافی" in store.get_entity("uk-12703")["aliases"]
    [lv] = store.list_versions()
    assert (lv["authority"], lv["published"], lv["name"]) == ("uk", "2026-09-10", "UK Sanctions List (XML)")


# ------------------------------------------------------------------------------------------ list versions
def test_list_version_published_fallbacks_and_reingest(store, shared_data, tmp_path):
    conlist = shared_data / "uk_ofsi" / "ConList.csv"
    first = _ingest(store, "uk-sanctions", conlist, tmp_path)
    assert first.list_version.published_basis == "file date"  # ConList states no date of its own
    sdn = tmp_path / "sdn.csv"
    sdn.write_text('2001,"ACME TRADING LLC",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n',
                   encoding="latin-1")
    given = _ingest(store, "ofac-sdn", sdn, tmp_path, published="2024-05-03")
    assert (given.list_version.published, given.list_version.published_basis) == ("2024-05-03", "given by the user")
    d = store.get_entity("ofac-2001")["designations"][0]
    assert (d["start_date"], d["list_published"], d["list_version"]) == (None, "2024-05-03", given.list_version.id)
    before = {v["id"]: v for v in store.list_versions()}
    again = _ingest(store, "ofac-sdn", sdn, tmp_path, published="2024-05-03")
    after = {v["id"]: v for v in store.list_versions()}
    assert again.list_version.id in before and after == before  # same content: same version, first load kept
    # a later list carrying the same undated entry keeps the earliest bound
    sdn.write_text(sdn.read_text(encoding="latin-1") + '2002,"OTHER LLC",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,'
                   '-0- ,-0- ,-0- \n', encoding="latin-1")
    newer = _ingest(store, "ofac-sdn", sdn, tmp_path, published="2025-01-10")
    assert newer.list_version.id != given.list_version.id and len(store.list_versions()) == 3
    d = store.get_entity("ofac-2001")["designations"][0]
    assert (d["list_published"], d["list_version"]) == ("2024-05-03", given.list_version.id)
    assert store.get_entity("ofac-2002")["designations"][0]["list_published"] == "2025-01-10"


def test_datasets_command(tmp_path):
    from typer.testing import CliRunner

    from ownerscope.cli import app

    db = str(tmp_path / "s.lbug")
    r = CliRunner().invoke(app, ["ingest", "ofac-advanced", str(SMALL), "--store", db, "--no-progress"])
    assert r.exit_code == 3 and "list version: OFAC SDN list (advanced XML) published 2024-11-21" in r.stdout
    r = CliRunner().invoke(app, ["datasets", "--store", db, "--format", "json"])
    assert r.exit_code == 0
    [v] = json.loads(r.stdout)
    assert (v["authority"], v["name"], v["published"], v["format"]) == (
        "us", "OFAC SDN list (advanced XML)", "2024-11-21", "ofac-advanced")
    import hashlib

    assert v["sha256"] == hashlib.sha256(SMALL.read_bytes()).hexdigest() and v["loaded"].startswith("20")
    r = CliRunner().invoke(app, ["datasets", "--store", db])
    assert r.exit_code == 0 and "2024-11-21" in r.stdout
    r = CliRunner().invoke(app, ["ingest", "ofac-sdn", str(SMALL), "--store", db, "--published", "soon"])
    assert r.exit_code == 1 and "--published" in r.stderr
