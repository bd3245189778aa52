"""Screening ties: two candidates with the same score (or within a few points) are a "possible match" for
a person to decide, each with its evidence; on the Screen page (ui.screening) and in the API's /screen."""

from __future__ import annotations

import json

import pytest

from ownerscope.core.decide import MATCH, NO_MATCH, POSSIBLE, WEAK, decide, evidence_words
from ownerscope.graph.model import Designation, Entity, Source


def test_decide():
    assert decide([], 90, 75, 100).decision == NO_MATCH
    assert decide([60, 50], 90, 75, 100).decision == WEAK
    assert decide([95, 70], 90, 75, 100).decision == MATCH
    d = decide([90, 90, 40], 90, 75, 100)
    assert d.decision == POSSIBLE and d.tied == [0, 1] and "score the same" in d.reason
    near = decide([92, 90, 70], 90, 75, 100)
    assert near.decision == POSSIBLE and near.tied == [0, 1] and "within 3 points" in near.reason
    assert decide([95, 91.5], 90, 75, 100).decision == MATCH  # 3.5 points apart: the best stands alone
    assert decide([0.9, 0.9], 0.7, 0.7).decision == POSSIBLE   # the API's 0..1 scale
    alone = decide([80, 40], 90, 75, 100)
    assert alone.decision == POSSIBLE and alone.tied == [0]
    assert evidence_words({"id": "x", "name": "X", "birth_dates": ["1961"], "countries": ["ru"],
                           "identifiers": ["inn:1"]}) == "X: born 1961; country RU; identifiers inn:1"


SRC = [Source("t", "1", "https://example.org/t")]


def _load(store):
    store.upsert_entities([
        Entity("sb-europe", "company", "SBERBANK EUROPE AG", country="at", identifiers=["swift:SABRATWW"],
               sources=SRC),
        Entity("sb-jsc", "company", "SBERBANK JOINT STOCK", country="ru", identifiers=["inn:7707083893"],
               sources=SRC),
        Entity("p-one", "person", "Ivan Petrov", birth_dates=["1961-07-02"], nationalities=["ru"], sources=SRC),
        Entity("p-two", "person", "Ivan Petrov", birth_dates=["1975"], nationalities=["ua"], sources=SRC),
        Entity("rostec", "public_body", "State Corporation Rostec", country="ru", sources=SRC),
    ])
    store.upsert_designations([Designation("sb-jsc", "us", "RUSSIA-EO14024", "2022-04-06", None, None, SRC),
                               Designation("rostec", "us", "RUSSIA-EO14024", "2022-06-28", None, None, SRC)])


@pytest.fixture
def screened(store):
    from ownerscope.ui import context
    from ownerscope.ui.screening import screen

    _load(store)
    context.set_store(store)
    try:
        yield {r["input"]: r for r in screen(["Ivan Petrov", "State Corporation Rostec", "Sberbank"], "2025-01-01")}
    finally:
        context.set_store(None)  # the next test's store starts a fresh core


def test_screen_page_tie_is_a_possible_match_with_evidence(screened):
    ivan = screened["Ivan Petrov"]
    assert ivan["match"] == "possible match" and "score the same" in ivan["reason"]
    by_id = {c["id"]: c for c in ivan["candidates"]}
    assert set(by_id) == {"p-one", "p-two"}
    assert by_id["p-one"]["birth_dates"] == ["1961-07-02"] and by_id["p-one"]["countries"] == ["ru"]
    assert by_id["p-two"]["birth_dates"] == ["1975"] and by_id["p-two"]["countries"] == ["ua"]
    assert "born 1961-07-02" in ivan["evidence"] and "born 1975" in ivan["evidence"]
    assert screened["State Corporation Rostec"]["match"] == "match"
    assert screened["State Corporation Rostec"]["candidates"] == []
    sber = screened["Sberbank"]
    if sber["match"] == "possible match" and len(sber["candidates"]) > 1:  # the ranking decides the tie
        status = {c["id"]: c["status"]["ofac"] for c in sber["candidates"]}
        assert status == {"sb-europe": "clear", "sb-jsc": "listed"}
        assert "identifiers swift:SABRATWW" in sber["evidence"]


def test_screen_csv_has_the_decision_and_evidence(screened):
    import csv
    import io

    from ownerscope.ui.screening import to_csv

    rows = list(csv.DictReader(io.StringIO(to_csv(list(screened.values())))))
    ivan = [r for r in rows if r["input"] == "Ivan Petrov"][0]
    assert ivan["match"] == "possible match" and "born 1975" in ivan["evidence"] and ivan["reason"]


def test_api_screen_tie(store):
    from fastapi.testclient import TestClient

    from ownerscope.api.app import create_app
    from ownerscope.core import Core
    from ownerscope.settings import load_settings

    _load(store)
    client = TestClient(create_app(Core(store), load_settings()))
    r = client.post("/screen", content="name\nIvan Petrov\nState Corporation Rostec\n",
                    headers={"content-type": "text/csv"}, params={"as_of": "2025-01-01"})
    assert r.status_code == 200, r.text
    lines = [json.loads(x) for x in r.text.splitlines()]
    ivan, rostec, summary = lines[0], lines[1], lines[2]["summary"]
    assert ivan["result"] == "possible match" and ivan["exposure"] is None and "a person decides" in ivan["reason"]
    assert {c["id"]: c["birth_dates"] for c in ivan["candidates"]} == {"p-one": ["1961-07-02"], "p-two": ["1975"]}
    assert all(set(c["status"]) == {"ofac", "eu", "uk"} for c in ivan["candidates"])
    assert rostec["result"] == "match" and rostec["exposure"]["ofac"]["status"] == "listed"
    assert summary == {"rows": 2, "matched": 1, "possible": 1, "not_screened": 0}
