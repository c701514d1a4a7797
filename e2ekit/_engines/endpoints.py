"""How an endpoint the kit connects to (a Playwright server, a WebDriver endpoint) is named and shown in results and
messages."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["REMOTE_WEBDRIVER_BACKEND", "WEBDRIVER_SCHEMES", "display_endpoint"]

REMOTE_WEBDRIVER_BACKEND = "webdriver-remote"
"""The backend named in the results of a browser that a WebDriver endpoint runs."""
WEBDRIVER_SCHEMES = ("http", "https")
"""The schemes of a WebDriver endpoint's URL (a Playwright server's are ws and wss)."""


def display_endpoint(url: str) -> str:
    """``url`` as results and messages show it: without its query, where a browser farm's URL may carry an access
    token (``?token=...``), and without the credentials a WebDriver farm's URL may carry (``https://user:key@...``)."""
    parts = urlsplit(url)
    netloc = f"…@{parts.netloc.rpartition('@')[2]}" if "@" in parts.netloc else parts.netloc
    return parts._replace(netloc=netloc, query="…" if parts.query else "", fragment="").geturl()
