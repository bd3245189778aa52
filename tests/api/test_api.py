"""The JSON API on both backends: yente's shapes, exposure blocks, redirects, errors and limits."""

from __future__ import annotations

import json

from .conftest import PERSON, client_for


def match(client, props: dict, schema: str = "LegalEntity", **params):
    r = client.post("/match/default", params=params, json={"queries": {"q": {"schema": schema, "properties": props}}})
    assert r.status_code == 200, r.text
    return r.json()["responses"]["q"]


def test_match_carries_exposure_and_the_proof_link_answers(client):
    resp = match(client, {"name": ["VSMPO Avisma"], "jurisdiction": ["ru"]}, "Company", as_of="2025-01-01")
    assert resp["total"]["value"] >= 1 and resp["query"]["schema"] == "Company"
    top = resp["results"][0]
    assert top["id"] == "demo-vsmpo-avisma" and top["match"] is True and top["schema"] == "Company"
    assert top["features"]["name"] == 1.0 and top["features"]["country_match"] == 0.05
    ofac = top["exposure"]["ofac"]
    assert ofac["status"] == "exposed" and ofac["as_of"] == "2025-01-01" and ofac["total"] == 25.0
    assert ofac["total_more_than"] is True  # Rostec: 25% plus one share
    assert ofac["listed_persons"] == ["ofac-17260"] and ofac["list_versions"] == ["ownerscope-demo (CSV bundle)"]
    assert ofac["no_list"] is False and "published 2024-05-03" in ofac["data"]
    assert set(top["exposure"]) == {"ofac", "eu", "uk"}
    proof = client.get(ofac["proof"])
    assert proof.status_code == 200
    assert proof.json()["status"] == "exposed" and 25.0 < proof.json()["proof"]["total"] < 25.0001  # more than 25%


def test_scoring_uses_dates_of_birth_identifiers_and_countries(client):
    same = match(client, {"name": ["Ivan Sidorov"], "birthDate": ["1961-07-02"]}, "Person", threshold=0.0,
                 cutoff=0.0)["results"][0]
    other = match(client, {"name": ["Ivan Sidorov"], "birthDate": ["1970-01-01"]}, "Person", threshold=0.0,
                  cutoff=0.0)["results"][0]
    assert same["id"] == other["id"] == PERSON.id
    assert "dob_match" in same["features"] and "dob_mismatch" in other["features"]
    assert same["score"] > other["score"]
    by_id = match(client, {"name": ["Completely Different"], "idNumber": ["7101234567"]}, "Person")["results"][0]
    assert by_id["id"] == PERSON.id and by_id["features"]["identifier"] == 0.95 and by_id["score"] >= 0.95
    wrong_country = match(client, {"name": ["Ivan Petrovich Sidorov"], "nationality": ["fr"]}, "Person",
                          threshold=0.0, cutoff=0.0)["results"][0]
    assert wrong_country["features"]["country_mismatch"] == -0.1 and wrong_country["score"] == 0.9
    # a Person query never matches a company
    assert all(r["schema"] == "Person" for r in match(client, {"name": ["VSMPO Avisma"]}, "Person",
                                                      threshold=0.0, cutoff=0.0)["results"])


def test_merged_ids_redirect_308_and_entities_nest_their_links(client):
    r = client.get("/entities/old-vsmpo?nested=true")
    assert r.status_code == 308 and r.headers["location"] == "/entities/demo-vsmpo-avisma?nested=true"
    assert client.get("/exposure/old-vsmpo?regime=eu").headers["location"] == "/exposure/demo-vsmpo-avisma?regime=eu"
    assert client.get("/entities/old-vsmpo/adjacent").status_code == 308
    ent = client.get("/entities/demo-vsmpo-avisma").json()
    owners = [o["properties"]["owner"][0]["id"] for o in ent["properties"]["ownershipAsset"]]
    assert "ofac-17260" in owners
    own = ent["properties"]["ownershipAsset"][owners.index("ofac-17260")]
    assert own["schema"] == "Ownership" and own["properties"]["percentage"] == ["25"]
    flat = client.get("/entities/demo-vsmpo-avisma?nested=false").json()
    assert "ownershipAsset" not in flat["properties"]
    rostec = client.get("/entities/ofac-17260").json()
    assert rostec["target"] is True and rostec["properties"]["sanctions"][0]["schema"] == "Sanction"
    adj = client.get("/entities/demo-vsmpo-avisma/adjacent?limit=1").json()
    assert adj["entity"]["id"] == "demo-vsmpo-avisma"
    assert adj["adjacent"]["ownershipAsset"]["total"]["value"] == len(owners)
    assert len(adj["adjacent"]["ownershipAsset"]["results"]) == 1


def test_search_catalog_algorithms_health(client):
    s = client.get("/search/default", params={"q": "Ростех"}).json()
    assert s["results"][0]["id"] == "ofac-17260" and s["total"]["value"] >= 1
    assert client.get("/search/ownerscope-demo", params={"q": "Ivan"}).json()["results"] == []
    assert client.get("/search/nope", params={"q": "x"}).status_code == 404
    cat = client.get("/catalog").json()
    assert {d["name"] for d in cat["datasets"]} == {"default", "ownerscope-demo", "test"}
    algos = client.get("/algorithms").json()
    assert algos["best"] == algos["algorithms"][0]["name"] and "dob_match" in algos["algorithms"][0]["features"]
    assert client.get("/healthz").json() == {"status": "ok"} and client.get("/readyz").status_code == 200


