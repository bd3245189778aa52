"""Entities with missing fields (no type, no name, null lists), as a write past the adapters could leave
them: `stats`, `show`, search, exposure and the explorer's welcome and details panels survive them, on both
backends. The nodes are written by raw Cypher: on the embedded store through its own connection, on Neo4j
through the driver."""

from __future__ import annotations

import json

from ownerscope.graph.rows import MISSING
from ownerscope.ingest.run import run_ingest
from ownerscope.ui import context, exposure_view
from ownerscope.ui.pages import explore

from ..conftest import write_bundle
from .common import release, run_cli, write_raw


def _broken_store(store, tmp_path):
    folder = write_bundle(tmp_path / "b", "id,type,name\nco,company,Co\nowner,person,Owner\n",
                          "source,target,type,share\nowner,co,ownership,60\n", "entity_id,authority\nowner,us\n")
    run_ingest("csv", [folder], store=store, show_progress=False, quarantine=tmp_path / "q.jsonl")
    write_raw(store, "CREATE (:Entity {id: 'bare'})")                       # no type, no name, null lists
    write_raw(store, "CREATE (:Entity {id: 'typeless', name: 'Typeless Holdings'})")
    write_raw(store, "MATCH (e:Entity {id: 'bare'}) CREATE (e)-[:LISTED]->(:Designation {id: 'd-bare'})")
    write_raw(store, "MATCH (a:Entity {id: 'bare'}), (b:Entity {id: 'co'}) CREATE (a)-[:OWNS {id: 'r-bare'}]->(b)")
    write_raw(store, "MATCH (a:Entity {id: 'typeless'}), (b:Entity {id: 'co'}) "
                     "CREATE (a)-[:CONTROLS {id: 'r-typeless'}]->(b)")
    return store


def test_counts_keep_the_missing_apart(store, tmp_path):
    counts = _broken_store(store, tmp_path).counts()
    assert counts["entities"] == {MISSING["entities"]: 2, "company": 1, "person": 1}
    assert counts["designations"] == {MISSING["designations"]: 1, "us": 1}
    assert counts["relations"] == {"control": 1, "ownership": 2}


def test_stats_cli_survives_missing_fields(store, tmp_path):
    url = release(_broken_store(store, tmp_path))
    table = run_cli("stats", "--store", url)
    assert table.returncode == 0 and "Traceback" not in table.stderr, table.stderr
    assert "(no type)" in table.stdout and "(no authority)" in table.stdout
    js = run_cli("stats", "--store", url, "--format", "json")
    assert js.returncode == 0, js.stderr
    assert json.loads(js.stdout)["entities"]["(no type)"] == 2
    shown = run_cli("show", "bare", "--store", url)
    assert shown.returncode == 0 and "Traceback" not in shown.stderr and "no type" in shown.stdout, shown.stderr
    shown = run_cli("show", "co", "--store", url, "--format", "json")
    assert shown.returncode == 0 and {r["other"] for r in json.loads(shown.stdout)["relations"]} >= {"bare"}
    for regime in ("ofac", "eu", "uk"):
        expo = run_cli("exposure", "--regime", regime, "--store", url, "--as-of", "2025-01-01")
        assert expo.returncode == 0 and "Traceback" not in expo.stderr, expo.stderr


def test_welcome_and_details_panels_survive_missing_fields(store, tmp_path):
    _broken_store(store, tmp_path)
    context.set_store(store)
    try:
        text = str(explore.welcome())
        assert "4 entities" in text and "3 relations" in text and "2 designations" in text
        for eid in ("bare", "typeless", "co"):
            d = store.get_entity(eid)
            box = exposure_view.verdict_box(eid, "ofac", "2025-01-01")
            panel = str(explore.entity_panel(d, box))
            assert eid in panel
        assert "no type" in str(explore.entity_panel(store.get_entity("bare")))
        hits = store.search("bare", limit=5)  # found by its id: it has no name (nor search text)
        assert hits and hits[0]["id"] == "bare" and hits[0]["name"] is None
        graph, _notice = explore.expand(explore.EMPTY, "co")
        assert {"bare", "typeless", "owner"} <= set(graph["nodes"])
    finally:
        context.set_store(None)  # the next test's store starts a fresh core


def test_a_planted_javascript_url_is_text_in_the_details_panel(store, tmp_path):
    _broken_store(store, tmp_path)
    src = json.dumps({"dataset": "planted", "record_id": "x", "url": "javascript:alert(1)"})
    write_raw(store, "MATCH (e:Entity {id: 'co'}) SET e.sources = [$s, 'not json at all']", {"s": src})
    panel = explore.entity_panel(store.get_entity("co"))
    text = str(panel)
    assert "javascript:alert(1)" in text and "href='javascript" not in text and "href=\"javascript" not in text
    assert "not json at all" in text  # a source that is not the JSON we write is shown by name, not a crash
