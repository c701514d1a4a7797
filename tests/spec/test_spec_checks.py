"""The check registry, and one example per identifier: every check is produced by a prediction or a parsed message.

The fix for each example, worded for Starlette's CORSMiddleware, is pinned in tests/frameworks/test_starlette_advice.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from e2ekit._probing.exchange import Exchange
from e2ekit._probing.probe import Probe
from e2ekit._standard import CORS_CHECK_FAILURES, Check, Failure, check_named, cors_check_failure, predict
from e2ekit._wordings import parse_console_text

PAGE = "http://localhost:3000"
API = "http://127.0.0.1:41234/api"
ACAO = "access-control-allow-origin"
ALLOWED = {ACAO: PAGE}
Build = Callable[[Callable[..., Exchange], Callable[..., Exchange]], list[Exchange]]


def _redirect_chain(ex: Callable[..., Exchange], hops: int) -> list[Exchange]:
    return [
        ex(url=f"{API}/{hop}", status=302, headers={ACAO: "*", "location": f"{API}/{hop + 1}"}) for hop in range(hops)
    ]


MODEL_FAILURES = [
    pytest.param(
        Probe(),
        API,
        lambda ex, pf: [ex()],
        Check.MISSING_ALLOW_ORIGIN,
        "the response to GET /api (status 200) had no Access-Control-Allow-Origin header",
        id="cors-check.missing-allow-origin",
    ),
    pytest.param(
        Probe(credentials="include"),
        API,
        lambda ex, pf: [ex(headers={ACAO: "*", "access-control-allow-credentials": "true"})],
        Check.WILDCARD_WITH_CREDENTIALS,
        "the response to GET /api sent Access-Control-Allow-Origin '*', which the CORS check refuses when the "
        "request's credentials mode is 'include'",
        id="cors-check.wildcard-with-credentials",
    ),
    pytest.param(
        Probe(),
        API,
        lambda ex, pf: [ex(headers={ACAO: "http://localhost:3000/"})],
        Check.ORIGIN_MISMATCH,
        "the response to GET /api sent Access-Control-Allow-Origin 'http://localhost:3000/', not the request's origin "
        "'http://localhost:3000'",
        id="cors-check.origin-mismatch",
    ),
    pytest.param(
        Probe(),
        API,
        lambda ex, pf: [ex(headers={ACAO: [PAGE, PAGE]})],
        Check.MULTIPLE_ALLOW_ORIGIN,
        "the response to GET /api sent Access-Control-Allow-Origin 'http://localhost:3000, http://localhost:3000', "
        "several values where exactly one origin is allowed",
        id="cors-check.multiple-allow-origin",
    ),
    pytest.param(
        Probe(),
        API,
        lambda ex, pf: [ex(headers={ACAO: "localhost"})],
        Check.INVALID_ALLOW_ORIGIN,
        "the response to GET /api sent Access-Control-Allow-Origin 'localhost', which is not an origin; the request's "
        "origin is 'http://localhost:3000'",
        id="cors-check.invalid-allow-origin",
    ),
    pytest.param(
        Probe(credentials="include"),
        API,
        lambda ex, pf: [ex(headers=ALLOWED)],
        Check.CREDENTIALS_NOT_TRUE,
        "the response to GET /api had Access-Control-Allow-Credentials missing, but the request's credentials mode is "
        "'include', which needs exactly 'true'",
        id="cors-check.credentials-not-true",
    ),
    pytest.param(
        Probe(method="PUT"),
        API,
        lambda ex, pf: [pf(status=400)],
        Check.PREFLIGHT_MISSING_ALLOW_ORIGIN,
        "the preflight response (status 400) had no Access-Control-Allow-Origin header",
        id="preflight.missing-allow-origin",
    ),
    pytest.param(
        Probe(method="PUT", credentials="include"),
        API,
        lambda ex, pf: [pf(headers={ACAO: "*", "access-control-allow-credentials": "true"})],
        Check.PREFLIGHT_WILDCARD_WITH_CREDENTIALS,
        "the preflight response sent Access-Control-Allow-Origin '*', which the CORS check refuses when the request's "
        "credentials mode is 'include'",
        id="preflight.wildcard-with-credentials",
    ),
    pytest.param(
        Probe(method="PUT"),
        API,
        lambda ex, pf: [pf(headers={ACAO: "http://localhost:3000/app"})],
        Check.PREFLIGHT_ORIGIN_MISMATCH,
        "the preflight response sent Access-Control-Allow-Origin 'http://localhost:3000/app', not the request's origin "
        "'http://localhost:3000'",
        id="preflight.origin-mismatch",
    ),
    pytest.param(
        Probe(method="PUT"),
        API,
        lambda ex, pf: [pf(headers={ACAO: "http://localhost:3000, http://localhost:5173"})],
        Check.PREFLIGHT_MULTIPLE_ALLOW_ORIGIN,
        "the preflight response sent Access-Control-Allow-Origin 'http://localhost:3000, http://localhost:5173', "
        "several values where exactly one origin is allowed",
        id="preflight.multiple-allow-origin",
    ),
    pytest.param(
        Probe(method="PUT"),
        API,
        lambda ex, pf: [pf(headers={ACAO: "null"})],
        Check.PREFLIGHT_INVALID_ALLOW_ORIGIN,
        "the preflight response sent Access-Control-Allow-Origin 'null', which is not an origin; the request's origin "
        "is 'http://localhost:3000'",
        id="preflight.invalid-allow-origin",
    ),
    pytest.param(
        Probe(method="PUT", credentials="include"),
        API,
        lambda ex, pf: [pf(headers={ACAO: PAGE, "access-control-allow-credentials": "True"})],
        Check.PREFLIGHT_CREDENTIALS_NOT_TRUE,
        "the preflight response had Access-Control-Allow-Credentials 'True', but the request's credentials mode is "
        "'include', which needs exactly 'true'",
        id="preflight.credentials-not-true",
    ),
    pytest.param(
        Probe(method="PUT"),
        API,
        lambda ex, pf: [pf(status=400, headers={ACAO: PAGE, "access-control-allow-methods": "GET, POST"})],
        Check.PREFLIGHT_STATUS_NOT_OK,
        "the preflight response's status was 400, not an ok status (200-299)",
        id="preflight.status-not-ok",
    ),
    pytest.param(
        Probe(method="PUT"),
        API,
        lambda ex, pf: [pf(status=307, headers={"location": "/api/"})],
        Check.PREFLIGHT_REDIRECT,
        "the preflight response was a 307 redirect to 'http://127.0.0.1:41234/api/', and a preflight never follows "
        "redirects",
        id="preflight.redirect",
    ),
    pytest.param(
        Probe(method="PUT"),
        API,
        lambda ex, pf: [pf(headers={ACAO: PAGE, "access-control-allow-methods": "GET, POST"})],
        Check.METHOD_NOT_ALLOWED,
        "the preflight response sent Access-Control-Allow-Methods 'GET, POST', which does not allow PUT",
        id="preflight.method-not-allowed",
    ),
    pytest.param(
        Probe(headers={"X-Token": "1"}),
        API,
        lambda ex, pf: [
            pf(
                method="GET",
                request_headers="x-token",
                headers={ACAO: PAGE, "access-control-allow-headers": "accept, content-type"},
            )
        ],
        Check.HEADER_NOT_ALLOWED,
        "the preflight response sent Access-Control-Allow-Headers 'accept, content-type', which does not allow X-Token",
        id="preflight.header-not-allowed",
    ),
    pytest.param(
        Probe(headers={"Authorization": "Bearer x"}),
        API,
        lambda ex, pf: [
            pf(method="GET", request_headers="authorization", headers={ACAO: "*", "access-control-allow-headers": "*"})
        ],
        Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD,
        "the preflight response sent Access-Control-Allow-Headers '*', and '*' never covers Authorization",
        id="preflight.authorization-not-covered-by-wildcard",
    ),
    pytest.param(
        Probe(method="PUT"),
        API,
        lambda ex, pf: [pf(headers={ACAO: PAGE, "access-control-allow-methods": "GET; PUT"})],
        Check.INVALID_ALLOW_METHODS,
        "the preflight response's Access-Control-Allow-Methods 'GET; PUT' cannot be parsed: 'GET; PUT' is not a token",
        id="preflight.invalid-allow-methods",
    ),
    pytest.param(
        Probe(method="PUT", headers={"X-Token": "1"}),
        API,
        lambda ex, pf: [
            pf(
                request_headers="x-token",
                headers={
                    ACAO: PAGE,
                    "access-control-allow-methods": "PUT",
                    "access-control-allow-headers": "X-Token X-Trace",
                },
            )
        ],
        Check.INVALID_ALLOW_HEADERS,
        "the preflight response's Access-Control-Allow-Headers 'X-Token X-Trace' cannot be parsed: 'X-Token X-Trace' "
        "is not a token",
        id="preflight.invalid-allow-headers",
    ),
    pytest.param(
        Probe(redirect="error"),
        API,
        lambda ex, pf: [ex(status=302, headers={ACAO: "*", "location": "/next"})],
        Check.REDIRECT_NOT_ALLOWED,
        "the response to GET /api was a 302 redirect to 'http://127.0.0.1:41234/next', and the request's redirect mode "
        "is 'error'",
        id="redirect.not-allowed",
    ),
    pytest.param(
        Probe(),
        API,
        lambda ex, pf: [ex(status=302, headers={ACAO: "*", "location": "http://user:pw@127.0.0.1:41234/next"})],
        Check.REDIRECT_WITH_CREDENTIALS_IN_URL,
        "the 302 redirect leads to 'http://user:pw@127.0.0.1:41234/next', which carries a user name or password, and "
        "a cross-origin CORS request may not follow it",
        id="redirect.cors-redirect-with-credentials-in-url",
    ),
    pytest.param(
        Probe(),
        API,
        lambda ex, pf: [ex(status=301, headers={ACAO: "*", "location": "ftp://127.0.0.1/file"})],
        Check.REDIRECT_NON_HTTP_SCHEME,
        "the 301 redirect leads to 'ftp://127.0.0.1/file', whose scheme is not http or https",
        id="redirect.non-http-scheme",
    ),
    pytest.param(
        Probe(),
        API,
        lambda ex, pf: [ex(status=302, headers={ACAO: "*", "location": "http://[::1/next"})],
        Check.REDIRECT_INVALID_LOCATION,
        "the 302 redirect's Location 'http://[::1/next' is not a valid URL",
        id="redirect.invalid-location",
    ),
    pytest.param(
        Probe(),
        f"{API}/0",
        lambda ex, pf: _redirect_chain(ex, 21),
        Check.TOO_MANY_REDIRECTS,
        "the request was redirected more than 20 times, the last time to 'http://127.0.0.1:41234/api/21'",
        id="redirect.too-many",
    ),
    pytest.param(
        Probe(mode="same-origin"),
        API,
        lambda ex, pf: [],
        Check.SAME_ORIGIN_MODE,
        "the request's mode is 'same-origin' but it went to 'http://127.0.0.1:41234/api', which is not same origin "
        "with the page ('http://localhost:3000')",
        id="mode.same-origin-cross-origin",
    ),
    pytest.param(
        Probe(method="PUT", mode="no-cors"),
        API,
        lambda ex, pf: [],
        Check.NO_CORS_METHOD,
        "fetch() throws a TypeError for method PUT with mode 'no-cors', which allows only GET, HEAD and POST",
        id="mode.no-cors-method-not-safelisted",
    ),
    pytest.param(
        Probe(mode="no-cors", redirect="manual"),
        API,
        lambda ex, pf: [],
        Check.NO_CORS_REDIRECT_MODE,
        "mode 'no-cors' to another origin needs redirect mode 'follow', not 'manual'",
        id="mode.no-cors-redirect-not-follow",
    ),
    pytest.param(
        Probe(method="TRACE"),
        API,
        lambda ex, pf: [],
        Check.FORBIDDEN_METHOD,
        "fetch() throws a TypeError for the forbidden method TRACE before sending anything",
        id="request.forbidden-method",
    ),
    pytest.param(
        Probe(),
        "ftp://127.0.0.1/api",
        lambda ex, pf: [],
        Check.SCHEME_NOT_HTTP,
        "a CORS request can only go to an http(s) URL, not 'ftp://127.0.0.1/api'",
        id="request.scheme-not-http",
    ),
    pytest.param(
        Probe(),
        API,
        lambda ex, pf: [],
        Check.NOT_SENT,
        "the server recorded no GET /api request, although the browser should send it",
        id="request.not-sent",
    ),
    pytest.param(
        Probe(),
        API,
        lambda ex, pf: [ex(status=None)],
        Check.NO_RESPONSE,
        "GET /api reached the app, which did not answer: no response had started when the fetch ended",
        id="request.no-response",
    ),
]

SECURE_PAGE = "https://app.example.test"
SECURE_PAGE_FAILURES = [
    pytest.param(
        "http://api.example.test/api",
        Check.MIXED_CONTENT,
        "the page 'https://app.example.test' is https and the request went to 'http://api.example.test/api', which is "
        "http on a host that is not loopback: the browser blocks it as mixed content before sending it",
        id="request.mixed-content",
    ),
]
"""Checks that need an https page: the URL, the failing check and its detail (nothing reaches the server)."""

CONSOLE_ONLY = [
    pytest.param(
        "[Error] Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 500",
        Check.ORIGIN_NOT_ALLOWED,
        id="cors-check.origin-not-allowed",
    ),
    pytest.param(
        "Access to fetch at 'http://192.168.1.2/api' from origin 'https://example.com' has been blocked by CORS policy: "
        "Permission was denied for this request to access the `local` address space.",
        Check.PRIVATE_NETWORK,
        id="request.private-network",
    ),
    pytest.param(
        "[Error] Fetch API cannot load http://127.0.0.1:41234/api due to access control checks.",
        Check.BLOCKED,
        id="request.blocked",
    ),
]


@pytest.mark.parametrize(("probe", "target", "build", "check", "detail"), MODEL_FAILURES)
def test_each_failing_check_is_predicted_with_its_detail_and_facts(
    probe: Probe,
    target: str,
    build: Build,
    check: Check,
    detail: str,
    make_exchange: Callable[..., Exchange],
    make_preflight: Callable[..., Exchange],
) -> None:
    prediction = predict(probe, PAGE, target, build(make_exchange, make_preflight))

    assert (prediction.allowed, prediction.check) == (False, check)
    assert prediction.detail == detail
    assert prediction.facts is not None
    assert prediction.failure == Failure(check, detail, prediction.facts)
    assert (prediction.readable_headers, prediction.response_type, prediction.status) == ((), None, None)


@pytest.mark.parametrize(("target", "check", "detail"), SECURE_PAGE_FAILURES)
def test_each_check_of_an_https_page_is_predicted_with_its_detail(target: str, check: Check, detail: str) -> None:
    prediction = predict(Probe(), SECURE_PAGE, target, [])

    assert (prediction.allowed, prediction.check, prediction.detail) == (False, check, detail)
    assert prediction.facts is not None and prediction.facts.target == target


@pytest.mark.parametrize(("text", "check"), CONSOLE_ONLY)
def test_each_console_only_check_is_parsed_from_its_message(text: str, check: Check) -> None:
    assert [report.check for report in parse_console_text(text)] == [check]


def test_every_check_identifier_is_produced_by_a_prediction_or_a_parsed_message() -> None:
    produced: set[Any] = {param.values[3] for param in MODEL_FAILURES} | {param.values[1] for param in CONSOLE_ONLY}
    produced |= {param.values[1] for param in SECURE_PAGE_FAILURES}
    assert [param.id for param in SECURE_PAGE_FAILURES] == [str(param.values[1]) for param in SECURE_PAGE_FAILURES]

    assert produced == set(Check)
    assert [param.id for param in MODEL_FAILURES + CONSOLE_ONLY] == [
        str(param.values[3] if param in MODEL_FAILURES else param.values[1]) for param in MODEL_FAILURES + CONSOLE_ONLY
    ]


def test_every_check_has_a_dotted_identifier_and_a_one_line_description() -> None:
    for check in Check:
        stage, _, failure = check.value.partition(".")
        assert stage in ("cors-check", "preflight", "redirect", "mode", "request")
        assert failure and failure == failure.lower()
        assert check.description and "\n" not in check.description


def test_checks_compare_equal_to_their_identifier_strings() -> None:
    assert Check.MISSING_ALLOW_ORIGIN == "cors-check.missing-allow-origin"
    assert check_named("preflight.redirect") is Check.PREFLIGHT_REDIRECT


def test_every_cors_check_failure_exists_for_the_response_and_for_the_preflight() -> None:
    for failure in CORS_CHECK_FAILURES:
        assert cors_check_failure(failure, preflight=False) == f"cors-check.{failure}"
        assert cors_check_failure(failure, preflight=True) == f"preflight.{failure}"


def test_an_unknown_identifier_is_refused_with_an_example() -> None:
    with pytest.raises(
        ValueError, match=re.escape('"cors.nope" is not a check identifier, e.g. "cors-check.missing-allow-origin"')
    ):
        check_named("cors.nope")
    with pytest.raises(ValueError, match='CORS check failure "status" is unknown'):
        cors_check_failure("status", preflight=True)
