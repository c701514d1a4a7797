"""Rendering a check in each engine's own words, checked against the engines' real messages."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import e2ekit._wordings
from e2ekit._errors import NoWordingError
from e2ekit._standard import Check
from e2ekit._wordings import ENGINE_WORDINGS, ENGINES, render, rendered_checks, reported_check

API = "http://127.0.0.1:41234/api"
PAGE = "http://localhost:3000"
BLOCKED = f"Access to fetch at '{API}' from origin '{PAGE}' has been blocked by CORS policy: "


@pytest.mark.parametrize(
    ("check", "engine", "values", "message"),
    [
        pytest.param(
            Check.MISSING_ALLOW_ORIGIN,
            "chromium",
            {},
            BLOCKED + "No 'Access-Control-Allow-Origin' header is present on the requested resource. If an opaque "
            "response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.",
            id="chromium-fetch-missing",
        ),
        pytest.param(
            Check.WILDCARD_WITH_CREDENTIALS,
            "chromium",
            {"api": "xhr"},
            f"Access to XMLHttpRequest at '{API}' from origin '{PAGE}' has been blocked by CORS policy: The value of "
            "the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's "
            "credentials mode is 'include'. The credentials mode of requests initiated by the XMLHttpRequest is "
            "controlled by the withCredentials attribute.",
            id="chromium-xhr-wildcard",
        ),
        pytest.param(
            Check.ORIGIN_MISMATCH,
            "chromium",
            {"redirected_from": "http://127.0.0.1:41234/old", "allow_origin_value": "http://localhost:3000/"},
            f"Access to fetch at '{API}' (redirected from 'http://127.0.0.1:41234/old') from origin '{PAGE}' has been "
            "blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://localhost:3000/' that "
            "is not equal to the supplied origin. Have the server send the header with a valid value.",
            id="chromium-redirected-mismatch",
        ),
        pytest.param(
            Check.PREFLIGHT_STATUS_NOT_OK,
            "chromium",
            {},
            BLOCKED + "Response to preflight request doesn't pass access control check: It does not have HTTP ok "
            "status.",
            id="chromium-preflight-status",
        ),
        pytest.param(
            Check.METHOD_NOT_ALLOWED,
            "chromium",
            {"method": "PUT"},
            BLOCKED + "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.",
            id="chromium-method",
        ),
        pytest.param(
            Check.SAME_ORIGIN_MODE,
            "chromium",
            {},
            f'Fetch API cannot load {API}. Request mode is "same-origin" but the URL\'s origin is not same as the '
            f"request origin {PAGE}.",
            id="chromium-same-origin-mode",
        ),
        pytest.param(
            Check.MISSING_ALLOW_ORIGIN,
            "firefox",
            {"status": 500},
            f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {API}. "
            "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 500.",
            id="firefox-missing",
        ),
        pytest.param(
            Check.WILDCARD_WITH_CREDENTIALS,
            "firefox",
            {},
            f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘{API}’. "
            "(Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).",
            id="firefox-wildcard-quotes-the-url",
        ),
        pytest.param(
            Check.HEADER_NOT_ALLOWED,
            "firefox",
            {"header": "x-token"},
            f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {API}. "
            "(Reason: header ‘x-token’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS "
            "preflight response).",
            id="firefox-header",
        ),
        pytest.param(
            Check.NOT_SENT,
            "firefox",
            {},
            f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {API}. "
            "(Reason: CORS request did not succeed). Status code: (null).",
            id="firefox-did-not-succeed",
        ),
        pytest.param(
            Check.MISSING_ALLOW_ORIGIN,
            "webkit",
            {"status": 200},
            f"Origin {PAGE} is not allowed by Access-Control-Allow-Origin. Status code: 200\n"
            f"Fetch API cannot load {API} due to access control checks.",
            id="webkit-missing",
        ),
        pytest.param(
            Check.HEADER_NOT_ALLOWED,
            "webkit",
            {"header": "X-Token", "api": "xhr"},
            "Request header field X-Token is not allowed by Access-Control-Allow-Headers.\n"
            f"XMLHttpRequest cannot load {API} due to access control checks.",
            id="webkit-xhr-header",
        ),
    ],
)
def test_a_check_renders_in_the_engines_own_words(
    check: Check, engine: str, values: dict[str, str], message: str
) -> None:
    assert render(check, engine, url=API, origin=PAGE, **values) == message


def test_the_identifier_string_works_as_well_as_the_check() -> None:
    assert render("preflight.redirect", "firefox", url=API, origin=PAGE) == (
        f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {API}. "
        "(Reason: CORS request external redirect not allowed)."
    )


@pytest.mark.parametrize(
    ("check", "engine", "reported"),
    [
        pytest.param(Check.ORIGIN_MISMATCH, "chromium", Check.ORIGIN_MISMATCH, id="chromium-distinct"),
        pytest.param(
            Check.PREFLIGHT_ORIGIN_MISMATCH, "chromium", Check.PREFLIGHT_ORIGIN_MISMATCH, id="chromium-says-preflight"
        ),
        pytest.param(
            Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD,
            "chromium",
            Check.HEADER_NOT_ALLOWED,
            id="chromium-authorization",
        ),
        pytest.param(Check.INVALID_ALLOW_ORIGIN, "firefox", Check.ORIGIN_MISMATCH, id="firefox-invalid"),
        pytest.param(
            Check.PREFLIGHT_MISSING_ALLOW_ORIGIN,
            "firefox",
            Check.MISSING_ALLOW_ORIGIN,
            id="firefox-never-says-preflight",
        ),
        pytest.param(Check.MISSING_ALLOW_ORIGIN, "webkit", Check.ORIGIN_NOT_ALLOWED, id="webkit-missing"),
        pytest.param(Check.PREFLIGHT_REDIRECT, "webkit", Check.PREFLIGHT_STATUS_NOT_OK, id="webkit-redirect"),
        pytest.param(Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD, "webkit", None, id="webkit-lets-authorization-in"),
        pytest.param(Check.REDIRECT_NOT_ALLOWED, "chromium", None, id="no-wording"),
    ],
)
def test_reported_check_says_what_a_parser_reads_back_from_the_engines_message(
    check: Check, engine: str, reported: Check | None
) -> None:
    assert reported_check(check, engine) == reported


def test_every_engine_words_the_main_cors_failures() -> None:
    main = {
        Check.MISSING_ALLOW_ORIGIN,
        Check.WILDCARD_WITH_CREDENTIALS,
        Check.CREDENTIALS_NOT_TRUE,
        Check.PREFLIGHT_STATUS_NOT_OK,
        Check.METHOD_NOT_ALLOWED,
        Check.HEADER_NOT_ALLOWED,
    }

    for engine in ENGINES:
        assert main <= set(rendered_checks(engine))


def test_a_check_without_wording_raises_no_wording_error() -> None:
    with pytest.raises(NoWordingError, match=r"chromium prints no message of its own for redirect\.not-allowed"):
        render(Check.REDIRECT_NOT_ALLOWED, "chromium", url=API, origin=PAGE)


def test_a_value_the_wording_quotes_must_be_given() -> None:
    with pytest.raises(
        ValueError,
        match=r"the chromium wording of preflight.method-not-allowed quotes method: "
        r"pass method=\.\.\.",
    ):
        render(Check.METHOD_NOT_ALLOWED, "chromium", url=API, origin=PAGE)


def test_an_unknown_engine_or_api_is_refused() -> None:
    with pytest.raises(ValueError, match='engine "edge" is unknown: expected one of chromium, firefox, webkit'):
        render(Check.MISSING_ALLOW_ORIGIN, "edge", url=API, origin=PAGE)
    with pytest.raises(ValueError, match='api "beacon" has no Chromium wording: expected one of fetch, xhr'):
        render(Check.MISSING_ALLOW_ORIGIN, "chromium", url=API, origin=PAGE, api="beacon")
    with pytest.raises(ValueError, match='api "beacon" has no WebKit wording: expected one of fetch, xhr'):
        render(Check.MISSING_ALLOW_ORIGIN, "webkit", url=API, origin=PAGE, api="beacon")


def test_the_console_package_reexports_every_shared_name_and_each_engine_module_has_one_interface() -> None:
    declared = set()
    for module in pkgutil.iter_modules(e2ekit._wordings.__path__):
        names = importlib.import_module(f"e2ekit._wordings.{module.name}").__all__
        if module.name in ENGINE_WORDINGS:
            assert names == ["ENGINE", "WORDINGS", "find_reports", "render_message"]
        else:
            declared |= set(names)

    assert declared == set(e2ekit._wordings.__all__)
    assert all(hasattr(e2ekit._wordings, name) for name in e2ekit._wordings.__all__)
