"""The smaller distortions of issue 10: "plus one share", unknown shares, owners above 100%, untyped
interests, the EU review indication's date, and files given to the wrong adapter."""

from __future__ import annotations

import json

import pytest

from ownerscope.exposure import compute_exposure, get_regime
from ownerscope.ingest.run import run_ingest
from tests.conftest import write_bundle
from tests.exposure.frames import frames

from ..exposure.bundle import run_cli


def test_plus_one_share_is_just_over_the_figure():
    # "50% plus one share": share 50 with a strict minimum of 50 is a majority under "more than 50%"
    edges = [{"source": "p", "target": "c", "share": 50.0, "share_min": 50.0, "share_min_exclusive": True}]
    own, des, ents = frames(edges, [{"entity_id": "p", "authority": "uk"}])
    v = compute_exposure(own, des, ents, get_regime("uk"), "2025-01-01").verdict("c")
    assert v["status"] == "derived" and "just over 50%" in v["explanation"]
    plain = [{"source": "p", "target": "c", "share": 50.0}]
    own, des, ents = frames(plain, [{"entity_id": "p", "authority": "uk"}])
    assert compute_exposure(own, des, ents, get_regime("uk"), "2025-01-01").status_of("c") == "exposed"


def test_demo_plus_one_share_rows_carry_the_strict_bound(tmp_path):
    path = tmp_path / "demo.lbug"
    code, out, err = run_cli("demo", "--no-serve", "--store", str(path))
    assert code == 0, err
    from ownerscope.graph.store import open_store

    s = open_store(str(path))
    try:
        rels = s.get_entity("demo-business-alliance")["relations"]
    finally:
        s.close()
    [to_vsmpo] = [r for r in rels if r["other"] == "demo-vsmpo-avisma" and r["type"] == "ownership"]
    assert to_vsmpo["share"] == 50 and to_vsmpo["share_min"] == 50 and to_vsmpo["share_min_exclusive"]


def test_unknown_share_is_never_printed_as_zero():
    edges = [{"source": "p", "target": "c"}, {"source": "q", "target": "c", "share": 70.0}]
    own, des, ents = frames(edges, [{"entity_id": "p", "authority": "us"}])
    v = compute_exposure(own, des, ents, get_regime("ofac"), "2025-01-01").verdict("c")
    assert v["status"] == "exposed" and v["total"] == 0.0 and v["total_max"] == 30.0
    assert "hold unknown (up to 30%)" in v["explanation"] and "hold 0%" not in v["explanation"]


def test_owners_over_100_percent_warned_in_summary_and_proof(store, tmp_path):
    folder = write_bundle(tmp_path / "b", "id,type,name\nx,person,X\ny,person,Y\nc,company,C\n",
                          "source,target,type,share\nx,c,ownership,60\ny,c,ownership,80\n",
                          "entity_id,authority\nx,us\n")
    report = run_ingest("csv", [folder], store=store, show_progress=False, quarantine=tmp_path / "q.jsonl")
    assert report.over_100 == {"c": 140.0} and "sum to more than 100% (data conflict; e.g. c 140%)" in report.summary()
    from ownerscope.exposure.engine import exposure_for_store

    v = exposure_for_store(store, get_regime("ofac"), "2025-01-01").verdict("c")
    assert v["proof"]["data_conflict"]["owners_sum"] == 140.0
    assert "Data conflict: the recorded owners' stakes in force on 2025-01-01 sum to 140%" in v["explanation"]


def test_untyped_interest_gives_possible_never_derived():
    edges = [{"source": "p", "target": "c", "type": "interest"}]
    for regime in ("eu", "uk", "ofac"):
        own, des, ents = frames(edges, [{"entity_id": "p", "authority": {"eu": "eu", "uk": "uk"}.get(regime, "us")}])
        v = compute_exposure(own, des, ents, get_regime(regime), "2025-01-01").verdict("c")
        assert v["status"] == "possible", regime
        assert "interest of unstated kind" in v["explanation"]
    # with the rest of the company accounted for, OFAC (control never counts) leaves it exposed, the
    # control-counting regimes still say possible
    edges.append({"source": "q", "target": "c", "share": 80.0})
    own, des, ents = frames(edges, [{"entity_id": "p", "authority": "us"}, {"entity_id": "p", "authority": "eu"}])
    assert compute_exposure(own, des, ents, get_regime("ofac"), "2025-01-01").status_of("c") == "exposed"
    assert compute_exposure(own, des, ents, get_regime("eu"), "2025-01-01").status_of("c") == "possible"


def test_eu_review_indication_only_from_2024_07_03():
    # 40% listed against many holders of 10%: the largest-minority indication
    edges = [{"source": "p", "target": "c", "share": 40.0}] + [
        {"source": f"o{k}", "target": "c", "share": 10.0} for k in range(6)]
    own, des, ents = frames(edges, [{"entity_id": "p", "authority": "eu"}])
    eu = get_regime("eu")
    assert compute_exposure(own, des, ents, eu, "2024-07-02").status_of("c") == "exposed"
    assert compute_exposure(own, des, ents, eu, "2024-07-03").status_of("c") == "review"


@pytest.mark.shared_data
@pytest.mark.parametrize("fmt,path,right", [("ftm", "bods/fermcat.json", "bods"),
                                            ("bods", "opensanctions/t1.ftm.json", "ftm"),
                                            ("ftm", "uk_psc/psc-data-1.json", "uk-psc")])
def test_a_file_of_another_format_is_refused(shared_data, tmp_path, fmt, path, right):
    code, out, err = run_cli("ingest", fmt, str(shared_data / path), "--store", str(tmp_path / "s.lbug"),
                             "--no-progress", "--quarantine", str(tmp_path / "q.jsonl"))
    assert code == 1, out + err
    assert f"not a {fmt} file" in err and f"ownerscope ingest {right}" in err
    assert not (tmp_path / "q.jsonl").exists()


def test_a_few_bad_rows_still_load_the_rest(tmp_path):
    # a real BODS file with one broken statement is not "another format": exit 3, the rest loads
    good = {"statementId": "s1", "recordId": "c", "recordType": "entity", "statementDate": "2020-01-01",
            "recordDetails": {"entityType": {"type": "registeredEntity"}, "name": "C"}}
    path = tmp_path / "x.json"
    path.write_text(json.dumps([{"statementId": "bad"}, good]))
    code, out, err = run_cli("ingest", "bods", str(path), "--store", str(tmp_path / "s.lbug"), "--no-progress",
                             "--quarantine", str(tmp_path / "q.jsonl"))
    assert code == 3 and "stored 1" in out
