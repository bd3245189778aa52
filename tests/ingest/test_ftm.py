"""The FollowTheMoney adapter on the real OpenSanctions export of the Zala Aero cluster and on small fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ownerscope.ingest.ftm import authority_code, parse_share
from ownerscope.ingest.registry import available
from ownerscope.ingest.run import run_ingest

ZAKHAROV = "NK-aU5ybkbRFJucf8YMwsJvDw"
LLC_CST = "NK-abdzbEBkqyT29GyREbiURZ"
KALASHNIKOV = "NK-nR5AXM9AVPq4pQaSPSaVam"


def _ingest(store, *paths, dataset=None):
    return run_ingest("ftm", list(paths), store=store, show_progress=False, dataset=dataset)


def _rels(detail, rtype, direction, other):
    return [r for r in detail["relations"]
            if r["type"] == rtype and r["direction"] == direction and r["other"] == other]


def test_registered():
    assert "ftm" in available()


@pytest.fixture
def zala(shared_data):
    return shared_data / "opensanctions" / "zala.ftm.json"


def test_zala_zakharov_owns_llc_cst(embedded_store, zala):
    report = _ingest(embedded_store, zala)
    assert report.balanced and report.quarantined == 0
    # 91 lines: 17 entities + 21 links + 37 designations stored; 4 Sanction records restate a designation
    # (same list, program and date) and 11 Address records become addresses of their entities (merged);
    # 1 Passport without a number skipped
    assert report.read == 91 and report.stored == 75 and report.merged == 15 and report.skipped == 1
    assert report.by_kind == {"entities": 17, "relations": 21, "designations": 37}
    assert report.skipped_reasons["FtM Passport with no number (nothing to keep)"] == 1
    z = embedded_store.get_entity(ZAKHAROV)
    assert z["type"] == "person" and z["name"] == "Alexander Vyacheslavovich ZAKHAROV"
    assert "ru-inn:183111242406" in z["identifiers"]
    assert z["birth_dates"] == ["1965-09-21"] and z["nationalities"] == ["ru"]
    assert "272 Pushkinskaya Street, Apt 41, Izhevsk, 426008" in z["addresses"]
    owns = _rels(z, "ownership", "out", LLC_CST)
    facts = sorted((r["share"], r["start_date"], r["end_date"]) for r in owns)
    assert facts == [(48.0, "2015-11-25", "2023-12-21"), (50.0, "2015-11-25", "2023-03-02"),
                     (51.0, "2015-11-25", None)]
    current = [r for r in owns if r["share"] == 51.0][0]
    assert current["ended"] is False and current["note"] == "shares: 6624.16"
    assert current["sources"][0]["record_id"] == "ru-dfe0a021cb69f99e198bb8cbbcb93e81130b32a7"
    assert {s["dataset"] for s in current["sources"]} == {"ftm:zala.ftm.json", "ext_ru_egrul"}
    ended = [r for r in owns if r["share"] == 48.0][0]
    assert ended["ended"] is True
    # the directorship and the family links
    assert _rels(z, "directorship", "out", LLC_CST)[0]["role"] == "Leader or official of"
    assert len([r for r in z["relations"] if r["type"] == "family"]) == 4
    # Kalashnikov's 49 % in LLC CST
    cst = embedded_store.get_entity(LLC_CST)
    k = _rels(cst, "ownership", "in", KALASHNIKOV)
    assert sorted((r["share"] or 0, r["start_date"] or "") for r in k) == [(0, ""), (49.0, "2016-03-29")]


def test_zala_sanctions_attached_with_authorities(embedded_store, zala):
    _ingest(embedded_store, zala)
    cst = embedded_store.get_entity(LLC_CST)
    auths = {d["authority"] for d in cst["designations"]}
    assert {"us", "eu", "uk", "au", "ca", "ch", "jp", "nz", "ua", "us-bis", "jp-meti", "ua-war",
            "uk-disqualified"} <= auths
    us = [d for d in cst["designations"] if d["authority"] == "us"]
    assert [d["program"] for d in us] == ["RUSSIA-EO14024"]
    au = [d for d in cst["designations"] if d["authority"] == "au"][0]
    assert au["program"] == "Autonomous (Russia)" and au["start_date"] == "2023-02-24"
    assert au["sources"][0]["record_id"] == "au-dfat-56600015954691cece058c2a3b0e3b27740701e6"
    z = embedded_store.get_entity(ZAKHAROV)
    uk = [d for d in z["designations"] if d["authority"] == "uk"]
    assert len(uk) == 1 and uk[0]["start_date"] == "2023-12-06"
    assert uk[0]["program"].startswith("The Russia (Sanctions) (EU Exit) Regulations")
    ua = [d for d in z["designations"] if d["authority"] == "ua"][0]
    assert (ua["start_date"], ua["end_date"]) == ("2023-07-01", "2033-07-01")
    # the Kalashnikov Concern has no Sanction record in this export: nothing invented
    assert embedded_store.get_entity(KALASHNIKOV)["designations"] == []


def test_zala_provenance_keeps_datasets_and_referents(embedded_store, zala):
    _ingest(embedded_store, zala)
    z = embedded_store.get_entity(ZAKHAROV)
    pairs = {(s["dataset"], s["record_id"]) for s in z["sources"]}
    assert ("ftm:zala.ftm.json", ZAKHAROV) in pairs
    assert ("us_ofac_sdn", ZAKHAROV) in pairs and ("eu_fsf", ZAKHAROV) in pairs
    assert ("ftm:zala.ftm.json", "ofac-45937") in pairs  # a referent: the entity's id on the SDN list


def test_reingest_is_idempotent(embedded_store, zala, shared_data):
    _ingest(embedded_store, zala, shared_data / "opensanctions" / "t1.ftm.json")
    before = embedded_store.counts()
    _ingest(embedded_store, zala, shared_data / "opensanctions" / "t1.ftm.json")
    assert embedded_store.counts() == before
    assert sum(before["relations"].values()) == 21


def _line(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def test_fixture_with_malformed_lines(embedded_store, tmp_path):
    rows = [
        _line({"id": "p1", "schema": "Person", "properties": {"name": ["Ivan Petrov"], "innCode": ["7707083893"],
                                                               "country": ["ru"]}, "datasets": ["x"]}),
        _line({"id": "c1", "schema": "Company", "properties": {"name": ["OOO Romashka"], "jurisdiction": ["ru"],
                                                                "registrationNumber": ["1027700132195"],
                                                                "taxNumber": ["7707083893"]}}),
        "{not json",
        _line({"schema": "Company", "properties": {"name": ["No Id Ltd"]}}),
        _line({"id": "u1", "schema": "Spaceship", "properties": {"name": ["Enterprise"]}}),
        _line({"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"],
                                                                  "percentage": ["25-50"],
                                                                  "startDate": ["2020-13-01"]}}),
        _line({"id": "o2", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"],
                                                                  "percentage": ["25-50"], "startDate": ["2020-02"]}}),
        _line({"id": "o3", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"],
                                                                  "percentage": ["150"]}}),
        _line({"id": "s1", "schema": "Sanction", "properties": {"entity": ["c1"], "authority": ["OFAC"],
                                                                 "program": ["RUSSIA-EO14024"],
                                                                 "startDate": ["2022-04-06"]}}),
        _line({"id": "s2", "schema": "Sanction", "properties": {"entity": ["ghost"], "country": ["eu"]}}),
        _line({"id": "a1", "schema": "Address", "properties": {"full": ["Moscow"]}}),
        "",
        _line({"id": "d1", "schema": "Directorship", "properties": {"director": ["p1"]}}),
    ]
    f = tmp_path / "entities.ftm.json"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = _ingest(embedded_store, f, dataset="fixture")
    assert report.balanced
    assert report.read == 12  # the blank line is not a row
    assert report.skipped == 1
    reasons = {r.line: r.reason for r in report.rejects}
    assert set(reasons) == {3, 4, 5, 6, 8, 10, 13}
    assert reasons[3].startswith("not valid JSON")
    assert reasons[4] == "missing id"
    assert "unknown FollowTheMoney schema 'Spaceship'" in reasons[5]
    assert "startDate" in reasons[6] and "2020-13-01" in reasons[6]
    assert "outside 0..100" in reasons[8]
    assert "unknown entity 'ghost'" in reasons[10]
    assert "Directorship without organization" in reasons[13]
    q = [json.loads(x) for x in report.quarantine_path.read_text().splitlines()]
    assert {(Path(x["file"]).name, x["line"]) for x in q} == {("entities.ftm.json", n) for n in reasons}
    c1 = embedded_store.get_entity("c1")
    assert c1["identifiers"] == ["ru-ogrn:1027700132195", "ru-inn:7707083893"]
    own = c1["relations"][0]
    assert (own["share"], own["share_min"], own["share_max"], own["start_date"]) == (None, 25.0, 50.0, "2020-02")
    assert c1["designations"][0]["authority"] == "us"
    assert embedded_store.get_entity("p1")["sources"] == [
        {"dataset": "fixture", "record_id": "p1", "url": ""}, {"dataset": "x", "record_id": "p1", "url": ""}]


@pytest.mark.parametrize("raw,expected", [
    ("50", (50.0, None, None)), ("50.0", (50.0, None, None)), ("12,5%", (12.5, None, None)),
    ("25-50", (None, 25.0, 50.0)), ("25 – 50 %", (None, 25.0, 50.0)), (">50", (None, 50.0, 100.0)),
    ("less than 25", (None, 0.0, 25.0)), ("", (None, None, None)),
])
def test_parse_share(raw, expected):
    assert parse_share(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "101", "50-120"])
def test_parse_share_rejects(raw):
    with pytest.raises(ValueError):
        parse_share(raw)


@pytest.mark.parametrize("country,authority,datasets,code", [
    (["us"], "Office of Foreign Assets Control", ["us_ofac_sdn"], "us"),
    (["gb"], "Foreign, Commonwealth & Development Office", [], "uk"),
    (["gb"], "The Insolvency Service", ["gb_coh_disqualified"], "uk-disqualified"),
    (["us"], "Entity List (EL) - Bureau of Industry and Security", ["us_trade_csl"], "us-bis"),
    ([], "United Nations Security Council", [], "un"),
    (["ch"], "State Secretariat for Economic Affairs", [], "ch"),
    ([], "someone", [], None),
])
def test_authority_code(country, authority, datasets, code):
    assert authority_code(country, authority, datasets) == code
