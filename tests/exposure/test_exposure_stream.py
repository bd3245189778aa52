"""`ownerscope exposure` filters (--status, --limit), several regimes on one graph, streamed JSON and JSON
lines; the core's filtered, paged exposure lists the Exposure page uses."""

from __future__ import annotations

import io
import json

import pytest

from .bundle import Bundle, run_cli


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    b = Bundle()
    b.listed("blocked", "us", "eu", "uk")
    b.listed("uk-only", "uk")
    b.own("blocked", "owned-60", 60)
    b.own("blocked", "held-30", 30)
    b.own("blocked", "unknown-share")  # possible
    b.own("uk-only", "uk-owned", 80)
    b.ent("other-co")
    b.designations.append({"entity_id": "other-co", "authority": "us-bis", "program": "Entity List",
                           "start_date": "2020-01-01", "end_date": "", "source_url": "https://example.org/bis"})
    return b.load(tmp_path_factory.mktemp("stream"))


def _json(*args):
    code, out, err = run_cli("exposure", *args)
    assert code == 0, err or out
    return out


def test_status_and_limit(store_path):
    out = json.loads(_json("--store", store_path, "-r", "ofac", "--as-of", "2025-01-01", "--format", "json",
                           "--status", "derived", "--status", "exposed"))
    assert [(e["id"], e["status"]) for e in out["entities"]] == [("owned-60", "derived"), ("held-30", "exposed")]
    assert out["counts"]["listed"] == 1 and out["regime"] == "ofac" and "datasets" in out  # the contract
    assert out["selection"] == {"statuses": ["derived", "exposed"], "limit": None, "entities": [], "shown": 2}
    one = json.loads(_json("--store", store_path, "-r", "ofac", "--as-of", "2025-01-01", "--format", "json",
                           "--limit", "1"))
    assert [e["status"] for e in one["entities"]] == ["listed"]  # most serious first
    # --entity with --status keeps only the named entities in those statuses
    sel = json.loads(_json("--store", store_path, "-r", "ofac", "--as-of", "2025-01-01", "--format", "json",
                           "-e", "held-30", "-e", "owned-60", "-e", "other-co", "--status", "derived"))
    assert [e["id"] for e in sel["entities"]] == ["owned-60"]


def test_several_regimes_and_json_lines(store_path):
    both = json.loads(_json("--store", store_path, "-r", "ofac", "-r", "uk", "--as-of", "2025-01-01",
                            "--format", "json", "--status", "derived"))
    assert both["as_of"] == "2025-01-01"
    assert [(r["regime"], [e["id"] for e in r["entities"]]) for r in both["regimes"]] == \
        [("ofac", ["owned-60"]), ("uk", ["owned-60", "uk-owned"])]
    lines = _json("--store", store_path, "-r", "ofac", "-r", "uk", "--as-of", "2025-01-01", "--format", "jsonl",
                  "--status", "derived").splitlines()
    got = [json.loads(x) for x in lines]
    assert [(v["regime"], v["id"]) for v in got] == [("ofac", "owned-60"), ("uk", "owned-60"), ("uk", "uk-owned")]
    assert all(v["explanation"] and v["data_currency"] for v in got)


def test_table_output_and_errors(store_path):
    out = _json("--store", store_path, "-r", "ofac", "-r", "eu", "--as-of", "2025-01-01", "--status", "possible")
    assert "ofac exposure on 2025-01-01" in out and "eu exposure on 2025-01-01" in out and "unknown-share" in out
    code, _out, err = run_cli("exposure", "--store", store_path, "-r", "ofac", "--status", "caught")
    assert code != 0 and "unknown status 'caught'" in err and "Traceback" not in err
    code, _out, err = run_cli("exposure", "--store", store_path, "-r", "ofac", "--status", "clear")
    assert code != 0 and "--status clear needs --entity" in err
    code, _out, err = run_cli("exposure", "--store", store_path, "-r", "ofac", "-r", "nope")
    assert code != 0 and "unknown regime 'nope'" in err


def test_streamed_verdicts_are_not_kept(store_path):
    """The stream holds one verdict at a time: nothing is cached on the result after writing."""
    from ownerscope.core import Core
    from ownerscope.core import exposure_list
    from ownerscope.exposure.stream import write_json, write_jsonl
    from ownerscope.graph.store import open_store

    s = open_store(store_path, read_only=True)
    try:
        core = Core(s)
        ofac, uk = core.exposure("ofac", "2025-01-01"), core.exposure("uk", "2025-01-01")
        assert core.graph_builds == 1  # one graph shared by both regimes
        buf = io.StringIO()
        write_json(buf, [(ofac, exposure_list.ids(ofac)), (uk, exposure_list.ids(uk))], {"statuses": []})
        assert [len(r["entities"]) for r in json.loads(buf.getvalue())["regimes"]] == [4, 6]
        single = io.StringIO()
        write_json(single, [(ofac, [])], {})
        assert json.loads(single.getvalue())["entities"] == []
        write_jsonl(io.StringIO(), [(ofac, exposure_list.ids(ofac))])
        ids = set(exposure_list.ids(ofac)) | set(exposure_list.ids(uk))
        assert not ids & set(ofac._cache) and not ids & set(uk._cache)  # no verdict kept
    finally:
        s.close()


def test_core_exposure_page_filters_pages_and_sorts(store_path):
    from ownerscope.core import Core
    from ownerscope.graph.store import open_store

    s = open_store(store_path, read_only=True)
    try:
        core = Core(s)
        everything = core.exposure_page("uk", "2025-01-01", ["listed", "derived", "possible", "exposed"], limit=None)
        assert [r["status"] for r in everything.rows] == sorted([r["status"] for r in everything.rows],
                                                                key=["listed", "derived", "possible", "exposed"].index)
        p1 = core.exposure_page("uk", "2025-01-01", ["listed", "derived", "possible", "exposed"], offset=0, limit=2)
        p2 = core.exposure_page("uk", "2025-01-01", ["listed", "derived", "possible", "exposed"], offset=2, limit=2)
        assert p1.total == p2.total == len(everything.rows)
        assert [r["id"] for r in p1.rows + p2.rows] == [r["id"] for r in everything.rows][:4]
        by_uk = core.exposure_page("ofac", "2025-01-01", ["listed"], authorities=["uk"])
        assert [r["id"] for r in by_uk.rows] == ["blocked"] and by_uk.rows[0]["listed_by"] == ["eu", "uk", "us"]
        text = core.exposure_page("ofac", "2025-01-01", ["derived", "exposed", "possible"], text="HELD")
        assert [r["id"] for r in text.rows] == ["held-30"]
        assert core.exposure_ids("ofac", "2025-01-01", ["possible"]) == ["unknown-share"]
    finally:
        s.close()


def test_search_command(store_path):
    code, out, err = run_cli("search", "owned", "--store", store_path, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["query"] == "owned" and data["results"][0]["id"] in ("owned-60", "uk-owned")
    assert {"id", "name", "type", "country", "score", "authorities"} <= set(data["results"][0])
    code, out, err = run_cli("search", "Blocked", "--store", store_path)
    assert code == 0 and "blocked" in out
    code, out, err = run_cli("search", "zzzz-nothing", "--store", store_path)
    assert code == 0 and "no entity matches" in out
    code, out, err = run_cli("search", "x", "--store", store_path + ".missing")
    assert code != 0 and "no store at" in err and "Traceback" not in err
