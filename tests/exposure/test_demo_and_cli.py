"""The seed case through `ownerscope demo --no-serve`, custom regime files, and bad input at the CLI."""

from __future__ import annotations

import json

import pytest

from .bundle import Bundle, run_cli, status, statuses


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.lbug"
    code, out, err = run_cli("demo", "--no-serve", "--store", str(path))
    assert code == 0, err or out
    return str(path)


def test_vsmpo_exposed_not_caught_under_ofac(demo_store):
    code, out, err = run_cli("exposure", "--regime", "ofac", "--format", "json", "--store", demo_store)
    assert code == 0, err
    data = json.loads(out)
    v = {e["id"]: e for e in data["entities"]}
    vsmpo = v["demo-vsmpo-avisma"]
    assert vsmpo["status"] == "exposed"
    assert v["ofac-17260"]["status"] == "listed"
    text = vsmpo["explanation"]
    assert "State Corporation Rostec" in text and "25%" in text and "plus one share" in text
    assert "50% or more" in text
    assert "Mikhail Shelkov" in text and "stake not published" in text
    proof = vsmpo["proof"]
    # "25% plus one share": just over 25% (a strict bound of 25), well short of 50%
    assert proof["total"] == pytest.approx(25.0, abs=1e-4) and proof["total"] > 25.0
    assert proof["threshold"]["value"] == 50.0 and "just over 25%" in text
    unknown = [o for o in proof["other_owners"] if o["unknown_share"]]
    assert [o["owner"]["id"] for o in unknown] == ["demo-shelkov"]
    assert unknown[0]["owner"]["designations_other"] == ["ua NSDC"]   # listed, but not by the US
    # the 2006 Rosoboronexport stake ended at an unknown date: shown, not counted
    assert [g["source"] for g in proof["not_in_force"]] == ["ofac-18782"]
    assert "ofac-17260" in proof["node_ids"] and len(proof["edge_ids"]) == 1


def test_2rivers_listed_only_from_2024_12_17(demo_store):
    before = statuses(demo_store, "uk", "2024-12-16")
    after = statuses(demo_store, "uk", "2024-12-17")
    assert status(before, "demo-2rivers-dmcc") == "clear"
    assert status(after, "demo-2rivers-dmcc") == "listed"
    assert status(after, "demo-garayev") == "clear" and status(statuses(demo_store, "uk", "2025-05-09"),
                                                                 "demo-garayev") == "listed"


def test_table_output_with_explanation(demo_store):
    code, out, err = run_cli("exposure", "--regime", "ofac", "--store", demo_store, "--entity",
                             "demo-vsmpo-avisma", "--as-of", "2025-01-01")
    assert code == 0, err
    assert "exposed" in out and "Rostec" in out and "Mikhail Shelkov" in out


# ---------------------------------------------------------------------------------------------- regime files
def _fifty(tmp_path) -> str:
    b = Bundle()
    b.listed("p", "eu")
    b.own("p", "t", 50)
    return b.load(tmp_path)


def test_instrument_specific_regime_from_toml(tmp_path):
    store = _fifty(tmp_path)
    f = tmp_path / "art5aa.toml"
    f.write_text('name = "eu-833-5aa"\ntitle = "EU Reg. 833/2014 Art. 5aa"\nbase = "eu"\n'
                 'thresholds = [{ value = 50, comparison = ">" }]\n', encoding="utf-8")
    assert status(statuses(store, "eu", "2025-01-01"), "t") == "derived"
    custom = statuses(store, "eu-833-5aa", "2025-01-01", "--regime-file", str(f))
    assert status(custom, "t") in ("exposed", "review") and "more than 50%" in custom["t"]["explanation"]


def test_regime_from_json_with_own_threshold(tmp_path):
    store = _fifty(tmp_path)
    f = tmp_path / "r.json"
    f.write_text(json.dumps({"regimes": [{"name": "strict", "authorities": ["eu"], "aggregate": True,
                                          "control_counts": False,
                                          "thresholds": [{"value": 60, "comparison": ">="}]}]}))
    assert status(statuses(store, "strict", "2025-01-01", "--regime-file", str(f)), "t") == "exposed"


@pytest.mark.parametrize("body, message", [
    ('name = "x"\nauthorities = ["eu"]\naggregate = true\ncontrol_counts = true\n'
     'thresholds = [{ value = 50, comparison = "=>" }]\n', "comparison '=>'"),
    ('name = "x"\nauthorities = ["eu"]\naggregate = "yes"\ncontrol_counts = true\nthreshold = 50\n',
     "`aggregate` must be true or false"),
    ('name = "x"\nauthorities = ["eu"]\naggregate = true\ncontrol_counts = true\nthreshold = 150\n',
     "percentage"),
    ('name = "x"\nauthority = ["eu"]\n', "unknown setting(s) authority"),
    ('name = "x" = 3\n', "not valid TOML"),
])
def test_bad_regime_file_is_one_line_error(tmp_path, body, message):
    f = tmp_path / "bad.toml"
    f.write_text(body, encoding="utf-8")
    code, out, err = run_cli("exposure", "--regime", "x", "--regime-file", str(f), "--store",
                             str(tmp_path / "s.lbug"))
    assert code != 0
    assert message in err and str(f) in err and "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("args, message", [
    (["--regime", "mars"], "unknown regime 'mars'"),
    (["--regime", "ofac", "--as-of", "2025-13-01"], "--as-of"),
    (["--regime", "ofac", "--as-of", "2025"], "full date"),
    (["--regime", "ofac", "--entity", "nope"], "no entity with id 'nope'"),
    ([], "name a regime"),
])
def test_bad_arguments(tmp_path, args, message):
    store = _fifty(tmp_path)
    code, out, err = run_cli("exposure", "--store", store, *args)
    assert code != 0 and message in err and "Traceback" not in err + out
