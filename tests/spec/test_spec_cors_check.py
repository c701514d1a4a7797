"""The CORS check: Access-Control-Allow-Origin against the request's origin, credentials, and the facts of a failure."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from e2ekit._probing.exchange import Exchange
from e2ekit._probing.probe import Probe
from e2ekit._standard import Check, OriginSlip, cors_check, origin_slip, predict

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
    facts = failure.facts
    assert (facts.value, facts.origin, facts.credentials, facts.allow_credentials) == ("*", PAGE, "include", "true")


def test_credentials_pass_with_the_exact_origin_and_allow_credentials_true(
    make_exchange: Callable[..., Exchange],
) -> None:
    response = make_exchange(headers={ACAO: PAGE, ACAC: "true"})

    assert cors_check(response, origin=PAGE, credentials="include", page_origin=PAGE) is None


@pytest.mark.parametrize(
    "allow_credentials",
    [
        pytest.param(None, id="missing"),
        pytest.param("false", id="false"),
        pytest.param("TRUE", id="upper-case"),
    ],
)
def test_credentials_need_allow_credentials_exactly_true(
    allow_credentials: str | None, make_exchange: Callable[..., Exchange]
) -> None:
    headers = {ACAO: PAGE} if allow_credentials is None else {ACAO: PAGE, ACAC: allow_credentials}

    failure = cors_check(make_exchange(headers=headers), origin=PAGE, credentials="include", page_origin=PAGE)

    assert failure is not None and failure.check is Check.CREDENTIALS_NOT_TRUE
    assert failure.facts.value == allow_credentials


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
    ("value", "slip"),
    [
        pytest.param("http://localhost:3000/", OriginSlip.TRAILING_SLASH, id="trailing-slash"),
        pytest.param("http://localhost:3000/app/", OriginSlip.PATH, id="path"),
        pytest.param("localhost:3000", OriginSlip.NO_SCHEME, id="missing-scheme"),
        pytest.param("https://localhost:3000", OriginSlip.OTHER_SCHEME, id="other-scheme"),
        pytest.param("HTTP://LOCALHOST:3000", OriginSlip.CASE, id="upper-case"),
        pytest.param("http://127.0.0.1:3000", OriginSlip.OTHER_ORIGIN, id="other-host"),
        pytest.param(PAGE, None, id="equal"),
    ],
)
def test_a_mismatched_origin_is_classified_by_its_slip(value: str, slip: OriginSlip | None) -> None:
    assert origin_slip(value, PAGE) == slip


def test_the_slip_is_a_fact_of_the_failure(make_exchange: Callable[..., Exchange]) -> None:
    failure = cors_check(make_exchange(headers={ACAO: f"{PAGE}/"}), origin=PAGE, credentials="omit", page_origin=PAGE)

    assert failure is not None
    assert (failure.check, failure.facts.value, failure.facts.slip) == (
        Check.ORIGIN_MISMATCH,
        f"{PAGE}/",
        OriginSlip.TRAILING_SLASH,
    )


def test_an_explicit_default_port_is_a_serialisation_slip() -> None:
    assert origin_slip("http://example.com:80", "http://example.com") is OriginSlip.SERIALISATION


def test_a_page_with_an_opaque_origin_needs_allow_origin_null_or_a_real_origin(
    make_exchange: Callable[..., Exchange],
) -> None:
    prediction = predict(Probe(), "null", API, [make_exchange(headers={ACAO: PAGE})])

    assert prediction.check is Check.ORIGIN_MISMATCH
    assert prediction.detail.endswith("not the request's origin 'null'")
    assert prediction.facts is not None
    assert (prediction.facts.origin, prediction.facts.page_origin) == ("null", "null")
    assert predict(Probe(), "null", API, [make_exchange(headers={ACAO: "null"})]).allowed


def test_a_500_with_the_right_headers_is_readable(make_exchange: Callable[..., Exchange]) -> None:
    response = make_exchange(status=500, headers={ACAO: PAGE, "content-type": "text/plain"}, error="ValueError: boom")

    prediction = predict(Probe(), PAGE, API, [response])

    assert (prediction.allowed, prediction.status, prediction.readable_headers) == (True, 500, ("content-type",))


def test_a_500_without_allow_origin_records_the_exception_the_app_raised(
    make_exchange: Callable[..., Exchange],
) -> None:
    prediction = predict(Probe(), PAGE, API, [make_exchange(status=500, error="ValueError: boom")])

    assert prediction.check is Check.MISSING_ALLOW_ORIGIN
    assert prediction.detail == "the response to GET /api (status 500) had no Access-Control-Allow-Origin header"
    assert prediction.facts is not None
    assert (prediction.facts.error, prediction.facts.status) == ("ValueError: boom", 500)


def test_a_request_the_app_never_answered_is_no_response_not_a_cors_check(
    make_exchange: Callable[..., Exchange],
) -> None:
    prediction = predict(Probe(), PAGE, API, [make_exchange(status=None)], aborted_after=2.5)

    assert prediction.check is Check.NO_RESPONSE
    assert prediction.detail == (
        "GET /api reached the app, which did not answer within the fetch timeout (2.5 s): no response had started "
        "when e2ekit aborted the fetch"
    )
    assert prediction.facts is not None
    assert (prediction.facts.method, prediction.facts.url, prediction.facts.error) == ("GET", API, None)
