"""How an endpoint the kit connects to (a Playwright server, a WebDriver endpoint) is shown in results and messages."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["display_endpoint"]


def display_endpoint(url: str) -> str:
    """``url`` as results and messages show it: without its query, where a browser farm's URL may carry an access
    token (``?token=...``), and without the credentials a WebDriver farm's URL may carry (``https://user:key@...``)."""
    parts = urlsplit(url)
    netloc = f"…@{parts.netloc.rpartition('@')[2]}" if "@" in parts.netloc else parts.netloc
    return parts._replace(netloc=netloc, query="…" if parts.query else "", fragment="").geturl()
