"""Data currency in the browser: on a store holding only an OFAC list, the Screen page says "no EU list
loaded" (never CLEAR) for the EU and UK columns, and verdicts name the list version they rest on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ownerscope.ingest.run import run_ingest

from .browser import artifact_dir, browser_page, running_app
from .test_explore_browser import pick
from .test_exposure_browser import open_entity

pytestmark = pytest.mark.browser
FIXTURE = Path(__file__).resolve().parents[1] / "ingest" / "fixtures" / "ofac_advanced_small.xml"
OFAC_WORDS = "OFAC SDN list (advanced XML) published 2024-11-21, loaded "


@pytest.fixture
def ofac_only_url(tmp_path):
    store = str(tmp_path / "ofac.lbug")
    report = run_ingest("ofac-advanced", [FIXTURE], store_url=store, show_progress=False,
                        quarantine=tmp_path / "q.jsonl")
    assert report.by_kind["designations"] == 4
    env = {**os.environ, "OWNERSCOPE_HOME": str(tmp_path / "home")}
    with running_app(["serve", "--store", store], env) as url:
        yield url


def test_screen_says_no_list_and_names_list_versions(ofac_only_url):
    with browser_page() as (page, errors):
        page.goto(ofac_only_url + "/screen")
        page.locator("#screen-text").fill("ACME TRADING LLC\nACME SUBSIDIARY LLC\nPETROV Ivan")
        page.fill("#screen-as-of", "2025-01-01")
        page.click("#screen-run")
        table = page.locator(".screen-table")
        table.wait_for(timeout=20000)
        rows = table.locator("tr")
        assert rows.count() == 4
        cells = lambda n: [rows.nth(n).locator("td").nth(i).inner_text() for i in range(6, 9)]  # noqa: E731
        assert cells(1) == ["LISTED", "NO LIST", "NO LIST"]
        assert cells(2) == ["POSSIBLE", "NO LIST", "NO LIST"]   # owned or controlled, no percentage
        assert "CLEAR" not in table.inner_text()
        data = page.locator(".screen-data").inner_text()
        assert "OFAC: " + OFAC_WORDS in data
        assert "EU: no EU list loaded" in data and "UK: no UK list loaded" in data
        page.screenshot(path=str(artifact_dir() / "screen-no-list.png"))
        assert not errors, errors


def test_explorer_verdict_names_its_list_version(ofac_only_url):
    with browser_page() as (page, errors):
        page.goto(ofac_only_url + "/")
        pick(page, "regime-select", "OFAC", "OFAC 50% rule (US)")
        page.fill("#as-of-date", "2025-01-01")
        page.press("#as-of-date", "Enter")
        open_entity(page, "ACME SUBSIDIARY", "ACME SUBSIDIARY LLC")
        details = page.locator("#details-panel")
        details.locator(".badge").wait_for(timeout=15000)
        assert details.locator(".badge").inner_text() == "POSSIBLE"
        assert "Data: " + OFAC_WORDS in details.locator(".data-currency").inner_text()
        pick(page, "regime-select", "EU", "EU owned or controlled")
        page.wait_for_function("""() => {
            const b = document.querySelector('#details-panel .badge');
            return b && b.innerText === 'NO LIST';
        }""", timeout=15000)
        assert "no EU list loaded" in details.inner_text()
        page.goto(ofac_only_url + "/exposure")
        page.locator(".exposure-out .data-currency").wait_for(timeout=20000)
        assert OFAC_WORDS in page.locator(".exposure-out .data-currency").inner_text()
        assert not errors, errors
