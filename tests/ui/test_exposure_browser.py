"""Exposure in the browser: choose a rule, see the verdict, the proof on the graph, download a report."""

from __future__ import annotations

import pytest

from .browser import artifact_dir, browser_page
from .test_explore_browser import demo_url, pick, wait_for_node  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def open_entity(page, query: str, name: str) -> None:
    page.fill("#search-input", query)
    hit = page.locator(".hit", has_text=name).first
    hit.wait_for(timeout=15000)
    hit.click()
    wait_for_node(page, name)


def node_classes(page, name: str) -> str:
    return page.evaluate("""(name) => {
        const cy = document.querySelector('#graph')._cyreg.cy;
        const n = cy.nodes().filter(x => x.data('name') === name);
        return n.length ? n[0].classes().join(' ') : '';
    }""", name)


def test_ofac_verdict_proof_and_report(demo_url, tmp_path):
    with browser_page() as (page, errors):
        page.goto(demo_url + "/")
        pick(page, "regime-select", "OFAC", "OFAC 50% rule (US)")
        open_entity(page, "VSMPO", "VSMPO-AVISMA Corporation")
        details = page.locator("#details-panel")
        details.locator(".badge").wait_for(timeout=15000)
        assert details.locator(".badge").inner_text() == "EXPOSED"
        text = details.locator(".explanation").inner_text()
        assert "State Corporation Rostec" in text and "25" in text and "50" in text
        assert "st-exposed" in node_classes(page, "VSMPO-AVISMA Corporation")
        assert "st-listed" in node_classes(page, "State Corporation Rostec")
        page.click("#proof-show")
        page.wait_for_function("""() => {
            const cy = document.querySelector('#graph')._cyreg.cy;
            return cy.edges('.proof').length > 0;
        }""", timeout=15000)
        page.screenshot(path=str(artifact_dir() / "exposure-ofac-vsmpo.png"))
        with page.expect_download(timeout=30000) as dl:
            page.click("#report-download-button")
        path = tmp_path / "report.html"
        dl.value.save_as(str(path))
        html = path.read_text(encoding="utf-8")
        assert "VSMPO-AVISMA Corporation" in html and "exposed" in html.lower() and "<svg" in html
        assert not errors, errors


def test_as_of_date_changes_uk_listing(demo_url):
    with browser_page() as (page, errors):
        page.goto(demo_url + "/")
        pick(page, "regime-select", "UK", "UK owned or controlled")
        page.fill("#as-of-date", "2024-12-01")
        page.press("#as-of-date", "Enter")
        open_entity(page, "2Rivers DMCC", "2Rivers DMCC")
        details = page.locator("#details-panel")
        details.locator(".badge").wait_for(timeout=15000)
        assert details.locator(".badge").inner_text() == "NOT CAUGHT"  # never a bare CLEAR
        assert "not caught in the data as of 2024-05-03" in details.inner_text()
        page.fill("#as-of-date", "2025-01-01")
        page.press("#as-of-date", "Enter")
        page.wait_for_function("""() => {
            const b = document.querySelector('#details-panel .badge');
            return b && b.innerText === 'LISTED';
        }""", timeout=15000)
        assert not errors, errors
