"""Smoke run of the scale benchmark (`python -m bench --size 10k`): every figure's row is in the report
and the counts are right. No timing is asserted. Neo4j too when OWNERSCOPE_TEST_NEO4J_URL is set (that
server's database is cleared, as every Neo4j test here does)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, neo4j_url


def _run(tmp_path, *extra, env=None):
    out, js = tmp_path / "BENCH.md", tmp_path / "bench.json"
    out.write_text("# Benchmarks\n\nKeep me.\n\n<!-- bench:scale:100k start -->\nold 100k\n"
                   "<!-- bench:scale:100k end -->\n\nAnd me.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "bench", "--size", "10k", "--out", str(out), "--json", str(js),
                           "--work", str(tmp_path / "work"), "--path-timeout", "30", *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out.read_text(encoding="utf-8"), json.loads(js.read_text(encoding="utf-8")), proc.stderr


def _check_rows(text: str, rows: list[str]) -> None:
    for label in rows:
        assert f"| {label} |" in text, f"row {label!r} missing from the report"


def _check_counts(gen: dict, stored: dict) -> None:
    assert stored["entities"] == gen["entities"] == 10_000
    assert stored["relations"] == gen["relations"] == 20_000
    assert stored["designations"] == gen["designations"] == 100
    assert {k: v for k, v in stored["relations_by_type"].items() if v} == gen["relations_by_type"]
    assert {k: v for k, v in stored["designations_by_authority"].items() if v} == gen["designations_by_authority"]


def test_bench_smoke_embedded(tmp_path):
    from bench.scale_report import EMBEDDED_ROWS

    url = neo4j_url()
    env = dict(os.environ)
    extra = []
    if url:
        env["OWNERSCOPE_NEO4J_PASSWORD"] = os.environ.get("OWNERSCOPE_TEST_NEO4J_PASSWORD", "ownerscope-test")
        extra = ["--neo4j", url]
    text, res, stderr = _run(tmp_path, *extra, env=env)
    # only this size's section was written; the rest of the file is intact
    assert text.startswith("# Benchmarks\n\nKeep me.\n")
    assert "old 100k" in text and "\nAnd me.\n" in text
    assert text.count("<!-- bench:scale:10k start -->") == 1 and text.count("<!-- bench:scale:10k end -->") == 1
    assert "[bench " in stderr  # progress lines
    section = text.split("<!-- bench:scale:10k start -->")[1]
    _check_rows(section, EMBEDDED_ROWS)
    for word in ("Machine:", "Load average", "ladybug", "polars", "ownerscope commit", "python"):
        assert word in section
    gen = res["generated"]
    _check_counts(gen, res["stored"])
    _check_counts(gen, res["embedded"]["stored_after_changed"])  # the changed rows kept their ids
    emb = res["embedded"]
    assert emb["raw"]["entities"] == gen["entities"]
    for run in ("fresh", "again", "changed"):
        r = emb[run]
        assert r["quarantined"] == 0 and r["read"] == gen["entities"] + gen["relations"] + gen["designations"]
        assert r["rss_mb"] > 0
    assert emb["fresh"]["stored"] == emb["fresh"]["read"]
    assert emb["exposure"]["graph_builds"] == 1
    assert emb["exposure"]["counts"]["ofac"].get("listed", 0) == gen["designations_by_authority"]["us"]
    lat = emb["latency"]
    assert lat["search"]["found"] == lat["search"]["n"]  # every search text is a word of a stored name
    assert lat["paths"]["found"] == lat["paths"]["n"]  # every pair is two or three links apart
    assert lat["expand"]["found"] == lat["expand"]["n"]
    if url:
        from bench.scale_report import NEO4J_ROWS

        neo_section = section.split("### Neo4j")[1]
        _check_rows(neo_section, NEO4J_ROWS)
        _check_counts(gen, res["neo4j"]["stored"])
        assert res["neo4j"]["reference"]["relations"] == gen["relations"]
        assert res["neo4j"]["exposure"]["counts"]["ofac"] == emb["exposure"]["counts"]["ofac"]
