"""Recorded exchanges from a framework's own test client, for advice tests of apps e2ekit cannot serve yet."""

from __future__ import annotations

from collections.abc import Iterable

from e2ekit._probing.exchange import BODY_EXCERPT, Exchange

API = "http://127.0.0.1:41234"


def exchange(
    method: str,
    path: str,
    request_headers: dict[str, str],
    status: int,
    response_headers: Iterable[tuple[str, str]],
    body: str,
) -> Exchange:
    """What the wire recorder would have recorded for this request and response."""
    return Exchange(
        method=method,
        url=f"{API}{path}",
        path=path,
        query="",
        request_headers=tuple((name.lower(), value) for name, value in request_headers.items()),
        status=status,
        response_headers=tuple((name.lower(), value) for name, value in response_headers),
        response_body=body[:BODY_EXCERPT],
    )


def preflight_headers(origin: str, method: str, headers: Iterable[str] = ()) -> dict[str, str]:
    """The headers a browser's preflight for ``method`` with ``headers`` carries."""
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    names = ",".join(name.lower() for name in headers)
    if names:
        sent["Access-Control-Request-Headers"] = names
    return sent
