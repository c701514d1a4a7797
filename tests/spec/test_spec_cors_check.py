"""The CORS check: Access-Control-Allow-Origin against the request's origin, credentials, and the fixes it suggests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from e2ekit._probing.exchange import Exchange
from e2ekit._probing.probe import Probe
from e2ekit._standard import Check, cors_check, origin_fix, predict

PAGE = "http://localhost:3000"
API = "http://127.0.0.1:41234/api"
ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"


@pytest.mark.parametrize("credentials", ["omit", "same-origin"])
def test_a_wildcard_origin_passes_when_the_request_sends_no_credentials(
    credentials: str, make_exchange: Callable[..., Exchange]
) -> None:
    prediction = predict(Probe(credentials=credentials), PAGE, API, [make_exchange(headers={ACAO: "*"})])

    assert (prediction.allowed, prediction.check, prediction.response_type) == (True, None, "cors")


def test_wildcard_origin_with_credentials_fails_the_cors_check(make_exchange: Callable[..., Exchange]) -> None:
    response = make_exchange(headers={ACAO: "*", ACAC: "true"})

    failure = cors_check(response, origin=PAGE, credentials="include", page_origin=PAGE)

    assert failure is not None and failure.check is Check.WILDCARD_WITH_CREDENTIALS
    assert failure.fix == (
        "list the page origin ('http://localhost:3000') instead of '*' in allow_origins when credentials are included"
    )


def test_credentials_pass_with_the_exact_origin_and_allow_credentials_true(
    make_exchange: Callable[..., Exchange],
) -> None:
    response = make_exchange(headers={ACAO: PAGE, ACAC: "true"})

    assert cors_check(response, origin=PAGE, credentials="include", page_origin=PAGE) is None


@pytest.mark.parametrize(
    ("allow_credentials", "fix"),
    [
        pytest.param(None, "set allow_credentials=True", id="missing"),
        pytest.param("false", "set allow_credentials=True", id="false"),
        pytest.param("TRUE", "send Access-Control-Allow-Credentials as exactly 'true', not 'TRUE'", id="upper-case"),
    ],
)
def test_credentials_need_allow_credentials_exactly_true(
    allow_credentials: str | None, fix: str, make_exchange: Callable[..., Exchange]
) -> None:
    headers = {ACAO: PAGE} if allow_credentials is None else {ACAO: PAGE, ACAC: allow_credentials}

    failure = cors_check(make_exchange(headers=headers), origin=PAGE, credentials="include", page_origin=PAGE)

    assert failure is not None and failure.check is Check.CREDENTIALS_NOT_TRUE
    assert failure.fix == fix


def test_allow_credentials_is_ignored_without_credentials(make_exchange: Callable[..., Exchange]) -> None:
    response = make_exchange(headers={ACAO: PAGE, ACAC: "false"})

    assert cors_check(response, origin=PAGE, credentials="same-origin", page_origin=PAGE) is None


@pytest.mark.parametrize(
    ("value", "check"),
    [
        pytest.param("http://localhost:3000 http://x", Check.MULTIPLE_ALLOW_ORIGIN, id="space-separated"),
        pytest.param("http://a, http://b", Check.MULTIPLE_ALLOW_ORIGIN, id="comma-separated"),
        pytest.param("localhost:3000", Check.ORIGIN_MISMATCH, id="no-scheme-but-url-like"),
        pytest.param("*.localhost", Check.INVALID_ALLOW_ORIGIN, id="pattern"),
        pytest.param("https://localhost:3000", Check.ORIGIN_MISMATCH, id="other-scheme"),
    ],
)
def test_a_wrong_allow_origin_value_is_classified_like_chromium_does(
    value: str, check: Check, make_exchange: Callable[..., Exchange]
) -> None:
    failure = cors_check(make_exchange(headers={ACAO: value}), origin=PAGE, credentials="omit", page_origin=PAGE)

    assert failure is not None and failure.check is check


@pytest.mark.parametrize(
    ("value", "fix"),
    [
        pytest.param(
            "http://localhost:3000/",
            "list the origin without the trailing slash: 'http://localhost:3000', not 'http://localhost:3000/'",
            id="trailing-slash",
        ),
        pytest.param(
            "http://localhost:3000/app/",
            "list the origin without the path: 'http://localhost:3000', not 'http://localhost:3000/app/'",
            id="path",
        ),
        pytest.param(
            "localhost:3000",
            "list the origin with its scheme: 'http://localhost:3000', not 'localhost:3000'",
            id="missing-scheme",
        ),
        pytest.param(
            "https://localhost:3000",
            "list the origin with the page's scheme: 'http://localhost:3000', not 'https://localhost:3000'",
            id="other-scheme",
        ),
        pytest.param(
            "HTTP://LOCALHOST:3000",
            "list the origin in lower case as browsers send it: 'http://localhost:3000', not 'HTTP://LOCALHOST:3000'",
            id="upper-case",
        ),
        pytest.param(
            "http://127.0.0.1:3000",
            "add 'http://localhost:3000' to allow_origins (the response named "
            "'http://127.0.0.1:3000', a different origin)",
            id="other-host",
        ),
    ],
)
def test_the_fix_for_a_mismatched_origin_names_the_slip(value: str, fix: str) -> None:
    assert origin_fix(value, PAGE, PAGE) == fix


def test_an_explicit_default_port_is_a_serialisation_slip() -> None:
    assert origin_fix("http://example.com:80", "http://example.com", "http://example.com") == (
        "list the origin exactly as browsers serialise it: 'http://example.com', not 'http://example.com:80'"
    )


def test_a_page_with_an_opaque_origin_needs_allow_origin_null_or_a_real_origin(
    make_exchange: Callable[..., Exchange],
) -> None:
    prediction = predict(Probe(), "null", API, [make_exchange(headers={ACAO: PAGE})])

    assert prediction.check is Check.ORIGIN_MISMATCH
    assert prediction.detail.endswith("not the request's origin 'null'")
    assert prediction.fix is not None and prediction.fix.startswith("serve the page from an http(s) origin")
    assert predict(Probe(), "null", API, [make_exchange(headers={ACAO: "null"})]).allowed


def test_a_500_with_the_right_headers_is_readable(make_exchange: Callable[..., Exchange]) -> None:
    response = make_exchange(status=500, headers={ACAO: PAGE, "content-type": "text/plain"}, error="ValueError: boom")

    prediction = predict(Probe(), PAGE, API, [response])

    assert (prediction.allowed, prediction.status, prediction.readable_headers) == (True, 500, ("content-type",))


def test_a_500_without_allow_origin_blames_the_exception_outside_cors_middleware(
    make_exchange: Callable[..., Exchange],
) -> None:
    prediction = predict(Probe(), PAGE, API, [make_exchange(status=500, error="ValueError: boom")])

    assert prediction.check is Check.MISSING_ALLOW_ORIGIN
    assert prediction.detail == "the response to GET /api (status 500) had no Access-Control-Allow-Origin header"
    assert prediction.fix == (
        "the 500 came from an exception raised outside CORSMiddleware (ValueError: boom): handle it or put "
        "CORSMiddleware outermost"
    )


def test_an_app_that_never_responded_gets_the_servers_500_without_cors_headers(
    make_exchange: Callable[..., Exchange],
) -> None:
    prediction = predict(Probe(), PAGE, API, [make_exchange(status=None)])

    assert prediction.check is Check.MISSING_ALLOW_ORIGIN
    assert prediction.detail == "the response to GET /api (status 500) had no Access-Control-Allow-Origin header"
    assert prediction.fix == (
        "the app finished without responding and the server's own 500 carries no CORS headers: make the endpoint "
        "return a response"
    )
