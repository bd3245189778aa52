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
