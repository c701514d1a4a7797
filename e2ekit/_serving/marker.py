"""The probe marker: a query parameter (``__e2ekit=<n>``) on every probe URL.

It makes every probe URL unique, so no engine's preflight cache or HTTP cache can carry one probe's outcome into
another, and it attributes every request and every console message to the probe that caused it.
"""

from __future__ import annotations

import re

__all__ = ["MARKER", "add_marker", "marker_in_query", "markers_in", "strip_markers", "without_marker"]

MARKER = "__e2ekit"
_IN_QUERY = re.compile(rf"(^|&){MARKER}=(\d+)(?=&|$)")
_IN_URL = re.compile(rf"[?&]{MARKER}=(\d+)")


def add_marker(url: str, marker: int) -> str:
    """Append the probe marker to ``url``'s query (before any fragment)."""
    base, hash_, fragment = url.partition("#")
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}{MARKER}={marker}{hash_}{fragment}"


def marker_in_query(query: str) -> int | None:
    """The marker a query string carries, if any."""
    match = _IN_QUERY.search(query)
    return int(match.group(2)) if match else None


def without_marker(query: str) -> str:
    """The query string as the app under test must see it."""
    return _IN_QUERY.sub("", query).lstrip("&")


def markers_in(*texts: str) -> set[int]:
    """The markers named by URLs in ``texts``: how a console message is attributed to its probe."""
    return {int(match) for text in texts for match in _IN_URL.findall(text)}


def strip_markers(text: str) -> str:
    """Remove probe markers from URLs in ``text`` (console messages, error texts)."""
    text = re.sub(rf"&{MARKER}=\d+", "", text)
    text = re.sub(rf"\?{MARKER}=\d+&", "?", text)
    return re.sub(rf"\?{MARKER}=\d+", "", text)
