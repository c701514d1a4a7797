"""The fallback for an app e2ekit cannot read (a server reached by URL, hand-written headers): the exact headers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from e2ekit._frameworks import RESPONSE_HEADERS, detect
from e2ekit._probing.exchange import Exchange
from e2ekit._probing.probe import Probe
from e2ekit._standard import predict

PAGE = "http://localhost:3000"
API = "http://127.0.0.1:41234/api"
ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"


async def hand_written(scope: object, receive: object, send: object) -> None:
    """An ASGI app that sets its CORS headers by hand."""


@pytest.mark.parametrize(
    ("probe", "headers", "fix"),
    [
        pytest.param(
            Probe(credentials="include"),
            {ACAO: "*", ACAC: "true"},
            f"send 'Access-Control-Allow-Origin: {PAGE}' instead of '*' when credentials are included",
            id="wildcard-with-credentials",
        ),
        pytest.param(
            Probe(credentials="include"),
            {ACAO: "*"},
            f"send 'Access-Control-Allow-Origin: {PAGE}' instead of '*' and send "
            "'Access-Control-Allow-Credentials: true' when credentials are included",
            id="wildcard-without-allow-credentials",
        ),
        pytest.param(Probe(), {}, f"send 'Access-Control-Allow-Origin: {PAGE}'", id="missing"),
        pytest.param(
            Probe(credentials="include"),
            {ACAO: PAGE},
            "send 'Access-Control-Allow-Credentials: true'",
            id="credentials",
        ),
    ],
)
def test_an_app_of_no_known_framework_is_told_the_exact_headers_to_send(
    probe: Probe, headers: dict[str, str], fix: str, make_exchange: Callable[..., Exchange]
) -> None:
    setup = detect(hand_written)
    prediction = predict(probe, PAGE, API, [make_exchange(headers=headers)])

    assert setup.framework is RESPONSE_HEADERS
    assert prediction.failure is not None
    assert setup.advice(prediction.failure) == fix
    assert not any(setup.apply(change) for change in setup.changes(prediction.failure))


def test_a_refused_preflight_header_is_named_with_the_header_that_lists_it(
    make_preflight: Callable[..., Exchange],
) -> None:
    preflight = make_preflight(method="GET", request_headers="x-token", headers={ACAO: PAGE})
    prediction = predict(Probe(headers={"X-Token": "1"}), PAGE, API, [preflight])

    assert prediction.failure is not None
    assert detect(hand_written).advice(prediction.failure) == (
        "list 'X-Token' in Access-Control-Allow-Headers on the preflight response"
    )
