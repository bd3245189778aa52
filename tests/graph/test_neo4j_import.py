"""The offline initial load: `ownerscope export neo4j-import` files, loaded by Neo4j's own import tool.

The end-to-end test stops the test server (tools/neo4j), runs the real `neo4j-admin database import full`
on its data dir with the exported arguments file, starts it again and compares the imported database,
record by record, with the store it came from and, property by property, with the same records written
over Bolt. It needs OWNERSCOPE_TEST_NEO4J_URL naming a server started by tools/neo4j/neo4j-test-server.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import polars as pl
import pytest

from ownerscope.graph import neo4j_import as NI
from ownerscope.graph.model import Designation, Entity, ListVersion, Relation, Source
from ownerscope.graph.store import open_store

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "neo4j" / "neo4j-test-server"
S1 = Source("set-a", "r1", "https://example.org/a?x=1,2")
S2 = Source("set-b", 'q"uote', "")


def seed(store) -> None:
    store.upsert_entities([
        Entity("p1", "person", "Boris \"Bo\" Britva", aliases=["Борис Бритва", "B, Britva"], country="ru",
               birth_dates=["1961-07"], nationalities=["ru"], addresses=["1 Main St\nFlat 2, Moscow"],
               notes="line one\r\nline two", sources=[S1, S2]),
        Entity("c1", "company", "Alpha Holdings LLC", identifiers=["ru-inn:7700000001"], notes="", sources=[S1]),
        Entity("c2", "company", "Beta, Trading DMCC", country="ae", sources=[]),
        Entity("c3", "company", "Gamma 株式会社", sources=[S2]),
        Entity("c4", "company", "Delta", sources=[S1]),
    ])
    store.upsert_relations([
        Relation("p1", "c1", "ownership", share=60.0, start_date="2020-01-01", sources=[S1]),
        Relation("c1", "c2", "ownership", share_min=25.0, share_max=50.0, share_min_exclusive=True,
                 sources=[S1, S2], note="a \"band\", 25-50%"),
        Relation("c1", "c3", "ownership", share=1 / 3, ended=True, record_id="rec-1", asserted_from="2021-02-03",
                 asserted_until="2022-02-03", sources=[S1]),
        Relation("p1", "c2", "control", basis="board_majority_appointment_right", sources=[S1]),
        Relation("c2", "c3", "facilitation", role="shipper", sources=[S2]),
        Relation("c3", "c4", "family", note="", sources=[]),
        Relation("c4", "c1", "interest", share=12.5, sources=[S1]),
        Relation("c3", "c2", "possible_same_as", note="same name", sources=[S1]),
    ])
    store.upsert_designations([
        Designation("p1", "us", "RUSSIA-EO14024", start_date="2022-04-06", sources=[S1], list_version="list-x",
                    list_published="2024-05-03"),
        Designation("c1", "eu", None, note="listed, see \"annex\"", sources=[S2]),
    ])
    store.add_redirects([("old-c4", "c4")])
    store.upsert_list_version(ListVersion("us", "OFAC SDN list", "ofac_sdn", "ab" * 32, published="2024-05-03",
                                          loaded="2026-12-02T10:00:00+00:00", files=["sdn.xml", "a b.xml"],
                                          url="https://example.org/sdn", authorities=["us"], records=42))


def test_export_writes_typed_files_and_one_args_file(tmp_path):
    src = open_store(str(tmp_path / "src.lbug"))
    seed(src)
    res = NI.write_import_files(src, tmp_path / "out")
    src.close()
    assert res.nodes == {"Entity": 5, "Designation": 2, "Redirect": 1, "ListVersion": 1}
    assert res.relationships == {"LISTED": 2, "OWNS": 3, "CONTROLS": 1, "FACILITATES": 1, "FAMILY": 1,
                                 "HAS_INTEREST": 1, "POSSIBLE_SAME_AS": 1}
    head = (tmp_path / "out" / "entities.header.csv").read_text().strip().split(",")
    assert head[0] == "id:ID(Entity)" and "aliases:string[]" in head and "search" in head
    rel_head = (tmp_path / "out" / "rel_owns.header.csv").read_text().strip().split(",")
    assert rel_head[:3] == [":START_ID(Entity)", ":END_ID(Entity)", "id"]
    assert "share:double" in rel_head and "ended:boolean" in rel_head and "sources:string[]" in rel_head
    args = res.args_file.read_text().splitlines()
    assert "--array-delimiter=U+001F" in args and "--multiline-fields=true" in args
    assert any(a.startswith("--nodes=Entity=") for a in args)
    assert any(a.startswith("--relationships=OWNS=") for a in args)
    # every data line count matches what was written (multi-line values are quoted)
    owns = pl.read_csv(tmp_path / "out" / "rel_owns.csv", has_header=False)
    assert owns.height == 3


def test_export_refuses_a_value_holding_the_array_delimiter(tmp_path):
    from ownerscope.errors import InputError

    src = open_store(str(tmp_path / "src.lbug"))
    src.upsert_entities([Entity("x1", "company", "X", aliases=["a\x1fb"])])
    with pytest.raises(InputError, match="U\\+001F"):
        NI.write_import_files(src, tmp_path / "out")
    src.close()


# ------------------------------------------------------------------------------------------ end to end
def _port() -> int:
    url = os.environ.get("OWNERSCOPE_TEST_NEO4J_URL") or ""
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI needs a Neo4j server: OWNERSCOPE_TEST_NEO4J_URL is not set")
        pytest.skip("no Neo4j server (run tools/neo4j/neo4j-test-server start)")
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    if subprocess.run([str(TOOL), "status", "--port", str(port)], capture_output=True).returncode != 0:
        pytest.skip(f"the Neo4j server on port {port} was not started by tools/neo4j/neo4j-test-server")
    return port


def _tool(*args: str) -> str:
    proc = subprocess.run([str(TOOL), *args], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{args}: {proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def _raw(store) -> tuple[list, list]:
    """Every node (labels, properties) and relationship (type, ends, properties) as Neo4j holds them."""
    nodes = [(r[0], sorted(r[1].items())) for r in store._read("MATCH (n) RETURN labels(n), properties(n)")]
    rels = [(*r[:3], sorted(r[3].items())) for r in store._read(
        "MATCH (a)-[r]->(b) RETURN type(r), a.id, b.id, properties(r)")]
    return sorted(nodes, key=repr), sorted(rels, key=repr)


def _records(store) -> dict:
    return {"entities": sorted((e.to_dict() for e in store.entity_records()), key=lambda d: d["id"]),
            "relations": store.relation_frame().sort("id").to_dicts(),
            "designations": sorted(store.designation_records(), key=lambda d: d["id"]),
            "redirects": store.redirects(),
            "list_versions": store.list_versions(),
            "counts": store.counts()}


def test_neo4j_admin_import_round_trips_every_record(tmp_path, monkeypatch):
    port = _port()
    monkeypatch.setenv("OWNERSCOPE_NEO4J_PASSWORD", os.environ.get("OWNERSCOPE_TEST_NEO4J_PASSWORD",
                                                                   "ownerscope-test"))
    url = os.environ["OWNERSCOPE_TEST_NEO4J_URL"]
    # the reference: the same records written over Bolt
    neo = open_store(url)
    neo.clear()
    seed(neo)
    bolt_raw = _raw(neo)
    neo.close()

    src = open_store(str(tmp_path / "src.lbug"))
    seed(src)
    expected = _records(src)
    files = NI.write_import_files(src, tmp_path / "import")
    src.close()

    _tool("stop", "--port", str(port))
    try:
        _tool("import", "--port", str(port), "--", "neo4j", f"@{files.args_file}")
    finally:
        _tool("start", "--port", str(port))
    neo = open_store(url)
    try:
        NI.finish_import(neo)
        assert _records(neo) == expected
        assert _raw(neo) == bolt_raw  # ids and every property, as the Bolt writer stores them
        # the store works normally on the imported database: schema in place, search, writes
        indexes = {r[0] for r in neo._read("SHOW INDEXES YIELD name RETURN name")}
        assert {"ownerscope_entity_id", "ownerscope_entity_names", "ownerscope_owns_id"} <= indexes
        assert [h["id"] for h in neo.search("britva")] == ["p1"]
        assert neo.resolve_id("old-c4") == "c4"
        neo.upsert_relations([Relation("p1", "c1", "ownership", share=61.0, start_date="2020-01-01",
                                       sources=[S2])])
        owns = [r for r in neo.get_entity("c1")["relations"] if r["type"] == "ownership" and r["other"] == "p1"]
        assert owns[0]["share"] == 61.0 and {s["dataset"] for s in owns[0]["sources"]} == {"set-a", "set-b"}
    finally:
        neo.clear()
        neo.close()


def test_cli_export_neo4j_import(tmp_path):
    from typer.testing import CliRunner

    from ownerscope.cli import app

    db = tmp_path / "src.lbug"
    src = open_store(str(db))
    seed(src)
    src.close()
    res = CliRunner().invoke(app, ["export", "neo4j-import", str(tmp_path / "out"), "--store", str(db)])
    assert res.exit_code == 0, res.output
    assert "neo4j-admin database import full neo4j @" in res.output
    assert (tmp_path / "out" / NI.ARGS_FILE).is_file()
    res = CliRunner().invoke(app, ["export", "neo4j-finish", "--store", str(db)])
    assert res.exit_code != 0 and "needs a Neo4j store" in res.output
