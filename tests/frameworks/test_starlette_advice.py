"""The fix for every failing check, worded for Starlette's CORSMiddleware: the model's facts in, one sentence out.

These expectations were the model's own fix sentences before the model returned facts only (issue 8): the wording
moved to e2ekit._frameworks unchanged, for an app whose CORSMiddleware does not allow the page origin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from e2ekit._frameworks.policy import CorsPolicy
from e2ekit._frameworks.starlette import StarletteCORS, policy_from_arguments
from e2ekit._probing.exchange import Exchange
from e2ekit._probing.probe import Probe
from e2ekit._standard import Check, Prediction, predict
from tests.spec.test_spec_checks import API, MODEL_FAILURES, PAGE, SECURE_PAGE, SECURE_PAGE_FAILURES, Build

ACAO = "access-control-allow-origin"
ACAM = "access-control-allow-methods"
ACAH = "access-control-allow-headers"
ACAC = "access-control-allow-credentials"
OTHER = "http://127.0.0.1:41235"
STARLETTE = StarletteCORS()
POLICY = policy_from_arguments({"allow_origins": ["https://app.example"], "allow_credentials": True})

FIXES: dict[str, str | None] = {
    "cors-check.missing-allow-origin": "add 'http://localhost:3000' to allow_origins",
    "cors-check.wildcard-with-credentials": "list the page origin ('http://localhost:3000') instead of '*' in allow_origins when credentials are included",
    "cors-check.origin-mismatch": "list the origin without the trailing slash: 'http://localhost:3000', not 'http://localhost:3000/'",
    "cors-check.multiple-allow-origin": "send Access-Control-Allow-Origin once: the response had 2 of them, so another layer (a hand-set header or a "
    "proxy) adds it besides CORSMiddleware",
    "cors-check.invalid-allow-origin": "add 'http://localhost:3000' to allow_origins (the response named 'localhost', a different origin)",
    "cors-check.credentials-not-true": "set allow_credentials=True",
    "preflight.missing-allow-origin": "add 'http://localhost:3000' to allow_origins",
    "preflight.wildcard-with-credentials": "list the page origin ('http://localhost:3000') instead of '*' in allow_origins when credentials are included",
    "preflight.origin-mismatch": "list the origin without the path: 'http://localhost:3000', not 'http://localhost:3000/app'",
    "preflight.multiple-allow-origin": "send only the request's origin, not a list: put the origins in allow_origins and CORSMiddleware echoes the "
    "one that matches",
    "preflight.invalid-allow-origin": "add 'http://localhost:3000' to allow_origins (the response named 'null', a different origin)",
    "preflight.credentials-not-true": "send Access-Control-Allow-Credentials as exactly 'true', not 'True'",
    "preflight.status-not-ok": "add 'PUT' to allow_methods",
    "preflight.redirect": "fetch 'http://127.0.0.1:41234/api/' directly, the URL the server redirects to (or stop the redirect, e.g. "
    "Starlette's redirect_slashes)",
    "preflight.method-not-allowed": "add 'PUT' to allow_methods",
    "preflight.header-not-allowed": "add 'X-Token' to allow_headers",
    "preflight.authorization-not-covered-by-wildcard": "add 'Authorization' to allow_headers (Authorization is not covered by '*')",
    "preflight.invalid-allow-methods": "send Access-Control-Allow-Methods as comma-separated names, e.g. 'GET, POST, PUT', as CORSMiddleware does",
    "preflight.invalid-allow-headers": "send Access-Control-Allow-Headers as comma-separated names, e.g. 'X-Token, X-Trace', as CORSMiddleware does",
    "redirect.not-allowed": "fetch 'http://127.0.0.1:41234/next' directly or use redirect 'follow'",
    "redirect.cors-redirect-with-credentials-in-url": "redirect to a URL without a user name and password",
    "redirect.non-http-scheme": "redirect to an http(s) URL",
    "redirect.invalid-location": "send an absolute http(s) URL in Location",
    "redirect.too-many": "break the redirect loop",
    "mode.same-origin-cross-origin": "use mode 'cors' for a cross-origin URL",
    "mode.no-cors-method-not-safelisted": "use mode 'cors' and add 'PUT' to allow_methods",
    "mode.no-cors-redirect-not-follow": "use redirect 'follow' with mode 'no-cors'",
    "request.forbidden-method": "use another method: browsers never send CONNECT, TRACE or TRACK from fetch()",
    "request.scheme-not-http": "serve the API over http or https",
    "request.not-sent": None,
    "request.no-response": "make the app answer GET /api: its handler blocks or never returns (a blocking call such as "
    "time.sleep, a lock or a read without a timeout, or an await that never completes); if it is only slow, allow it "
    "longer with the fetch timeout",
}


def starlette_fix(prediction: Prediction, policy: CorsPolicy = POLICY) -> str | None:
    failure = prediction.failure
    return None if failure is None else STARLETTE.advice(failure, policy)


def test_every_check_of_the_model_table_has_a_starlette_fix_pinned() -> None:
    assert list(FIXES) == [param.id for param in MODEL_FAILURES]


@pytest.mark.parametrize(("probe", "target", "build", "check", "detail"), MODEL_FAILURES)
def test_each_failing_check_gets_its_fix_in_starlette_terms(
    request: pytest.FixtureRequest,
    probe: Probe,
    target: str,
    build: Build,
    check: Any,
    detail: str,
    make_exchange: Callable[..., Exchange],
    make_preflight: Callable[..., Exchange],
) -> None:
    prediction = predict(probe, PAGE, target, build(make_exchange, make_preflight))

    assert starlette_fix(prediction) == FIXES[str(check)]


@pytest.mark.parametrize(("target", "check", "detail"), SECURE_PAGE_FAILURES)
def test_a_failing_check_of_an_https_page_gets_its_fix(target: str, check: Any, detail: str) -> None:
    prediction = predict(Probe(), SECURE_PAGE, target, [])

    assert (
        starlette_fix(prediction) == "serve the API over https: an https page can fetch http only from a loopback host"
    )


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

    prediction = predict(Probe(credentials="include"), PAGE, API, [make_exchange(headers=headers)])

    assert starlette_fix(prediction) == fix


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
def test_the_fix_for_a_mismatched_origin_names_the_slip(
    value: str, fix: str, make_exchange: Callable[..., Exchange]
) -> None:
    prediction = predict(Probe(), PAGE, API, [make_exchange(headers={ACAO: value})])

    assert starlette_fix(prediction) == fix


def test_an_explicit_default_port_is_a_serialisation_slip(make_exchange: Callable[..., Exchange]) -> None:
    response = make_exchange(url="http://127.0.0.1:41234/api", headers={ACAO: "http://example.com:80"})

    prediction = predict(Probe(), "http://example.com", API, [response])

    assert starlette_fix(prediction) == (
        "list the origin exactly as browsers serialise it: 'http://example.com', not 'http://example.com:80'"
    )


def test_a_page_with_an_opaque_origin_is_told_to_serve_the_page_from_an_http_origin(
    make_exchange: Callable[..., Exchange],
) -> None:
    prediction = predict(Probe(), "null", API, [make_exchange(headers={ACAO: PAGE})])

    assert starlette_fix(prediction) == (
        "serve the page from a real http(s) origin and list that origin in allow_origins: the page's origin is "
        "opaque ('null'), e.g. a sandboxed iframe or a file: page; allowing 'null' is unsafe: every sandboxed iframe "
        "and file: page of any site sends it"
    )


def test_a_redirect_to_another_origin_is_told_to_request_the_target_directly(
    make_exchange: Callable[..., Exchange],
) -> None:
    hop = make_exchange(url=API, status=302, headers={ACAO: PAGE, "location": f"{OTHER}/api"})
    final = make_exchange(url=f"{OTHER}/api", headers={ACAO: PAGE}, request_headers={"origin": "null"})

    prediction = predict(Probe(), PAGE, API, [hop, final])

    assert starlette_fix(prediction) == (
        "request the redirect's target directly: a redirect to another origin made the request's origin 'null', "
        "which allow_origins should not list"
    )


def test_a_500_without_allow_origin_blames_the_exception_outside_cors_middleware(
    make_exchange: Callable[..., Exchange],
) -> None:
    prediction = predict(Probe(), PAGE, API, [make_exchange(status=500, error="ValueError: boom")])

    assert starlette_fix(prediction) == (
        "the 500 came from an exception raised outside CORSMiddleware (ValueError: boom): handle it or put "
        "CORSMiddleware outermost"
    )


def test_an_app_that_returned_without_responding_gets_the_recorders_500_and_is_told_so(
    make_exchange: Callable[..., Exchange],
) -> None:
    # The recorder answers 500 itself and names what happened (e2ekit._serving.recorder).
    exchange = make_exchange(status=500, error="the app returned without starting a response")
    prediction = predict(Probe(), PAGE, API, [exchange])

    assert starlette_fix(prediction) == (
        "the 500 came from an exception raised outside CORSMiddleware (the app returned without starting a "
        "response): handle it or put CORSMiddleware outermost"
    )


@pytest.mark.parametrize(
    ("method", "credentials", "allow_methods", "allowed", "fix"),
    [
        pytest.param("PUT", "omit", "GET, PUT", True, None, id="listed"),
        pytest.param("PUT", "omit", "GET,  ,PUT", True, None, id="empty-items-skipped"),
        pytest.param("PUT", "omit", "*", True, None, id="wildcard-without-credentials"),
        pytest.param(
            "PUT",
            "include",
            "*",
            False,
            "list 'PUT' in allow_methods instead of '*', which is literal when credentials are included",
            id="wildcard-with-credentials",
        ),
        pytest.param(
            "PUT",
            "omit",
            "get, put",
            False,
            "list 'PUT' in allow_methods in upper case: method names match case-sensitively",
            id="lower-case-list",
        ),
        pytest.param(
            "patch",
            "omit",
            "PATCH",
            False,
            "call fetch() with method 'PATCH': fetch() sends 'patch' as written, and method names match "
            "case-sensitively",
            id="patch-is-not-normalised",
        ),
        pytest.param("put", "omit", "PUT", True, None, id="put-is-normalised-by-fetch"),
        pytest.param("PUT", "omit", None, False, "add 'PUT' to allow_methods", id="no-allow-methods"),
    ],
)
def test_the_preflight_must_allow_a_non_safelisted_method(
    method: str,
    credentials: str,
    allow_methods: str | None,
    allowed: bool,
    fix: str | None,
    make_exchange: Callable[..., Exchange],
    make_preflight: Callable[..., Exchange],
) -> None:
    headers = {ACAO: PAGE, ACAC: "true"} | ({ACAM: allow_methods} if allow_methods is not None else {})
    probe = Probe(method=method, credentials=credentials)

    prediction = predict(
        probe,
        PAGE,
        API,
        [make_preflight(method=probe.method, headers=headers), make_exchange(probe.method, headers=headers)],
    )

    assert (prediction.allowed, starlette_fix(prediction)) == (allowed, fix)


@pytest.mark.parametrize(
    ("request_headers", "credentials", "allow_headers", "check", "fix"),
    [
        pytest.param({"X-Token": "1"}, "omit", "X-TOKEN", None, None, id="names-match-case-insensitively"),
        pytest.param({"X-Token": "1"}, "omit", "*", None, None, id="wildcard-without-credentials"),
        pytest.param(
            {"X-Token": "1"},
            "include",
            "*",
            Check.HEADER_NOT_ALLOWED,
            "list 'X-Token' in allow_headers instead of '*', which is literal when credentials are included",
            id="wildcard-with-credentials",
        ),
        pytest.param({"Authorization": "x"}, "omit", "*, authorization", None, None, id="authorization-by-name"),
        pytest.param(
            {"Authorization": "x"},
            "include",
            "*",
            Check.HEADER_NOT_ALLOWED,
            "list 'Authorization' in allow_headers instead of '*', which is literal when credentials are included",
            id="authorization-with-credentials",
        ),
        pytest.param(
            {"Authorization": "x"},
            "omit",
            "x-token",
            Check.HEADER_NOT_ALLOWED,
            "add 'Authorization' to allow_headers",
            id="authorization-not-listed",
        ),
        pytest.param(
            {"Content-Type": "application/json"},
            "omit",
            "x-token",
            Check.HEADER_NOT_ALLOWED,
            "add 'Content-Type' to allow_headers",
            id="json-content-type",
        ),
        pytest.param(
            {"Content-Type": "text/plain", "X-B": "1", "X-A": "1"},
            "omit",
            None,
            Check.HEADER_NOT_ALLOWED,
            "add 'X-A' to allow_headers",
            id="first-unsafe-name-in-sorted-order",
        ),
    ],
)
def test_the_preflight_must_allow_every_unsafe_request_header(
    request_headers: dict[str, str],
    credentials: str,
    allow_headers: str | None,
    check: Check | None,
    fix: str | None,
    make_exchange: Callable[..., Exchange],
    make_preflight: Callable[..., Exchange],
) -> None:
    headers = {ACAO: PAGE, ACAC: "true"} | ({ACAH: allow_headers} if allow_headers is not None else {})
    probe = Probe(method="POST", headers=request_headers, credentials=credentials, body="{}")

    prediction = predict(
        probe, PAGE, API, [make_preflight(method="POST", headers=headers), make_exchange("POST", headers=headers)]
    )

    assert (prediction.check, starlette_fix(prediction)) == (check, fix)


def test_a_failed_cors_check_on_the_preflight_is_reported_before_its_status(
    make_preflight: Callable[..., Exchange],
) -> None:
    # Starlette answers a disallowed origin with a 400 that carries no Access-Control-Allow-Origin.
    preflight = make_preflight(status=400, headers={ACAM: "GET, PUT"})

    prediction = predict(Probe(method="PUT"), PAGE, API, [preflight])

    assert (prediction.check, starlette_fix(prediction)) == (
        Check.PREFLIGHT_MISSING_ALLOW_ORIGIN,
        "add 'http://localhost:3000' to allow_origins",
    )


@pytest.mark.parametrize(
    ("status", "headers", "error", "fix"),
    [
        pytest.param(
            400,
            {ACAM: "GET, PUT", ACAH: "accept, content-type"},
            None,
            "add 'X-Token' to allow_headers",
            id="starlette-refusing-a-header",
        ),
        pytest.param(
            500,
            {},
            "RuntimeError: db down",
            "the 500 came from an exception raised outside CORSMiddleware "
            "(RuntimeError: db down): handle it or put CORSMiddleware outermost",
            id="exception",
        ),
        pytest.param(
            401,
            {},
            None,
            "let OPTIONS preflights through the authentication layer that answered it 401: browsers never send "
            "cookies or Authorization with a preflight, so it never reached CORSMiddleware; or put CORSMiddleware "
            "outermost (first in middleware=[...], or the last add_middleware call), so that CORSMiddleware answers "
            "preflights before authentication does",
            id="auth-guard",
        ),
    ],
)
def test_the_fix_for_a_preflight_status_names_what_the_server_refused(
    status: int,
    headers: dict[str, str],
    error: str | None,
    fix: str,
    make_preflight: Callable[..., Exchange],
) -> None:
    preflight = make_preflight(request_headers="x-token", status=status, headers={ACAO: PAGE} | headers, error=error)

    prediction = predict(Probe(method="PUT", headers={"X-Token": "1"}), PAGE, API, [preflight])

    assert (prediction.check, starlette_fix(prediction)) == (Check.PREFLIGHT_STATUS_NOT_OK, fix)


def test_a_405_preflight_without_cors_headers_asks_for_cors_middleware(make_preflight: Callable[..., Exchange]) -> None:
    prediction = predict(Probe(method="DELETE"), PAGE, API, [make_preflight(method="DELETE", status=405)])

    assert prediction.check is Check.PREFLIGHT_MISSING_ALLOW_ORIGIN
    assert starlette_fix(prediction) == (
        "add CORSMiddleware with allow_origins=['http://localhost:3000']: the 405 shows that nothing answered the "
        "OPTIONS preflight"
    )


def test_a_preflight_answered_outside_a_cors_middleware_that_allows_the_origin_blames_the_outer_layer(
    make_preflight: Callable[..., Exchange],
) -> None:
    # A proxy outside CORSMiddleware answers the preflight 502 without CORS headers. (A 401 or 403 is an
    # authentication layer: tests/frameworks/test_caveat_advice.py pins that advice.)
    preflight = make_preflight(method="GET", request_headers="authorization", status=502)
    prediction = predict(Probe(headers={"Authorization": "Bearer x"}), PAGE, API, [preflight])

    assert starlette_fix(prediction, policy_from_arguments({"allow_origins": ["*"], "allow_headers": ["*"]})) == (
        "CORSMiddleware allows 'http://localhost:3000', so the preflight's 502 without CORS headers came from a "
        "layer outside it: put CORSMiddleware outermost (first in middleware=[...], or the last add_middleware call)"
    )


def test_an_app_without_cors_middleware_is_told_to_add_it(make_exchange: Callable[..., Exchange]) -> None:
    prediction = predict(Probe(), PAGE, API, [make_exchange()])

    assert starlette_fix(prediction, CorsPolicy(installed=False)) == (
        "add CORSMiddleware with allow_origins=['http://localhost:3000']"
    )


def test_an_anchored_regex_that_refuses_a_longer_host_is_not_called_partial(
    make_exchange: Callable[..., Exchange],
) -> None:
    # origin-regex-anchored in the corpus: 'http://127\.0\.0\.1(:\d+)?' refuses http://127.0.0.10 on purpose.
    page = "http://127.0.0.10:41000"
    prediction = predict(Probe(), page, API, [make_exchange(request_headers={"origin": page})])
    policy = policy_from_arguments({"allow_origin_regex": r"http://127\.0\.0\.1(:\d+)?"})

    assert starlette_fix(prediction, policy) == f"add '{page}' to allow_origins"


def test_cors_headers_from_an_app_without_cors_middleware_are_fixed_in_the_headers_it_sends(
    make_exchange: Callable[..., Exchange],
) -> None:
    from starlette.applications import Starlette

    from e2ekit._frameworks import detect

    prediction = predict(Probe(credentials="include"), PAGE, API, [make_exchange(headers={ACAO: "*", ACAC: "true"})])
    assert prediction.failure is not None

    assert detect(Starlette()).advice(prediction.failure) == (
        f"send 'Access-Control-Allow-Origin: {PAGE}' instead of '*' when credentials are included"
    )
