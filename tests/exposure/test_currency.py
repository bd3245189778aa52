"""Data currency: the list versions behind every verdict, "no EU list loaded" instead of clear, and
non-sanctions lists reported apart."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from ownerscope.exposure.regimes import builtin_regimes, load_regime_file

from tests.conftest import write_bundle

from .bundle import run_cli

FIXTURE = Path(__file__).resolve().parent.parent / "ingest" / "fixtures" / "ofac_advanced_small.xml"


def _exposure(store, regime, *extra):
    code, out, err = run_cli("exposure", "--regime", regime, "--store", store, "--format", "json", *extra)
    assert code == 0, err or out
    return json.loads(out)


def test_exposure_json_names_its_list_versions(tmp_path):
    store = str(tmp_path / "s.lbug")
    code, _, err = run_cli("ingest", "ofac-advanced", str(FIXTURE), "--store", store, "--no-progress")
    assert code == 3, err  # two bad records in the fixture
    bundle = write_bundle(tmp_path / "b", entities="id,type,name\nbis-1,company,Export Co\n",
                          designations="entity_id,authority,program\nbis-1,us-bis,Entity List\n")
    code, _, err = run_cli("ingest", "csv", str(bundle), "--store", store, "--no-progress", "--published",
                           "2024-01-01")
    assert code == 0, err
    ofac = _exposure(store, "ofac", "--as-of", "2025-01-01", "--entity", "ofac-2001", "--entity", "bis-1")
    [ds] = ofac["datasets"]
    assert (ds["authority"], ds["name"], ds["published"]) == ("us", "OFAC SDN list (advanced XML)", "2024-11-21")
    assert ds["sha256"] == hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    assert ds["loaded"][:10] == datetime.now(timezone.utc).date().isoformat()
    assert ofac["missing_lists"] == [] and ofac["data_currency"].startswith(
        "OFAC SDN list (advanced XML) published 2024-11-21, loaded ")
    assert ofac["other_lists"] == [{"authority": "us-bis", "label": "US BIS", "kind": "export control"}]
    listed, bis = ofac["entities"]
    assert listed["status"] == "listed" and listed["data_currency"] == ofac["data_currency"]
    assert "Data: OFAC SDN list (advanced XML) published 2024-11-21" in listed["explanation"]
    assert bis["status"] == "clear" and bis["clear_words"].startswith("not caught in the data as of 2024-11-21")
    eu = _exposure(store, "eu", "--as-of", "2025-01-01", "--entity", "ofac-2001")
    assert eu["datasets"] == [] and eu["missing_lists"] == ["eu"] and eu["data_currency"] == "no EU list loaded"
    [v] = eu["entities"]
    assert v["status"] == "clear" and v["no_list"] and v["clear_words"] == "no EU list loaded: not screened"
    code, out, _ = run_cli("exposure", "--regime", "eu", "--store", store)
    assert code == 0 and "data: no EU list loaded" in out


def test_un_designations_count_where_a_regime_file_says_so(tmp_path, shared_data):
    store = str(tmp_path / "s.lbug")
    code, _, err = run_cli("ingest", "un", str(shared_data / "un" / "consolidated.xml"), "--store", store,
                           "--no-progress")
    assert code == 0, err
    bundle = write_bundle(tmp_path / "b", entities="id,type,name\nfront-1,company,Front Co\n",
                          relations="source,target,type,share\nun-6908402,front-1,ownership,51\n")
    assert run_cli("ingest", "csv", str(bundle), "--store", store, "--no-progress")[0] == 0
    assert _exposure(store, "eu", "--entity", "front-1")["entities"][0]["status"] == "clear"
    rules = tmp_path / "eu-un.toml"
    rules.write_text('name = "eu-un"\nbase = "eu"\nauthorities = ["eu", "un"]\n', encoding="utf-8")
    res = _exposure(store, "eu-un", "--entity", "front-1", "--regime-file", str(rules))
    [v] = res["entities"]
    assert v["status"] == "derived" and v["listed_persons"] == ["un-6908402"]
    assert [d["name"] for d in res["datasets"]] == ["UN Security Council consolidated list"]
    assert res["missing_lists"] == ["eu"]
    assert load_regime_file(rules)["eu-un"].authorities == ("eu", "un")


def test_builtin_regimes_document_their_authorities():
    for name, reg in builtin_regimes().items():
        assert "Counts designations by" in reg.notes, name
    assert "not us-nonsdn" in builtin_regimes()["ofac"].notes
