"""Django with django-cors-headers, served as Django's own ASGI handler, in real browsers: the fix speaks its
CORS_* settings. Django's settings are configured once per process (tests/frameworks/django_project.py); each test
sets the CORS settings it needs with ``override_settings``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from e2ekit import Session
from e2ekit._frameworks import detect
from tests.frameworks.django_project import application


@pytest.fixture(autouse=True)
def default_cors_settings() -> Iterator[None]:
    """No CORS setting from another test leaks in."""
    with override_settings(CORS_ALLOWED_ORIGINS=[], CORS_ALLOW_ALL_ORIGINS=False, CORS_ALLOW_CREDENTIALS=False):
        yield


def test_django_allows_a_credentialed_fetch_from_an_allowed_origin(e2e_session: Session) -> None:
    page, _ = e2e_session.origins()

    with override_settings(CORS_ALLOWED_ORIGINS=[str(page)], CORS_ALLOW_CREDENTIALS=True):
        result = e2e_session.fetch(application, "/api/me", credentials="include")

    assert result.allowed
    assert result.header("access-control-allow-credentials") is None  # not exposed to JavaScript, but sent
    assert result.exchanges[-1].response_header("access-control-allow-credentials") == "true"


def test_django_allow_all_origins_with_credentials_is_fixed_in_its_own_settings(e2e_session: Session) -> None:
    page, _ = e2e_session.origins()

    with override_settings(CORS_ALLOW_ALL_ORIGINS=True):
        result = e2e_session.fetch(application, "/api/me", credentials="include")

    assert result.blocked
    assert result.explanation is not None
    assert result.explanation.check == "cors-check.wildcard-with-credentials"
    assert result.explanation.fix == (
        f"set CORS_ALLOWED_ORIGINS = ['{page}'] instead of CORS_ALLOW_ALL_ORIGINS = True and set "
        "CORS_ALLOW_CREDENTIALS = True when credentials are included"
    )


def test_django_names_an_allowed_origin_written_without_its_scheme(e2e_session: Session) -> None:
    page, _ = e2e_session.origins()
    host = str(page).partition("://")[2]

    with override_settings(CORS_ALLOWED_ORIGINS=[host]):
        result = e2e_session.fetch(application, "/api/me")

    assert result.blocked
    assert result.explanation is not None
    assert result.explanation.check == "cors-check.missing-allow-origin"
    assert result.explanation.fix == f"list the origin with its scheme in CORS_ALLOWED_ORIGINS: '{page}', not '{host}'"


def test_django_detection_reads_the_live_settings() -> None:
    with override_settings(CORS_ALLOWED_ORIGIN_REGEXES=[r"localhost:\d+"], CORS_ALLOW_CREDENTIALS=True):
        setup = detect(application)

    assert setup.framework.name == "django-cors-headers"
    assert (setup.policy.origin_patterns, setup.policy.credentials, setup.policy.pattern_match) == (
        (r"localhost:\d+",),
        True,
        "match",
    )