def test_exposure_batch_by_ids_and_queries(client):
    r = client.post("/exposure", json={"ids": ["old-vsmpo", "nobody"], "regimes": ["ofac", "uk"], "as_of": "2025-01-01",
                                       "queries": {"k": {"schema": "Person", "properties": {"name": "Tahir Garayev"}}}})
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert res["old-vsmpo"]["id"] == "demo-vsmpo-avisma" and res["old-vsmpo"]["exposure"]["ofac"]["status"] == "exposed"
    assert res["nobody"]["id"] is None and res["nobody"]["error"] == "no such entity"
    assert res["k"]["match"]["caption"] == "Tahir Garayev" and set(res["k"]["exposure"]) == {"ofac", "uk"}


def test_screen_streams_a_status_per_regime_for_every_row(client):
    body = "name,country\nRostec,ru\nTahir Garayev,\n\"Ivan Petrovich Sidorov\",ru\nx,\nNobody At All,\n"
    r = client.post("/screen", content=body, headers={"content-type": "text/csv"}, params={"as_of": "2025-01-01"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(l) for l in r.text.splitlines()]
    rows, summary = lines[:-1], lines[-1]["summary"]
    assert [row["line"] for row in rows] == [2, 3, 4, 5, 6]
    assert summary == {"rows": 5, "matched": 3, "not_screened": 1}
    assert rows[0]["entity"]["id"] == "ofac-17260" and rows[0]["exposure"]["ofac"]["status"] == "listed"
    assert all(set(row["exposure"]) == {"ofac", "eu", "uk"} for row in rows if row["result"] == "match")
    assert rows[3]["result"] == "not screened" and "too short" in rows[3]["reason"]
    nd = client.post("/screen", content='{"schema": "Person", "properties": {"name": ["Tahir Garayev"]}}\nnot json\n',
                     headers={"content-type": "application/x-ndjson"})
    got = [json.loads(l) for l in nd.text.splitlines()]
    assert got[0]["result"] == "match" and got[1]["result"] == "not screened" and "bad JSON" in got[1]["reason"]


def test_errors_have_one_shape_and_limits_answer_4xx(core):
    client = client_for(core, OWNERSCOPE_API_MAX_BATCH="2", OWNERSCOPE_API_MAX_BODY_MB="0.001")
    for r, status in ((client.get("/entities/nope"), 404),
                      (client.post("/match/default", json={"queries": "nope"}), 422),
                      (client.post("/match/default", json={"queries": {"q": {"schema": "Banana", "properties": {}}}}), 400),
                      (client.post("/match/default", params={"algorithm": "logic-v2"},
                                   json={"queries": {"q": {"schema": "Person", "properties": {"name": "A B"}}}}), 400),
                      (client.post("/match/default", params={"changed_since": "2024-01-01"},
                                   json={"queries": {"q": {"schema": "Person", "properties": {"name": "A B"}}}}), 400),
                      (client.post("/match/default", json={"queries": {str(i): {"schema": "Person", "properties":
                                                                              {"name": "Abc"}} for i in range(3)}}), 400),
                      (client.post("/screen", content="name\n" + "Someone Long Enough\n" * 100,
                                   headers={"content-type": "text/csv"}), 413),
                      (client.get("/exposure/demo-vsmpo-avisma", params={"regime": "mars"}), 400)):
        assert r.status_code == status, (status, r.text)
        body = r.json()
        assert set(body) == {"detail", "status", "error"} and body["status"] == status
        assert isinstance(body["detail"], str) and body["detail"]
    slow = client_for(core, OWNERSCOPE_API_TIMEOUT="0.000001")
    r = slow.post("/match/default", json={"queries": {"q": {"schema": "Person", "properties": {"name": "Ivan"}}}})
    assert r.status_code == 408 and r.json()["error"] == "timeout"


def test_api_keys(core):
    client = client_for(core, OWNERSCOPE_API_KEYS="k1,k2")
    assert client.get("/catalog").status_code == 401
    assert client.get("/catalog", headers={"Authorization": "ApiKey wrong"}).status_code == 401
    assert client.get("/catalog", headers={"Authorization": "ApiKey k2"}).status_code == 200
    assert client.get("/healthz").status_code == 200  # probes stay open


def test_caches_follow_the_data_version(store, core):
    v0 = core.data_version()
    assert core.data_version() == v0  # reading changes nothing
    list(core.screen([], ["ofac", "eu", "uk"], "2025-01-01"))
    core.exposure_summary("demo-vsmpo-avisma", ["ofac", "eu", "uk"], "2025-01-01")
    assert core.graph_builds == 1  # one ownership graph for three regimes and several calls
    store.upsert_entities([PERSON.merged_with(PERSON.__class__(id=PERSON.id, type="person", name="Ivan P. Sidorov"))])
    assert core.data_version() != v0
    core.exposure("ofac", "2025-01-01")
    assert core.graph_builds == 2
    assert core.match_index().entities[core.match_index().by_id[PERSON.id]].name == "Ivan P. Sidorov"
