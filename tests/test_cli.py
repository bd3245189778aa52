"""The command-line contracts of DESIGN.md: stats, show, query, errors as one line, --help everywhere."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from ownerscope.cli import app
from ownerscope.demo import SEED_CASE

runner = CliRunner()


@pytest.fixture
def demo_db(tmp_path):
    db = tmp_path / "demo.lbug"
    res = runner.invoke(app, ["demo", "--no-serve", "--store", str(db)])
    assert res.exit_code == 0, res.output
    assert "quarantined 0" in res.stdout
    return str(db)


def test_stats_json_contract(demo_db):
    res = runner.invoke(app, ["stats", "--store", demo_db, "--format", "json"])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert set(data) == {"entities", "relations", "designations"}
    assert data["entities"] == {"company": 9, "organization": 1, "person": 5, "public_body": 1}
    assert data["relations"]["ownership"] == 6
    assert data["designations"]["us"] == 8 and data["designations"]["uk"] == 4


def test_show_json_contract(demo_db):
    res = runner.invoke(app, ["show", "demo-vsmpo-avisma", "--store", demo_db, "--format", "json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    for key in ("id", "type", "name", "aliases", "identifiers", "designations", "relations", "sources"):
        assert key in d
    assert d["name"] == "VSMPO-AVISMA Corporation"
    owners = {r["other"]: r for r in d["relations"] if r["type"] == "ownership" and r["direction"] == "in"}
    assert owners["ofac-17260"]["share"] == 25.0
    assert "plus one share" in owners["ofac-17260"]["note"]
    assert owners["demo-business-alliance"]["share"] == 50.0
    assert owners["demo-shelkov"]["share"] is None  # unknown stays unknown
    assert owners["ofac-18782"]["ended"] is True and owners["ofac-18782"]["start_date"] == "2006-11"
    auth = {x["authority"]: x for x in d["designations"]}
    assert auth["ca"]["start_date"] == "2024-02" and "us-bis" in auth
    assert all(x["sources"][0]["url"].startswith("https://") for x in d["designations"])
    assert all(r["sources"][0]["url"].startswith("https://") for r in d["relations"])


def test_every_demo_fact_has_a_source_url(demo_db):
    res = runner.invoke(app, ["query", "MATCH (a:Entity)-[r]->(b:Entity) RETURN r.sources AS s",
                              "--store", demo_db, "--format", "json"])
    rows = json.loads(res.stdout)["rows"]
    assert len(rows) == 14
    assert all(json.loads(s)["url"].startswith("https://") for row in rows for s in row[0])


def test_show_text_and_unknown_id(demo_db):
    res = runner.invoke(app, ["show", "ofac-17260", "--store", demo_db])
    assert res.exit_code == 0 and "State Corporation Rostec" in res.stdout
    res = runner.invoke(app, ["show", "no-such-id", "--store", demo_db])
    assert res.exit_code == 1
    assert "no entity with id 'no-such-id'" in res.stderr


def test_query_json_and_refusal(demo_db):
    res = runner.invoke(app, ["query", "MATCH (e:Entity) WHERE e.id = $id RETURN e.name AS name",
                              "--param", "id=ofac-16685", "--store", demo_db, "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == {"columns": ["name"], "rows": [["Sergei Chemezov"]], "truncated": False}
    res = runner.invoke(app, ["query", "MATCH (e:Entity) DETACH DELETE e", "--store", demo_db])
    assert res.exit_code == 1
    assert "read-only" in res.stderr
    again = runner.invoke(app, ["stats", "--store", demo_db, "--format", "json"])
    assert json.loads(again.stdout)["entities"]["person"] == 5


@pytest.mark.parametrize("args, message", [
    (["stats", "--store", "ftp://example.org/db"], "unknown store URL scheme 'ftp'"),
    (["ingest", "xml", "somewhere"], "unknown format 'xml'"),
    (["ingest", "csv", "/no/such/folder"], "/no/such/folder: no such file or folder"),
])
def test_bad_input_is_one_line_without_traceback(args, message, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "ownerscope.cli", *args], capture_output=True, text=True,
                          env={"OWNERSCOPE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_store_in_use_is_a_clear_error(tmp_path):
    from ownerscope.graph.store import open_store

    db = tmp_path / "busy.lbug"
    holder = subprocess.Popen([sys.executable, "-c", f"from ownerscope.graph.store import open_store; "
                               f"s = open_store({str(db)!r}); import sys; print('ready', flush=True); "
                               f"sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        res = runner.invoke(app, ["stats", "--store", str(db)])
        assert res.exit_code == 1
        assert "in use by another" in res.stderr or "cannot open the embedded store" in res.stderr
    finally:
        holder.communicate("")


@pytest.mark.parametrize("command", ["ingest", "stats", "show", "query", "serve", "demo"])
def test_every_command_has_help(command):
    res = runner.invoke(app, [command, "--help"])
    assert res.exit_code == 0
    assert "Usage" in res.stdout and "--store" in res.stdout
