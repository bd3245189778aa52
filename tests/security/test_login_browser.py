"""Issue 8: the login in a real browser (headless Chromium): every page asks for it, a wrong password is
refused, the right one opens the explorer, a download works only while logged in, logging out closes it."""

from __future__ import annotations

import os

import pytest

from ..ui.browser import artifact_dir, browser_page, running_app
from ..ui.test_explore_browser import wait_for_node

pytestmark = pytest.mark.browser

USER, PASSWORD = "analyst", "s3cret-passphrase"


@pytest.fixture
def guarded_demo(tmp_path):
    env = {**os.environ, "OWNERSCOPE_HOME": str(tmp_path / "home"), "OWNERSCOPE_AUTH_USER": USER,
           "OWNERSCOPE_AUTH_PASSWORD": PASSWORD}
    env.pop("OWNERSCOPE_AUTH_TOKEN", None)
    with running_app(["demo", "--store", str(tmp_path / "demo.lbug")], env) as url:
        yield url


def test_login_in_the_browser(guarded_demo, tmp_path):
    with browser_page() as (page, errors):
        page.goto(guarded_demo + "/screen")
        assert "/login" in page.url
        assert page.locator("#username").is_visible() and page.locator("#password").is_visible()
        page.fill("#username", USER)
        page.fill("#password", "not-the-password")
        page.click("#login-submit")
        page.locator("#login-error").wait_for(timeout=10000)
        assert "Wrong username and password" in page.locator("#login-error").inner_text()
        page.screenshot(path=str(artifact_dir() / "login-refused.png"))

        page.fill("#username", USER)
        page.fill("#password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_url("**/screen", timeout=15000)  # back to the page that was asked for
        page.locator("#screen-text").wait_for(timeout=15000)

        page.goto(guarded_demo + "/")
        page.fill("#search-input", "VSMPO")
        page.locator(".hit").first.wait_for(timeout=15000)
        page.locator(".hit", has_text="VSMPO-AVISMA Corporation").first.click()
        wait_for_node(page, "VSMPO-AVISMA Corporation")
        page.screenshot(path=str(artifact_dir() / "login-explorer.png"))

        # a report download works while logged in
        with page.expect_download(timeout=30000) as dl:
            page.click("#report-download-button")
        path = tmp_path / "report"
        dl.value.save_as(str(path))
        assert path.stat().st_size > 0

        page.click("a.logout")
        page.wait_for_url("**/login", timeout=10000)
        page.goto(guarded_demo + "/exposure")
        assert "/login" in page.url
        assert not errors, errors
