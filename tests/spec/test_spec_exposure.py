"""Which response headers JavaScript can read from basic, CORS and opaque responses."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from e2ekit._probing.exchange import Exchange
from e2ekit._probing.probe import Probe
from e2ekit._standard import predict, readable_headers

PAGE = "http://localhost:3000"
API = "http://127.0.0.1:41234/api"
HEADERS = {
    "content-type": "application/json",
    "content-length": "2",
    "cache-control": "no-store",
    "x-request-id": "7",
    "x-trace": "a",
    "set-cookie": "s=1",
}


@pytest.mark.parametrize(
    ("expose", "credentials", "readable"),
    [
        pytest.param(None, "same-origin", ("content-type", "content-length", "cache-control"), id="safelisted-only"),
        pytest.param(
            "X-Request-Id",
            "same-origin",
            ("content-type", "content-length", "cache-control", "x-request-id"),
            id="listed-name",
        ),
        pytest.param(
            "*",
            "omit",
            (
                "content-type",
                "content-length",
                "cache-control",
                "x-request-id",
                "x-trace",
                "access-control-allow-origin",
                "access-control-expose-headers",
            ),
            id="wildcard-without-credentials",
        ),
        pytest.param(
            "*",
            "include",
            ("content-type", "content-length", "cache-control"),
            id="wildcard-is-literal-with-credentials",
        ),
        pytest.param(
            "*, x-trace",
            "include",
            ("content-type", "content-length", "cache-control", "x-trace"),
            id="names-beside-a-literal-wildcard",
        ),
        pytest.param("set-cookie", "omit", ("content-type", "content-length", "cache-control"), id="set-cookie-never"),
        pytest.param(
            "x-request-id; x-trace",
            "omit",
            ("content-type", "content-length", "cache-control"),
            id="unparsable-list-exposes-nothing",
        ),
    ],
)
def test_a_cors_response_exposes_safelisted_headers_and_those_listed_in_expose_headers(
    expose: str | None,
    credentials: str,
    readable: tuple[str, ...],
    make_exchange: Callable[..., Exchange],
) -> None:
    allow = {"access-control-allow-origin": PAGE, "access-control-allow-credentials": "true"}
    if credentials != "include":
        allow = {"access-control-allow-origin": "*"}
    expose_header = {} if expose is None else {"access-control-expose-headers": expose}
    response = make_exchange(headers=HEADERS | allow | expose_header)

    prediction = predict(Probe(credentials=credentials), PAGE, API, [response])

    assert prediction.allowed
    assert prediction.readable_headers == readable


def test_a_same_origin_response_exposes_every_header_but_set_cookie(make_exchange: Callable[..., Exchange]) -> None:
    prediction = predict(Probe(), PAGE, f"{PAGE}/api", [make_exchange(url=f"{PAGE}/api", headers=HEADERS)])

    assert (prediction.response_type, prediction.status) == ("basic", 200)
    assert prediction.readable_headers == ("content-type", "content-length", "cache-control", "x-request-id", "x-trace")


def test_an_opaque_response_exposes_nothing(make_exchange: Callable[..., Exchange]) -> None:
    response = make_exchange(headers=HEADERS)

    assert readable_headers(response, response_type="opaque", credentials="omit") == ()
    with pytest.raises(ValueError, match='response type "error" is unknown: expected one of basic, cors'):
        readable_headers(response, response_type="error", credentials="omit")
