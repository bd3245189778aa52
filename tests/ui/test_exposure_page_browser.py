"""The Exposure page: who a rule catches or nearly catches on a date, with links into the explorer."""

from __future__ import annotations

import csv
import io

import pytest

from .browser import artifact_dir, browser_page
from .test_explore_browser import demo_url, pick, wait_for_node  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_exposure_list_links_and_csv(demo_url, tmp_path):
    with browser_page() as (page, errors):
        page.goto(demo_url + "/exposure")
        out = page.locator("#exposure-output")
        out.locator("table").wait_for(timeout=20000)
        text = out.inner_text()
        assert "VSMPO-AVISMA Corporation" in text and "EXPOSED" in text
        assert "State Corporation Rostec" not in text  # listed entities are not shown unless asked for
        page.get_by_label("listed").check()
        out.get_by_text("State Corporation Rostec").wait_for(timeout=15000)
        page.screenshot(path=str(artifact_dir() / "exposure-page.png"))
        with page.expect_download(timeout=20000) as dl:
            page.click("#exposure-csv-button")
        path = tmp_path / "e.csv"
        dl.value.save_as(str(path))
        rows = {r["id"]: r for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}
        assert rows["demo-vsmpo-avisma"]["status"] == "exposed"
        assert float(rows["demo-vsmpo-avisma"]["effective_listed_share"]) == 25.0
        assert rows["ofac-17260"]["status"] == "listed"
        # UK before the 2Rivers listings (2024-12-17): nothing listed or caught in the facilitator network
        pick(page, "exposure-regime", "UK", "UK owned or controlled")
        page.fill("#exposure-as-of", "2024-12-01")
        page.press("#exposure-as-of", "Enter")
        page.wait_for_function("() => document.querySelector('#exposure-output').innerText.includes('UK on 2024-12-01')",
                               timeout=15000)
        assert "2Rivers" not in out.inner_text()
        page.fill("#exposure-as-of", "2025-01-01")
        page.press("#exposure-as-of", "Enter")
        out.get_by_text("2Rivers DMCC").wait_for(timeout=15000)
        out.get_by_role("link", name="2Rivers DMCC").click()
        wait_for_node(page, "Coral Energy Group")
        assert not errors, errors


def test_exposure_page_filtered_by_status_authority_and_text(demo_url):
    with browser_page() as (page, errors):
        page.goto(demo_url + "/exposure")
        out = page.locator("#exposure-output")
        out.locator("table").wait_for(timeout=20000)
        # only "listed": every row is LISTED, most serious first, nothing else
        for s in ("derived", "possible", "review", "exposed"):
            page.get_by_label(s, exact=True).uncheck()
        page.get_by_label("listed", exact=True).check()
        out.get_by_text("State Corporation Rostec").wait_for(timeout=15000)
        page.wait_for_function("() => !document.querySelector('#exposure-output').innerText.includes('EXPOSED')",
                               timeout=15000)
        badges = out.locator("td .badge").all_inner_texts()
        assert badges and set(badges) == {"LISTED"}, badges
        assert "VSMPO-AVISMA Corporation" not in out.inner_text()
        assert "entities match; showing 1–" in out.inner_text()
        # text filter
        page.fill("#exposure-text", "rosoboron")
        page.press("#exposure-text", "Enter")
        page.wait_for_function("() => document.querySelector('#exposure-output').innerText.includes('1 entities match')",
                               timeout=15000)
        assert "Rosoboronexport" in out.inner_text() and "State Corporation Rostec" not in out.inner_text()
        page.fill("#exposure-text", "")
        page.press("#exposure-text", "Enter")
        # exposed only, then by authority: VSMPO-AVISMA is itself listed by Canada (and US BIS)
        page.get_by_label("listed", exact=True).uncheck()
        page.get_by_label("exposed", exact=True).check()
        out.get_by_text("VSMPO-AVISMA Corporation").wait_for(timeout=15000)
        row = out.locator("tr", has_text="VSMPO-AVISMA Corporation")
        assert "CA" in row.inner_text() and "US-BIS" in row.inner_text()
        page.screenshot(path=str(artifact_dir() / "exposure-filtered.png"), full_page=True)
        assert not errors, errors
