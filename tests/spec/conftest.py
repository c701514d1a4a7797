"""Factories that build the exchanges a target server would record, for the CORS model's tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlsplit

import pytest

from e2ekit._probing.exchange import Exchange, Headers

HeaderInput = Mapping[str, "str | Sequence[str]"]


def _pairs(headers: HeaderInput) -> Headers:
    pairs: list[tuple[str, str]] = []
    for name, value in headers.items():
        values = [value] if isinstance(value, str) else list(value)
        pairs.extend((name.lower(), item) for item in values)
    return tuple(pairs)


def _exchange(
    method: str = "GET",
    url: str = "http://127.0.0.1:41234/api",
    *,
    status: int | None = 200,
    headers: HeaderInput | None = None,
    request_headers: HeaderInput | None = None,
    error: str | None = None,
) -> Exchange:
    parts = urlsplit(url)
    return Exchange(
        method=method,
        url=url,
        path=parts.path or "/",
        query=parts.query,
        request_headers=_pairs(request_headers or {"origin": "http://localhost:3000"}),
        status=status,
        response_headers=_pairs(headers or {}),
        error=error,
    )


@pytest.fixture
def make_exchange() -> Callable[..., Exchange]:
    """Build a recorded request and its response: ``make_exchange("GET", url, status=200, headers={...})``."""
    return _exchange


@pytest.fixture
def make_preflight() -> Callable[..., Exchange]:
    """Build a recorded preflight: ``make_preflight(url, method="PUT", request_headers="x-token", headers={...})``."""

    def build(
        url: str = "http://127.0.0.1:41234/api",
        *,
        method: str = "PUT",
        request_headers: str | None = None,
        status: int | None = 200,
        headers: HeaderInput | None = None,
        error: str | None = None,
    ) -> Exchange:
        sent = {"origin": "http://localhost:3000", "access-control-request-method": method}
        if request_headers is not None:
            sent["access-control-request-headers"] = request_headers
        return _exchange("OPTIONS", url, status=status, headers=headers, request_headers=sent, error=error)

    return build
