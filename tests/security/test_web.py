"""Issue 8: the web app as an attacker (and a careless deployer) meets it, over plain HTTP against the real
app started as a subprocess: bind address, login on every route, the Cypher page off by default, request
and upload limits, screening limits and noise. The login in a real browser is in test_login_browser.py."""

from __future__ import annotations

import base64
import http.cookiejar
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ownerscope.errors import ConfigError
from ownerscope.settings import load_settings
from ownerscope.ui.auth import check_bind, is_loopback

from ..ui.browser import running_app

USER, PASSWORD, TOKEN = "analyst", "correct horse battery", "tok-0123456789abcdef"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def opener(jar=None):
    handlers = [NoRedirect()]
    if jar is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(jar))
    return urllib.request.build_opener(*handlers)


def call(op, url, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with op.open(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8", "replace")


def dash_post(op, base: str, outputs: list[tuple[str, str]], inputs: list[tuple[str, str, object]],
              state: list[tuple[str, str, object]] = (), headers: dict | None = None):
    """One callback request, as the Dash front end sends it."""
    if len(outputs) == 1:
        output = f"{outputs[0][0]}.{outputs[0][1]}"
        outs = {"id": outputs[0][0], "property": outputs[0][1]}
    else:
        output = ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
        outs = [{"id": i, "property": p} for i, p in outputs]
    body = {"output": output, "outputs": outs,
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"]}
    return call(op, base + "/_dash-update-component", json.dumps(body).encode(),
                {"Content-Type": "application/json", **(headers or {})})


@pytest.fixture
def demo_store(tmp_path) -> Path:
    path = tmp_path / "demo.lbug"
    env = {**os.environ, "OWNERSCOPE_HOME": str(tmp_path / "home")}
    res = subprocess.run([sys.executable, "-m", "ownerscope.cli", "demo", "--no-serve", "--store", str(path)],
                         env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return path


def app_env(tmp_path, **extra) -> dict:
    env = {**os.environ, "OWNERSCOPE_HOME": str(tmp_path / "home")}
    for k in list(env):
        if k.startswith(("OWNERSCOPE_AUTH", "OWNERSCOPE_CONSOLE", "OWNERSCOPE_SCREEN", "OWNERSCOPE_MAX")):
            env.pop(k)
    env.update(extra)
    return env


# ------------------------------------------------------------------------------------------ bind address
def test_loopback_detection():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.8.9.1", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "example.org", ""))


def test_non_loopback_needs_a_login_or_insecure(monkeypatch):
    for k in ("OWNERSCOPE_AUTH_USER", "OWNERSCOPE_AUTH_PASSWORD", "OWNERSCOPE_AUTH_TOKEN"):
        monkeypatch.delenv(k, raising=False)
    with pytest.raises(ConfigError, match="without a login"):
        check_bind("0.0.0.0", load_settings(), insecure=False)
    check_bind("0.0.0.0", load_settings(), insecure=True)
    check_bind("127.0.0.1", load_settings(), insecure=False)
    monkeypatch.setenv("OWNERSCOPE_AUTH_TOKEN", TOKEN)
    check_bind("0.0.0.0", load_settings(), insecure=False)
    monkeypatch.setenv("OWNERSCOPE_AUTH_USER", USER)  # a user without a password is a mistake, said plainly
    with pytest.raises(ConfigError, match="both"):
        check_bind("127.0.0.1", load_settings(), insecure=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_serve_refuses_every_interface_without_a_login(demo_store, tmp_path, host):
    res = subprocess.run([sys.executable, "-m", "ownerscope.cli", "serve", "--store", str(demo_store),
                          "--host", host, "--port", "1"], env=app_env(tmp_path), capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert res.stderr.strip().splitlines() == [
        f"error: refusing to serve on {host} without a login: set OWNERSCOPE_AUTH_USER and "
        "OWNERSCOPE_AUTH_PASSWORD (or OWNERSCOPE_AUTH_TOKEN), or pass --insecure if something else "
        "guards the app"]


# ------------------------------------------------------------------------------------------ login
def test_login_guards_every_route(demo_store, tmp_path):
    env = app_env(tmp_path, OWNERSCOPE_AUTH_USER=USER, OWNERSCOPE_AUTH_PASSWORD=PASSWORD,
                  OWNERSCOPE_AUTH_TOKEN=TOKEN)
    with running_app(["serve", "--store", str(demo_store)], env) as base:
        anon = opener()
        status, headers, _ = call(anon, base + "/")
        assert status == 303 and headers["Location"].startswith("/login")
        for path in ("/exposure", "/screen", "/assets/style.css", "/_dash-layout", "/_dash-dependencies",
                     "/_reload-hash", "/_favicon.ico"):
            status, _, body = call(anon, base + path)
            assert status in (303, 401), (path, status)
            assert "Rostec" not in body and "VSMPO" not in body
        # a callback (the search box) without a login: refused, nothing searched
        status, _, body = dash_post(anon, base, [("search-hits", "children")], [("search-input", "value", "Rostec")])
        assert status == 401 and "Rostec" not in body
        # wrong credentials: refused
        form = f"username={USER}&password=wrong&next=/".encode()
        status, _, body = call(anon, base + "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 401 and "Wrong username and password" in body
        # right credentials: a session cookie that opens everything
        jar = http.cookiejar.CookieJar()
        op = opener(jar)
        form = f"username={USER}&password={PASSWORD.replace(' ', '+')}&next=//evil.example/".encode()
        status, headers, _ = call(op, base + "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 303 and headers["Location"] in ("/", base + "/")  # never off-site
        cookie = next(c for c in jar)
        assert cookie.has_nonstandard_attr("HttpOnly") or "httponly" in str(cookie._rest).lower()
        status, _, body = call(op, base + "/_dash-layout")
        assert status == 200
        status, _, body = dash_post(op, base, [("search-hits", "children")], [("search-input", "value", "Rostec")])
        assert status == 200 and "Rostec" in body
        # a script with the token
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        status, _, body = dash_post(anon, base, [("search-hits", "children")], [("search-input", "value", "VSMPO")],
                                    headers=bearer)
        assert status == 200 and "VSMPO" in body
        status, _, _ = call(anon, base + "/_dash-layout", headers={"Authorization": "Bearer wrong-token"})
        assert status == 401
        # logging out ends the session
        call(op, base + "/logout")
        status, _, _ = call(op, base + "/_dash-layout")
        assert status == 401


# ------------------------------------------------------------------------------------------ Cypher page
QUERY_OUT = [("query-output", "children")]


def query_inputs(text: str):
    return [("query-run", "n_clicks", 1)], [("query-text", "value", text)]


def test_cypher_page_is_off_unless_turned_on(demo_store, tmp_path):
    probe = "COMMIT; CREATE (:Entity {id: 'intruder', name: 'intruder'})"
    with running_app(["serve", "--store", str(demo_store)], app_env(tmp_path)) as base:
        op = opener()
        _, _, layout = call(op, base + "/_dash-dependencies")
        assert "query-output" not in layout  # no console callback exists at all
        inputs, state = query_inputs("MATCH (e:Entity) RETURN e.name")
        status, _, body = dash_post(op, base, QUERY_OUT, inputs, state)
        assert status != 200 and "Rostec" not in body
        status, _, body = dash_post(op, base, QUERY_OUT, *query_inputs(probe))
        assert status != 200
    with running_app(["serve", "--console", "--store", str(demo_store)], app_env(tmp_path)) as base:
        op = opener()
        status, _, body = dash_post(op, base, QUERY_OUT, *query_inputs(probe))
        assert status == 200 and "exactly one statement" in body
        status, _, body = dash_post(op, base, QUERY_OUT, *query_inputs(
            "LOAD FROM '/etc/passwd' (file_format='csv', delim=':') RETURN *"))
        assert status == 200 and "root:" not in body and "read-only" in body
        status, _, body = dash_post(op, base, QUERY_OUT, *query_inputs(
            "MATCH (e:Entity {id: 'intruder'}) RETURN count(*) AS n"))
        assert status == 200 and '"n"' in body
        assert '{"props":{"children":0},"type":"Td"' in body.replace(" ", ""), body
    from ownerscope.graph.store import open_store

    st = open_store(str(demo_store), read_only=True)
    try:
        assert st.existing_ids(["intruder"]) == set()
    finally:
        st.close()


# ------------------------------------------------------------------------------------------ limits
SCREEN_OUT = [("screen-output", "children"), ("screen-data", "data")]


def screen_post(op, base, text: str):
    return dash_post(op, base, SCREEN_OUT, [("screen-run", "n_clicks", 1)],
                     [("screen-text", "value", text), ("screen-as-of", "value", "2025-06-01")])


def test_screening_limits_and_noise(demo_store, tmp_path):
    env = app_env(tmp_path, OWNERSCOPE_SCREEN_MAX_NAMES="5", OWNERSCOPE_MAX_UPLOAD_MB="0.05")
    with running_app(["serve", "--store", str(demo_store)], env) as base:
        op = opener()
        names = ["State Corporation Rostec", "R", "\x00\x01\x02zz", "%%%%%%ab", "VSMPO-AVISMA", "Acme Widgets Ltd",
                 "Gazprombank", "Sberbank"]
        status, _, body = screen_post(op, base, "\n".join(names))
        assert status == 200, body
        data = json.loads(body)["response"]["screen-data"]["data"]
        assert [r["input"] for r in data] == [n.strip() for n in names[:5]]  # the first five, in order
        assert "3 names were left out" in body and "at most 5" in body
        by_input = {r["input"]: r for r in data}
        assert by_input["R"]["match"] == "not screened" and "too short" in by_input["R"]["also"]
        assert by_input["\x00\x01\x02zz"]["match"] == "not screened"
        assert by_input["%%%%%%ab"]["match"] == "not screened"
        assert by_input["State Corporation Rostec"]["match"] == "match"
        assert by_input["State Corporation Rostec"]["ofac"] == "listed"
        # a paste larger than the limit is refused whole, and says so
        status, _, body = screen_post(op, base, "Rostec\n" * 9000)
        assert status == 200 and "larger than 0.05 MB" in body and "nothing was screened" in body
        # an upload over the limit is not echoed back
        big = base64.b64encode(b"name\n" + b"Rostec\n" * 9000).decode()
        status, _, body = dash_post(op, base, [("screen-text", "value"), ("screen-upload-message", "children")],
                                    [("screen-upload", "contents", "data:text/csv;base64," + big)],
                                    [("screen-upload", "filename", "big.csv")])
        assert status == 200 and "the limit is 0.05 MB" in body and "Rostec\\nRostec" not in body
        # a request body far over the limit is cut off by the server before any parsing
        status, _, _ = screen_post(op, base, "x" * (2 * 1024 * 1024))
        assert status == 413


def test_one_letter_is_no_match(store):
    from ownerscope.graph.model import Entity, Source

    src = [Source("t", "1", "https://example.org")]
    store.upsert_entities([Entity("ofac-17260", "company", "State Corporation Rostec", aliases=["Rostec"], sources=src),
                           Entity("r2", "company", "R-Pharm", sources=src)])
    for q in ("R", "r", "Ro"):
        hits = store.search(q, limit=5)
        assert all(h["score"] < 75 for h in hits if h["id"] == "ofac-17260"), hits
    assert store.search("Rostec", limit=1)[0]["id"] == "ofac-17260"
