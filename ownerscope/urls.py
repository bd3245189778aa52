"""Source URLs: only http and https are accepted at ingest and only those are ever rendered as links.

A `javascript:`, `data:`, `file:` or `vbscript:` URL in an `href` runs or opens something when clicked; an
`ftp:` or scheme-less value is not a web page an analyst can check. The same test guards both ends: the
adapters quarantine a record whose source URL fails it, and the renderings (HTML report, explorer) link
only URLs that pass it, so a URL written into the store some other way is shown as text, never a link.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
MAX_URL = 4096
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# the everyday case, accepted without urlsplit: scheme, a plain host (no user, no [IPv6]), then anything
# printable; whatever this does not match goes through the full checks below
_PLAIN = re.compile(r"https?://[^\x00-\x20\x7f/?#@\[\]:][^\x00-\x20\x7f/?#@\[\]]*(?:[/?#][^\x00-\x1f\x7f]*)?",
                    re.IGNORECASE)


def url_problem(url: object) -> str | None:
    """Why `url` is not an acceptable source URL, or None when it is fine (or empty: no URL given)."""
    if url is None or url == "":
        return None
    if isinstance(url, str) and len(url) <= MAX_URL and _PLAIN.fullmatch(url) and url[-1] != " ":
        return None
    if not isinstance(url, str):
        return f"source URL must be text, got {type(url).__name__}"
    shown = url if len(url) <= 80 else url[:77] + "..."
    if len(url) > MAX_URL:
        return f"source URL is longer than {MAX_URL} characters"
    if _CONTROL.search(url):
        return f"source URL contains control characters: {shown!r}"
    if url != url.strip():
        return f"source URL has leading or trailing spaces: {shown!r}"
    try:
        parts = urlsplit(url)
    except ValueError as e:
        return f"source URL is malformed ({e}): {shown!r}"
    if parts.scheme.lower() not in WEB_SCHEMES:
        what = f"scheme {parts.scheme + ':'!r}" if parts.scheme else "no scheme"
        return f"source URL must be an http or https URL ({what}): {shown!r}"
    if not parts.hostname:
        return f"source URL has no host: {shown!r}"
    return None


def web_url(url: object) -> str | None:
    """`url` if it may be rendered as a link (http or https, well formed), else None."""
    if not url or not isinstance(url, str):
        return None
    return url if url_problem(url) is None else None


__all__ = ["WEB_SCHEMES", "url_problem", "web_url"]
