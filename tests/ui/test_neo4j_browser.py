"""The explorer on a Neo4j store: the same page, the same search and expansion, another backend."""

from __future__ import annotations

import os

import pytest

from ownerscope.demo import SEED_CASE

from ..graph.test_neo4j_cli import PASSWORD, cli, url  # noqa: F401  (fixture)
from .browser import artifact_dir, browser_page, running_app
from .test_explore_browser import node_labels, wait_for_node

pytestmark = [pytest.mark.browser, pytest.mark.neo4j]


def test_explore_on_neo4j(url, tmp_path):
    res = cli(tmp_path, "ingest", "csv", str(SEED_CASE), "--store", url, "--no-progress")
    assert res.returncode == 0, res.stderr
    env = {**os.environ, "OWNERSCOPE_HOME": str(tmp_path / "home"), "OWNERSCOPE_NEO4J_PASSWORD": PASSWORD}
    with running_app(["serve", "--store", url], env) as base, browser_page() as (page, errors):
        page.goto(base + "/")
        assert url in page.locator("#store-status").inner_text()
        page.fill("#search-input", "ВСМПО")  # the Cyrillic alias finds the company
        hit = page.locator(".hit", has_text="VSMPO-AVISMA Corporation").first
        hit.wait_for(timeout=20000)
        hit.click()
        wait_for_node(page, "State Corporation Rostec")
        assert {"VSMPO-AVISMA Corporation", "Business Alliance Company", "Mikhail Shelkov"} <= set(node_labels(page))
        page.screenshot(path=str(artifact_dir() / "explore-neo4j.png"))
        assert not errors, errors
