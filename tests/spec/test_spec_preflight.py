"""The CORS-preflight fetch: the methods and headers a preflight response allows, its status, and what it refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from e2ekit._probing.exchange import Exchange
from e2ekit._probing.probe import Probe
from e2ekit._standard import Check, predict

PAGE = "http://localhost:3000"
API = "http://127.0.0.1:41234/api"
ACAO = "access-control-allow-origin"
ACAM = "access-control-allow-methods"
ACAH = "access-control-allow-headers"
ACAC = "access-control-allow-credentials"


def _predict(probe: Probe, preflight: Exchange, actual: Exchange) -> tuple[bool, Check | None]:
    prediction = predict(probe, PAGE, API, [preflight, actual])
    return prediction.allowed, prediction.check


@pytest.mark.parametrize(
    ("method", "credentials", "allow_methods", "allowed"),
    [
        pytest.param("PUT", "omit", "GET, PUT", True, id="listed"),
        pytest.param("PUT", "omit", "GET,  ,PUT", True, id="empty-items-skipped"),
        pytest.param("PUT", "omit", "*", True, id="wildcard-without-credentials"),
        pytest.param(
            "PUT",
            "include",
            "*",
            False,
            id="wildcard-with-credentials",
        ),
        pytest.param(
            "PUT",
            "omit",
            "get, put",
            False,
            id="lower-case-list",
        ),
        pytest.param(
            "patch",
            "omit",
            "PATCH",
            False,
            id="patch-is-not-normalised",
        ),
        pytest.param("put", "omit", "PUT", True, id="put-is-normalised-by-fetch"),
        pytest.param("PUT", "omit", None, False, id="no-allow-methods"),
    ],
)
def test_the_preflight_must_allow_a_non_safelisted_method(
    method: str,
    credentials: str,
    allow_methods: str | None,
    allowed: bool,
    make_exchange: Callable[..., Exchange],
    make_preflight: Callable[..., Exchange],
) -> None:
    headers = {ACAO: PAGE, ACAC: "true"} | ({ACAM: allow_methods} if allow_methods is not None else {})
    probe = Probe(method=method, credentials=credentials)

    outcome = _predict(
        probe, make_preflight(method=probe.method, headers=headers), make_exchange(probe.method, headers=headers)
    )

    assert outcome == (allowed, None if allowed else Check.METHOD_NOT_ALLOWED)


def test_safelisted_methods_pass_a_preflight_that_lists_no_methods(
    make_exchange: Callable[..., Exchange],
    make_preflight: Callable[..., Exchange],
) -> None:
    headers = {ACAO: PAGE, ACAH: "x-token"}

    outcome = _predict(
        Probe(method="POST", headers={"X-Token": "1"}),
        make_preflight(method="POST", request_headers="x-token", headers=headers),
        make_exchange("POST", headers=headers),
    )

    assert outcome == (True, None)


@pytest.mark.parametrize(
    ("request_headers", "credentials", "allow_headers", "check"),
    [
        pytest.param({"X-Token": "1"}, "omit", "X-TOKEN", None, id="names-match-case-insensitively"),
        pytest.param({"X-Token": "1"}, "omit", "*", None, id="wildcard-without-credentials"),
        pytest.param(
            {"X-Token": "1"},
            "include",
            "*",
            Check.HEADER_NOT_ALLOWED,
            id="wildcard-with-credentials",
        ),
        pytest.param({"Authorization": "x"}, "omit", "*, authorization", None, id="authorization-by-name"),
        pytest.param(
            {"Authorization": "x"},
            "include",
            "*",
            Check.HEADER_NOT_ALLOWED,
            id="authorization-with-credentials",
        ),
        pytest.param(
            {"Authorization": "x"},
            "omit",
            "x-token",
            Check.HEADER_NOT_ALLOWED,
            id="authorization-not-listed",
        ),
        pytest.param(
            {"Content-Type": "application/json"},
            "omit",
            "x-token",
            Check.HEADER_NOT_ALLOWED,
            id="json-content-type",
        ),
        pytest.param(
            {"Content-Type": "text/plain", "X-B": "1", "X-A": "1"},
            "omit",
            None,
            Check.HEADER_NOT_ALLOWED,
            id="first-unsafe-name-in-sorted-order",
        ),
    ],
)
def test_the_preflight_must_allow_every_unsafe_request_header(
    request_headers: dict[str, str],
    credentials: str,
    allow_headers: str | None,
    check: Check | None,
    make_exchange: Callable[..., Exchange],
    make_preflight: Callable[..., Exchange],
) -> None:
    headers = {ACAO: PAGE, ACAC: "true"} | ({ACAH: allow_headers} if allow_headers is not None else {})
    probe = Probe(method="POST", headers=request_headers, credentials=credentials, body="{}")

    outcome = _predict(probe, make_preflight(method="POST", headers=headers), make_exchange("POST", headers=headers))

    assert outcome == (check is None, check)


def test_a_failed_cors_check_on_the_preflight_is_reported_before_its_status(
    make_preflight: Callable[..., Exchange],
) -> None:
    # Starlette answers a disallowed origin with a 400 that carries no Access-Control-Allow-Origin.
    preflight = make_preflight(status=400, headers={ACAM: "GET, PUT"})

    prediction = predict(Probe(method="PUT"), PAGE, API, [preflight])

    assert prediction.check is Check.PREFLIGHT_MISSING_ALLOW_ORIGIN
    assert prediction.facts is not None
    assert (prediction.facts.status, prediction.facts.preflight, prediction.facts.method) == (400, True, "PUT")
    assert prediction.preflight_required


@pytest.mark.parametrize(
    ("status", "headers", "error", "refusal"),
    [
        pytest.param(
            400,
            {ACAM: "GET, PUT", ACAH: "accept, content-type"},
            None,
            Check.HEADER_NOT_ALLOWED,
            id="starlette-refusing-a-header",
        ),
        pytest.param(500, {}, "RuntimeError: db down", None, id="exception"),
        pytest.param(401, {}, None, None, id="auth-guard"),
    ],
)
def test_a_preflight_status_failure_records_what_the_server_refused(
    status: int,
    headers: dict[str, str],
    error: str | None,
    refusal: Check | None,
    make_preflight: Callable[..., Exchange],
) -> None:
    preflight = make_preflight(request_headers="x-token", status=status, headers={ACAO: PAGE} | headers, error=error)

    prediction = predict(Probe(method="PUT", headers={"X-Token": "1"}), PAGE, API, [preflight])

    assert prediction.check is Check.PREFLIGHT_STATUS_NOT_OK
    assert prediction.detail == f"the preflight response's status was {status}, not an ok status (200-299)"
    assert prediction.facts is not None
    assert (prediction.facts.error, prediction.facts.unsafe_headers) == (error, ("X-Token",))
    found = prediction.facts.refusal
    assert (None if found is None else found.check) == refusal
    if found is not None:
        assert (found.facts.header, found.facts.allowed) == ("X-Token", ("accept", "content-type"))


def test_a_405_preflight_without_cors_headers_fails_the_cors_check_first(
    make_preflight: Callable[..., Exchange],
) -> None:
    prediction = predict(Probe(method="DELETE"), PAGE, API, [make_preflight(method="DELETE", status=405)])

    assert prediction.check is Check.PREFLIGHT_MISSING_ALLOW_ORIGIN
    assert prediction.facts is not None
    assert (prediction.facts.status, prediction.facts.preflight) == (405, True)


def test_a_passing_preflight_then_needs_the_actual_response_to_pass_the_cors_check(
    make_exchange: Callable[..., Exchange],
    make_preflight: Callable[..., Exchange],
) -> None:
    preflight = make_preflight(headers={ACAO: PAGE, ACAM: "PUT"})

    prediction = predict(Probe(method="PUT"), PAGE, API, [preflight, make_exchange("PUT")])

    assert (prediction.check, prediction.preflight_required) == (Check.MISSING_ALLOW_ORIGIN, True)


def test_a_passing_preflight_without_the_actual_request_means_it_was_not_sent(
    make_preflight: Callable[..., Exchange],
) -> None:
    prediction = predict(Probe(method="PUT"), PAGE, API, [make_preflight(headers={ACAO: PAGE, ACAM: "PUT"})])

    assert prediction.check is Check.NOT_SENT
    assert prediction.detail == "the server recorded no PUT /api request, although the browser should send it"


def test_a_missing_preflight_before_the_actual_request_was_answered_from_the_preflight_cache(
    make_exchange: Callable[..., Exchange],
) -> None:
    prediction = predict(Probe(method="PUT"), PAGE, API, [make_exchange("PUT", headers={ACAO: PAGE})])

    assert (prediction.allowed, prediction.preflight_required) == (True, True)
    assert prediction.detail == (
        "the response passed the CORS check; no preflight was recorded because the browser reused a cached preflight "
        "result"
    )


def test_no_exchange_at_all_for_a_preflighted_request_means_the_preflight_was_not_sent() -> None:
    prediction = predict(Probe(method="PUT"), PAGE, API, [])

    assert (prediction.check, prediction.preflight_required) == (Check.NOT_SENT, True)
    assert prediction.detail == (
        "the server recorded no preflight (OPTIONS /api), although the browser must send one before the PUT request"
    )


def test_a_preflight_and_actual_response_that_pass_are_allowed(
    make_exchange: Callable[..., Exchange],
    make_preflight: Callable[..., Exchange],
) -> None:
    preflight = make_preflight(headers={ACAO: PAGE, ACAM: "PUT"})

    prediction = predict(Probe(method="PUT"), PAGE, API, [preflight, make_exchange("PUT", headers={ACAO: PAGE})])

    assert (prediction.allowed, prediction.detail) == (True, "the preflight and the response passed the CORS checks")
