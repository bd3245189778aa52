"""FtM read through the followthemoney model: lenient scalars, country strings, Payment, Occupancy and
Position, Address and Identification / Passport records, dates of birth and nationalities."""

from __future__ import annotations

import json

from ownerscope.ingest.run import run_ingest

RECORDS = [
    # plain strings where FtM exports put lists: FollowTheMoney reads them, so must we
    {"id": "p-salame", "schema": "Person", "properties": {
        "name": "Riad Salameh", "previousName": "Riad T. Salameh", "notes": "Former governor",
        "nationality": "lb", "country": "Lebanon", "birthDate": "1950-07-17", "addressEntity": "addr-1",
        "topics": "role.pep"}, "datasets": ["test"]},
    {"id": "c-forry", "schema": "Company", "properties": {
        "name": ["Forry Associates Ltd"], "jurisdiction": "vg", "incorporationDate": "2001"}},
    {"id": "pos-gov", "schema": "Position", "properties": {
        "name": "Governor of the Central Bank of Lebanon", "country": "lb"}},
    {"id": "occ-1", "schema": "Occupancy", "properties": {
        "holder": "p-salame", "post": "pos-gov", "startDate": "1993-08-01", "endDate": "2023-07-31",
        "status": "ended"}},
    {"id": "pay-1", "schema": "Payment", "properties": {
        "payer": "c-forry", "beneficiary": "p-salame", "amount": "330000000", "currency": "usd",
        "date": "2008-04-01", "purpose": "commission"}},
    {"id": "addr-1", "schema": "Address", "properties": {
        "full": "Hamra Street, Beirut", "country": "lb"}},
    {"id": "pass-1", "schema": "Passport", "properties": {
        "holder": "p-salame", "number": "RL0012345", "country": "lb"}},
    {"id": "id-1", "schema": "Identification", "properties": {
        "holder": "p-salame", "number": "123456789", "type": "national id", "country": "lb"}},
    {"id": "own-1", "schema": "Ownership", "properties": {
        "owner": "p-salame", "asset": "c-forry", "percentage": 100, "startDate": "2002"}},
    {"id": "s-1", "schema": "Sanction", "properties": {
        "entity": "p-salame", "authority": "Office of Foreign Assets Control", "program": "GLOMAG",
        "startDate": "2023-08-10", "endDate": "2030-01-01"}},
]


def test_string_valued_export_loads_with_nothing_quarantined(store, tmp_path):
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n", encoding="utf-8")
    report = run_ingest("ftm", [path], store=store, show_progress=False, quarantine=tmp_path / "q.jsonl")
    assert report.balanced and report.quarantined == 0 and report.skipped == 0
    assert report.by_kind == {"entities": 3, "relations": 3, "designations": 1} and report.merged == 3
    p = store.get_entity("p-salame")
    assert p["country"] == "lb" and p["nationalities"] == ["lb"]  # a country string is a country
    assert p["aliases"] == ["Riad T. Salameh"] and p["notes"] == "Former governor"
    assert p["birth_dates"] == ["1950-07-17"] and p["addresses"] == ["Hamra Street, Beirut"]
    assert set(p["identifiers"]) == {"lb-passport:RL0012345", "lb-national-id:123456789"}
    rels = {(r["type"], r["direction"], r["other"]): r for r in p["relations"]}
    occ = rels[("linked", "out", "pos-gov")]
    assert occ["role"].startswith("occupancy") and (occ["start_date"], occ["end_date"]) == ("1993-08-01", "2023-07-31")
    pay = rels[("linked", "in", "c-forry")]
    assert pay["role"] == "payment" and pay["start_date"] == "2008-04-01"
    assert "amount 330000000 USD" in pay["note"] and "commission" in pay["note"]
    assert rels[("ownership", "out", "c-forry")]["share"] == 100
    [des] = p["designations"]
    assert (des["authority"], des["start_date"], des["end_date"]) == ("us", "2023-08-10", "2030-01-01")
    assert store.get_entity("pos-gov")["type"] == "public_body"


def test_attributes_of_entities_not_in_the_file_are_skipped(embedded_store, tmp_path):
    rows = [{"id": "pass-9", "schema": "Passport", "properties": {"holder": "nobody", "number": "X1234567"}},
            {"id": "addr-9", "schema": "Address", "properties": {"full": "Nowhere 1"}}]
    path = tmp_path / "e.ftm.json"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = run_ingest("ftm", [path], store=embedded_store, show_progress=False,
                        quarantine=tmp_path / "q.jsonl")
    assert report.balanced and report.skipped == 2 and report.stored == 0
    assert embedded_store.counts()["entities"] == {}
