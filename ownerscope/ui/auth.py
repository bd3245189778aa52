"""Optional login for the web app: a username and password, or a token, guard every page, callback,
asset and download. Off unless configured (OWNERSCOPE_AUTH_USER + OWNERSCOPE_AUTH_PASSWORD, and/or
OWNERSCOPE_AUTH_TOKEN); the app refuses to listen beyond loopback without it (see `check_bind`).

A browser logs in through /login and gets a signed session cookie (HttpOnly, SameSite=Strict); a script
sends `Authorization: Bearer TOKEN`. Credentials are compared in constant time; a failed login waits a
moment, so guessing is slow.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import time
from html import escape
from urllib.parse import quote, urlsplit

from flask import Flask, Response, redirect, request, session

from ..errors import ConfigError
from ..settings import Settings

OPEN_PATHS = ("/login", "/_login-style.css")
FAIL_DELAY_S = 0.5

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ownerscope: log in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; background: #f4f5f7; display: flex; justify-content: center;
       align-items: center; min-height: 100vh; margin: 0; }}
form {{ background: #fff; padding: 2rem 2.2rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.15);
       width: 20rem; }}
h1 {{ font-size: 1.3rem; margin: 0 0 1rem; }} label {{ display: block; margin: .7rem 0 .2rem; font-size: .9rem; }}
input {{ width: 100%; box-sizing: border-box; padding: .45rem; font-size: 1rem; }}
button {{ margin-top: 1.2rem; width: 100%; padding: .55rem; font-size: 1rem; background: #1f4e79; color: #fff;
         border: 0; border-radius: 4px; cursor: pointer; }}
.error {{ color: #b00020; margin-top: .8rem; font-size: .9rem; }}
</style></head><body>
<form method="post" action="/login">
<h1>ownerscope</h1>
{fields}
<input type="hidden" name="next" value="{next}">
<button type="submit" id="login-submit">Log in</button>
{error}
</form></body></html>"""


def is_loopback(host: str) -> bool:
    host = (host or "").strip().strip("[]")
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, settings: Settings, insecure: bool) -> None:
    """Refuse to listen beyond loopback without a login, unless the user says --insecure."""
    if bool(settings.auth_user) != bool(settings.auth_password):
        raise ConfigError("set both OWNERSCOPE_AUTH_USER and OWNERSCOPE_AUTH_PASSWORD (or neither)")
    if not is_loopback(host) and not settings.login_required and not insecure:
        raise ConfigError(f"refusing to serve on {host} without a login: set OWNERSCOPE_AUTH_USER and "
                          f"OWNERSCOPE_AUTH_PASSWORD (or OWNERSCOPE_AUTH_TOKEN), or pass --insecure if "
                          f"something else guards the app")


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _safe_next(target: str | None) -> str:
    """Only a local path (no scheme, no host, no //evil.example) may be the page after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def install(server: Flask, settings: Settings) -> None:
    """Guard every route of the Flask server behind the login (when one is configured)."""
    if not settings.login_required:
        return
    server.secret_key = settings.secret_key or secrets.token_hex(32)
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict")

    def login_page(error: str = "", status: int = 200, nxt: str = "/") -> Response:
        fields = []
        if settings.auth_user:
            fields.append('<label for="username">Username</label>'
                          '<input id="username" name="username" autocomplete="username" autofocus>'
                          '<label for="password">Password</label>'
                          '<input id="password" name="password" type="password" autocomplete="current-password">')
        if settings.auth_token:
            fields.append('<label for="token">Access token</label>'
                          '<input id="token" name="token" type="password" autocomplete="off">')
        body = _PAGE.format(fields="".join(fields), next=escape(_safe_next(nxt)),
                            error=f'<p class="error" id="login-error">{escape(error)}</p>' if error else "")
        return Response(body, status=status, mimetype="text/html",
                        headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})

    def credentials_ok(form) -> bool:
        user_ok = bool(settings.auth_user) and _same(form.get("username", ""), settings.auth_user) \
            and _same(form.get("password", ""), settings.auth_password)
        token_ok = bool(settings.auth_token) and _same(form.get("token", ""), settings.auth_token)
        return user_ok or token_ok

    @server.route("/login", methods=["GET", "POST"])
    def login():
        if request.method == "GET":
            return login_page(nxt=request.args.get("next", "/"))
        if credentials_ok(request.form):
            session.clear()
            session["user"] = request.form.get("username") or "token"
            return redirect(_safe_next(request.form.get("next")), code=303)
        time.sleep(FAIL_DELAY_S)
        what = " or ".join(w for w, on in (("username and password", settings.auth_user),
                                             ("token", settings.auth_token)) if on)
        return login_page(f"Wrong {what}.", 401, request.form.get("next", "/"))

    @server.route("/logout")
    def logout():
        session.clear()
        return redirect("/login", code=303)

    @server.before_request
    def guard():
        if request.path in OPEN_PATHS:
            return None
        if session.get("user"):
            return None
        header = request.headers.get("Authorization", "")
        if settings.auth_token and header.startswith("Bearer ") and _same(header[7:].strip(), settings.auth_token):
            return None
        if request.method == "GET" and not request.path.startswith("/_"):
            return redirect("/login?next=" + quote(_safe_next(request.full_path.rstrip("?")), safe=""),
                            code=303)
        return Response('{"error": "login required"}', status=401, mimetype="application/json")
