"""The exposure engine gives identical verdicts on the embedded store and on Neo4j (same data in both)."""

from __future__ import annotations

import json

import pytest

from ownerscope.demo import SEED_CASE

from ..exposure.test_rules_cli import build
from .test_neo4j_cli import cli, url  # noqa: F401  (fixture)

pytestmark = pytest.mark.neo4j


def verdicts(tmp_path, store: str, regime: str, as_of: str) -> dict:
    res = cli(tmp_path, "exposure", "--regime", regime, "--as-of", as_of, "--store", store, "--format", "json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    return {e["id"]: (e["status"], round(e.get("total") or 0.0, 6), sorted(e.get("listed_persons") or [],
                                                                            key=lambda p: json.dumps(p, sort_keys=True)))
            for e in out["entities"]}


def test_same_verdicts_on_both_backends(url, tmp_path):
    rules = build().write(tmp_path / "rules")
    embedded = str(tmp_path / "both.lbug")
    for store in (embedded, url):
        for bundle in (SEED_CASE, rules):
            res = cli(tmp_path, "ingest", "csv", str(bundle), "--store", store, "--no-progress")
            assert res.returncode == 0, res.stderr
    compared = 0
    for regime in ("ofac", "eu", "uk"):
        for as_of in ("2024-06-01", "2025-06-01", "2026-01-01"):
            e = verdicts(tmp_path, embedded, regime, as_of)
            n = verdicts(tmp_path, url, regime, as_of)
            assert e == n, (regime, as_of)
            compared += len(e)
    assert compared > 300  # the rule cases and the demo, under three regimes and three dates
