"""Neo4j backend through the command line: the demo bundle gives the same stats and entities as embedded."""

from __future__ import annotations

import json
import os
from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.neo4j
PASSWORD = os.environ.get("OWNERSCOPE_TEST_NEO4J_PASSWORD", "ownerscope-test")


@pytest.fixture
def url():
    u = os.environ.get("OWNERSCOPE_TEST_NEO4J_URL")
    if not u:
        if os.environ.get("CI"):
            pytest.fail("CI needs a Neo4j server: OWNERSCOPE_TEST_NEO4J_URL is not set")
        pytest.skip("no Neo4j server (run tools/neo4j/neo4j-test-server start)")
    from ownerscope.graph.neo4j import Neo4jStore

    s = Neo4jStore(u, user="neo4j", password=PASSWORD, database="neo4j")
    s.clear()
    s.close()
    return u


def cli(tmp_path, *args: str):
    """The real Typer app, in process (the subprocess path is covered in test_neo4j_errors/_kill)."""
    from typer.testing import CliRunner

    from ownerscope.cli import app

    res = CliRunner().invoke(app, list(args), env={"OWNERSCOPE_HOME": str(tmp_path / "home"),
                                                   "OWNERSCOPE_NEO4J_PASSWORD": PASSWORD})
    return SimpleNamespace(returncode=res.exit_code, stdout=res.stdout,
                           stderr=f"{res.output}{res.exception!r}")


def test_demo_ingest_same_stats_and_entities_as_embedded(url, tmp_path):
    from ownerscope.demo import SEED_CASE

    embedded = str(tmp_path / "demo.lbug")
    results = {}
    for name, store in (("embedded", embedded), ("neo4j", url)):
        ing = cli(tmp_path, "ingest", "csv", str(SEED_CASE), "--store", store)
        assert ing.returncode == 0, ing.stderr
        assert "rows/s" in ing.stdout  # the throughput figure
        stats = cli(tmp_path, "stats", "--store", store, "--format", "json")
        assert stats.returncode == 0, stats.stderr
        show = cli(tmp_path, "show", "ofac-17260", "--store", store, "--format", "json")
        assert show.returncode == 0, show.stderr
        results[name] = (json.loads(stats.stdout), json.loads(show.stdout))
    (e_stats, e_show), (n_stats, n_show) = results["embedded"], results["neo4j"]
    assert e_stats["entities"] and e_stats == n_stats
    key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
    assert sorted(e_show.pop("relations"), key=key) == sorted(n_show.pop("relations"), key=key)
    assert e_show == n_show

    # a second ingest upserts: nothing is duplicated
    again = cli(tmp_path, "ingest", "csv", str(SEED_CASE), "--store", url)
    assert again.returncode == 0, again.stderr
    assert json.loads(cli(tmp_path, "stats", "--store", url, "--format", "json").stdout) == n_stats
