"""The fix for a hostile origin a browser let through, in the settings of the CORS implementation serving the app
(the frameworks' real packages, their configuration read by detection), and the safer pattern it suggests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask_cors import CORS

from e2ekit._frameworks import detect
from e2ekit._frameworks.audit_advice import audit_fix, safer_pattern
from tests.apps import cors_app

ALLOWED = ["https://app.example.com"]
EVIL = "https://evil.example"


def fix(app: object, origin: str = EVIL, allow_origin: str | None = None) -> str:
    return audit_fix(detect(app), origin, ALLOWED, allow_origin=allow_origin or origin)


def flask_app(**options: Any) -> Flask:
    app = Flask(__name__)
    CORS(app, **options)
    return app


@pytest.fixture
def django_app() -> Iterator[Any]:
    from django.test import override_settings

    from tests.frameworks import django_project

    with override_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True):
        yield django_project.application


def test_starlette_wildcard_with_credentials_is_fixed_by_listing_the_allowed_origins_in_allow_origins() -> None:
    assert fix(cors_app(allow_origins=["*"], allow_credentials=True)) == (
        "list the allowed origins exactly in allow_origins instead of '*': ['https://app.example.com'] ('*' with "
        "allow_credentials=True makes Starlette CORSMiddleware answer every origin by name)"
    )


def test_an_origin_listed_by_mistake_is_removed_from_the_list_it_is_in() -> None:
    app = cors_app(allow_origins=["https://app.example.com", "http://app.example.com", "null"])

    assert fix(app, "http://app.example.com") == (
        "remove 'http://app.example.com' from allow_origins: it is not one of the origins meant to have access"
    )
    assert fix(app, "null") == (
        "remove 'null' from allow_origins: any page can get the origin null (a sandboxed iframe, a data: URL), so it "
        "never identifies your page"
    )


def test_an_unanchored_starlette_regex_gets_an_anchored_and_escaped_suggestion_that_still_allows_the_origin() -> None:
    app = cors_app(allow_origin_regex=r"https://(app|admin).example.com")

    assert fix(app, "https://appxexample.com") == (
        "anchor and escape allow_origin_regex: 'https://(app|admin).example.com' also matches "
        r"'https://appxexample.com'; use r'^https://(app|admin)\.example\.com$'"
    )


def test_django_cors_headers_allow_all_is_fixed_in_its_own_setting(django_app: Any) -> None:
    assert fix(django_app) == (
        "set CORS_ALLOW_ALL_ORIGINS = False and list the allowed origins exactly in CORS_ALLOWED_ORIGINS: "
        "['https://app.example.com']"
    )


def test_flask_cors_wildcard_and_patterns_are_fixed_in_its_keyword_arguments() -> None:
    assert fix(flask_app(origins="*", supports_credentials=True)) == (
        "list the allowed origins exactly in origins in CORS(app, ...) instead of '*': ['https://app.example.com'] "
        "('*' with supports_credentials=True in CORS(app, ...) makes flask-cors answer every origin by name)"
    )
    pattern = re.compile(r"https://.*\.example\.com")
    assert fix(flask_app(origins=[pattern]), "https://evil.example.com") == (
        r"anchor and escape origins in CORS(app, ...): 'https://.*\.example\.com' also matches "
        r"'https://evil.example.com'; use r'^https://app\.example\.com$'"
    )


def test_a_server_whose_configuration_e2ekit_cannot_read_is_fixed_in_its_response_headers() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:  # an ASGI app that writes its headers by hand
        raise AssertionError("not called")

    assert fix(app) == (
        "send 'Access-Control-Allow-Origin' only when the request's Origin is exactly one of the allowed origins "
        "(https://app.example.com), never echoing it otherwise: the server answered 'https://evil.example' by name"
    )
    assert fix(app, allow_origin="*") == (
        "send 'Access-Control-Allow-Origin' only for the allowed origins, compared exactly, instead of '*' (allowed: "
        "https://app.example.com), unless the response is public"
    )


@pytest.mark.parametrize(
    ("pattern", "how", "hostile", "suggested"),
    [
        pytest.param(
            r"https://app.example.com", "fullmatch", "https://appxexample.com", r"^https://app\.example\.com$", id="dot"
        ),
        pytest.param(
            r"^https://app\.example\.com",
            "match",
            "https://app.example.com.evil.example",
            r"^https://app\.example\.com$",
            id="end-anchor",
        ),
        pytest.param(
            r"https://.*.example.com",
            "fullmatch",
            "https://evil-example.com",
            r"^https://(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*)?\.example\.com$",
            id="wildcard-kept-in-the-host",
        ),
        pytest.param(
            r"https://.*\.example\.com",
            "fullmatch",
            "https://evil.example.com",
            r"^https://app\.example\.com$",
            id="exact-fallback",
        ),
    ],
)
def test_the_suggested_pattern_matches_every_allowed_origin_and_not_the_hostile_one(
    pattern: str, how: str, hostile: str, suggested: str
) -> None:
    assert safer_pattern(pattern, ALLOWED, hostile, how) == suggested
    assert re.fullmatch(suggested, ALLOWED[0]) and not re.fullmatch(suggested, hostile)


def test_no_pattern_is_suggested_for_a_pattern_that_matches_no_allowed_origin() -> None:
    assert safer_pattern(r"https://other\.test", ALLOWED, "https://other.test") is None
