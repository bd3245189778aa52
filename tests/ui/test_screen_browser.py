"""Screening a list of counterparties in the browser, and the CSV it downloads."""

from __future__ import annotations

import csv
import io

import pytest

from .browser import artifact_dir, browser_page
from .test_explore_browser import demo_url, wait_for_node  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_screen_a_list(demo_url, tmp_path):
    with browser_page() as (page, errors):
        page.goto(demo_url + "/screen")
        page.locator("#screen-text").fill("State Corporation Rostec\n2Rivers Pte Ltd\nAcme Widgets Ltd")
        page.fill("#screen-as-of", "2025-06-01")
        page.click("#screen-run")
        table = page.locator(".screen-table")
        table.wait_for(timeout=20000)
        rows = table.locator("tr")
        assert rows.count() == 4
        rostec = rows.nth(1).inner_text()
        assert "match" in rostec and "LISTED" in rostec  # listed by OFAC
        pte = rows.nth(2).inner_text()
        assert "2Rivers Pte Ltd" in pte and "UK" in pte
        page.screenshot(path=str(artifact_dir() / "screen.png"))
        with page.expect_download(timeout=20000) as dl:
            page.click("#screen-csv-button")
        path = tmp_path / "s.csv"
        dl.value.save_as(str(path))
        data = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert [d["input"] for d in data] == ["State Corporation Rostec", "2Rivers Pte Ltd", "Acme Widgets Ltd"]
        assert data[0]["id"] == "ofac-17260" and data[0]["ofac"] == "listed" and data[0]["eu"] == "clear"
        assert data[1]["uk"] == "listed" and data[1]["ofac"] == "clear"
        assert data[2]["match"] in ("weak", "no match")
        # the match links to the explorer, opened on that entity
        page.locator(".screen-table a", has_text="State Corporation Rostec").click()
        wait_for_node(page, "Sergei Chemezov")
        assert not errors, errors


def test_screening_tie_is_a_possible_match(demo_url):
    """"VSMPO" scores the same on VSMPO-AVISMA Corporation and VSMPO-AVISMA management: not a match on
    whichever sorts first, but a possible match, both candidates shown with their evidence."""
    with browser_page() as (page, errors):
        page.goto(demo_url + "/screen")
        page.locator("#screen-text").fill("VSMPO\nState Corporation Rostec")
        page.fill("#screen-as-of", "2025-06-01")
        page.click("#screen-run")
        table = page.locator(".screen-table")
        table.wait_for(timeout=20000)
        rows = table.locator("tr")
        vsmpo = rows.nth(1)
        assert vsmpo.locator(".m-possible-match").count() == 1
        assert "possible match" in vsmpo.inner_text() and "a person decides" in vsmpo.inner_text()
        candidates = vsmpo.locator(".candidate")
        assert candidates.count() == 2
        text = vsmpo.locator(".candidates").inner_text()
        assert "VSMPO-AVISMA Corporation" in text and "VSMPO-AVISMA management" in text
        assert "country RU" in text and "no date of birth" in text and "OFAC exposed" in text
        assert rows.nth(2).locator(".m-match").count() == 1  # Rostec stands alone: a match
        assert "1 possible (for you to decide)" in page.locator(".screen-out").inner_text()
        page.screenshot(path=str(artifact_dir() / "screen-tie.png"), full_page=True)
        assert not errors, errors
