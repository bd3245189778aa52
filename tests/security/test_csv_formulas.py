"""Spreadsheet formulas in every CSV ownerscope writes: the exposure page download, the screening CSV and
the report CSV (web and CLI), on both backends. A name such as `=HYPERLINK(...)` or `+cmd|' /C calc'!A0`
must come out as text (a leading `'`), while numbers the program computed stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from ownerscope.csvsafe import csv_text, neutralise
from ownerscope.ui import context, exposure_view
from ownerscope.ui.pages import exposure as exposure_page
from ownerscope.ui.screening import screen, to_csv

from .common import FORMULAS, assert_formula_safe, cells, load_hostile, release, run_cli


def test_neutralise_each_formula_start_and_nothing_else():
    for probe in FORMULAS:
        assert neutralise(probe) == "'" + probe
    for text in ("Rostec", "'quoted", " =space first", "50%", "", "1+1", "a=b"):
        assert neutralise(text) == text
    # numbers the program computed are values, not text: a negative share stays a number
    assert neutralise(-5) == -5 and neutralise(-2.5) == -2.5 and neutralise(None) is None
    assert neutralise("-5") == "'-5"  # the same characters read from the data are text


def test_csv_text_writes_numbers_as_numbers_and_text_neutralised():
    out = csv_text(["name", "share"], [{"name": "-cmd", "share": -5}, {"name": "ok", "share": None}])
    assert out.splitlines() == ["name,share", "'-cmd,-5", "ok,"]
    with pytest.raises(ValueError):
        csv_text(["name"], [{"name": "x", "other": 1}])


@pytest.fixture
def hostile(store, tmp_path):
    load_hostile(store, tmp_path)
    context.set_store(store)
    yield store
    context.set_store(None)  # the next test's store starts a fresh core


def test_exposure_page_csv(hostile):
    rows, _counts, _used = exposure_page.rows_for("ofac", "2025-01-01", ["listed", "derived"])
    assert {r["status"] for r in rows} == {"listed", "derived"} and len(rows) == 7
    text = exposure_page.rows_csv(rows)
    assert_formula_safe(text, tuple(FORMULAS))
    derived = [r for r in rows if r["status"] == "derived"][0]
    assert derived["effective_listed_share"] == 60.0 and "60.0" in cells(text)  # the number is untouched


def test_screening_csv(hostile):
    typed = ["=HYPERLINK(\"http://evil.example\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]
    rows = screen(typed, "2025-01-01")
    assert [r["input"] for r in rows] == typed
    text = to_csv(rows)
    assert_formula_safe(text, tuple(typed))            # what the user typed, echoed back
    assert any(c.startswith("'=HYPERLINK") for c in cells(text)[len(rows):])  # and the names it matched


def test_report_csv_from_the_web(hostile):
    payload, filename = exposure_view.report_bytes("target", "ofac", "2025-01-01", "csv")
    assert filename.endswith(".csv")
    text = payload.decode("utf-8")
    assert_formula_safe(text, tuple(FORMULAS[1:]))     # the owners' names in the proof rows
    assert "'" + FORMULAS[1] in cells(text)           # the relations' notes


def test_report_csv_from_the_cli(hostile, tmp_path):
    out = tmp_path / "report.csv"
    proc = run_cli("report", "target", "--store", release(hostile), "--regime", "ofac", "--as-of", "2025-01-01",
                   "--format", "csv", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    text = out.read_bytes().decode("utf-8")  # not read_text: it would turn the CR probe into a newline
    assert_formula_safe(text, tuple(FORMULAS[1:]))
    rows = [r for r in csv.DictReader(io.StringIO(text, newline="")) if r["section"] == "proof"]
    assert len(rows) == 6 and {r["share"] for r in rows} == {"10.0"}  # shares stay numbers
