"""The explorer in a real headless Chromium: search VSMPO, expand it, Rostec appears."""

from __future__ import annotations

import os

import pytest

from .browser import artifact_dir, browser_page, running_app

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_url(tmp_path):
    env = {**os.environ, "OWNERSCOPE_HOME": str(tmp_path / "home")}
    with running_app(["demo", "--store", str(tmp_path / "demo.lbug")], env) as url:
        yield url


def node_labels(page) -> list[str]:
    return page.evaluate("""() => {
        const el = document.querySelector('#graph');
        const cy = el && (el._cyreg && el._cyreg.cy);
        if (!cy) return [];
        return cy.nodes().map(n => n.data('name'));
    }""")


def wait_for_node(page, name: str, timeout_ms: int = 20000) -> None:
    page.wait_for_function("""(name) => {
        const el = document.querySelector('#graph');
        const cy = el && el._cyreg && el._cyreg.cy;
        return !!cy && cy.nodes().some(n => n.data('name') === name);
    }""", arg=name, timeout=timeout_ms)


def test_search_expand_shows_rostec(demo_url):
    with browser_page() as (page, errors):
        page.goto(demo_url + "/")
        page.fill("#search-input", "VSMPO")
        hit = page.locator(".hit", has_text="VSMPO-AVISMA Corporation")
        hit.first.wait_for(timeout=15000)
        hit.first.click()
        wait_for_node(page, "State Corporation Rostec")
        names = node_labels(page)
        assert "VSMPO-AVISMA Corporation" in names
        assert "Business Alliance Company" in names
        # the details panel shows the entity with its designations and sources
        details = page.locator("#details-panel")
        details.get_by_text("VSMPO-AVISMA Corporation").first.wait_for(timeout=10000)
        assert "US-BIS" in details.inner_text()
        page.screenshot(path=str(artifact_dir() / "explore-vsmpo.png"))
        # click Rostec on the canvas: its neighbours (Chemezov, Rosoboronexport) join the graph
        page.evaluate("""() => {
            const cy = document.querySelector('#graph')._cyreg.cy;
            cy.nodes().filter(n => n.data('name') === 'State Corporation Rostec').emit('tap');
        }""")
        wait_for_node(page, "Sergei Chemezov")
        assert "Sergei Chemezov" in node_labels(page)
        page.screenshot(path=str(artifact_dir() / "explore-rostec-expanded.png"))
        assert not errors, errors


@pytest.fixture
def console_url(tmp_path):
    """The demo with the Cypher page turned on (it is off by default)."""
    env = {**os.environ, "OWNERSCOPE_HOME": str(tmp_path / "home")}
    with running_app(["demo", "--console", "--store", str(tmp_path / "demo.lbug")], env) as url:
        yield url


def test_query_console_refuses_writes(console_url):
    demo_url = console_url
    with browser_page() as (page, errors):
        page.goto(demo_url + "/query")
        page.locator("#query-text").fill("MATCH (e:Entity {id: 'ofac-17260'}) RETURN e.name AS name")
        page.click("#query-run")
        page.locator("#query-output").get_by_text("State Corporation Rostec").wait_for(timeout=15000)
        page.locator("#query-text").fill("CREATE (e:Entity {id: 'x', name: 'intruder'})")
        page.click("#query-run")
        page.locator("#query-output .error").wait_for(timeout=15000)
        assert "read-only" in page.locator("#query-output").inner_text()
        assert not errors, errors


def pick(page, dropdown_id: str, text: str, option: str) -> None:
    """Open a dcc.Dropdown, type into its search box (it opens in a popover outside the dropdown
    element), click the option. An attempt that finds no option is closed and tried again."""
    target = page.get_by_text(option, exact=False).last
    for attempt in range(3):
        page.click(f"#{dropdown_id}")
        search = page.locator(".dash-dropdown-search").first
        search.wait_for(state="visible", timeout=5000)
        search.click()
        search.press_sequentially(text, delay=40)
        try:
            target.wait_for(timeout=10000)
            break
        except Exception:
            page.keyboard.press("Escape")
    else:
        raise AssertionError(f"could not pick {option!r} in #{dropdown_id}")
    target.click()


def test_find_paths_between_two_entities(demo_url):
    with browser_page() as (page, errors):
        page.goto(demo_url + "/")
        page.click("details.paths > summary")
        pick(page, "path-from", "Chemezov", "Sergei Chemezov (person)")
        pick(page, "path-to", "VSMPO-AVISMA Corp", "VSMPO-AVISMA Corporation (company)")
        page.click("#path-go")
        wait_for_node(page, "VSMPO-AVISMA Corporation")
        assert set(node_labels(page)) == {"Sergei Chemezov", "State Corporation Rostec",
                                          "VSMPO-AVISMA Corporation"}
        assert "1 shortest path(s) of 2 link(s)" in page.locator("#graph-notice").inner_text()
        page.screenshot(path=str(artifact_dir() / "paths.png"))
        assert not errors, errors


def test_empty_store_says_how_to_load_data(tmp_path):
    import subprocess
    import sys

    from ownerscope.graph.store import open_store

    env = {**os.environ, "OWNERSCOPE_HOME": str(tmp_path / "home")}
    # serve never creates a store: a mistyped path is refused, with the way to make one
    res = subprocess.run([sys.executable, "-m", "ownerscope.cli", "serve", "--store", str(tmp_path / "typo.lbug")],
                         env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and "no store at" in res.stderr and "ownerscope ingest" in res.stderr
    open_store(str(tmp_path / "empty.lbug")).close()  # an existing store with nothing in it
    with running_app(["serve", "--store", str(tmp_path / "empty.lbug")], env) as url, \
            browser_page() as (page, errors):
        page.goto(url + "/")
        page.get_by_text("This store is empty.").wait_for(timeout=15000)
        assert "ownerscope ingest" in page.locator("#details-panel").inner_text()
        page.fill("#search-input", "anything")
        page.locator("#search-hits").get_by_text("No match.").wait_for(timeout=15000)
        assert not errors, errors
