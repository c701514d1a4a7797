"""The pytest plugin, tested from the outside: a test file run by pytest with --browser."""

from __future__ import annotations

import pytest

TEST_FILE = """
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

app = Starlette(
    routes=[Route("/api", lambda request: PlainTextResponse("hello"))],
    middleware=[Middleware(CORSMiddleware, allow_origins=["*"])],
)

def test_a_plain_get_is_allowed(e2e_session, browser_name):
    result = e2e_session.fetch(app, "/api")
    assert result.allowed
    assert result.body == "hello"
    assert result.engine.name == browser_name

def test_credentials_with_a_wildcard_are_allowed(e2e_session):
    result = e2e_session.fetch(app, "/api", credentials="include")
    assert result.allowed
"""


def test_the_plugin_runs_each_test_in_the_named_engine_and_reports_the_results_of_a_failure(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_cors=TEST_FILE)

    outcome = pytester.runpytest_subprocess("--browser", "chromium", "-p", "no:cacheprovider")

    outcome.assert_outcomes(passed=1, failed=1)
    outcome.stdout.fnmatch_lines(
        [
            "*--- e2ekit results ---*",
            "BLOCKED in chromium * (playwright): GET http://127.0.0.1:*/api from http://localhost:* (cross-site), credentials include, * ms",
            "  JavaScript: TypeError: Failed to fetch",
            "  console: Access to fetch at 'http://127.0.0.1:*/api' from origin 'http://localhost:*' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header*",
        ]
    )


def test_every_public_fixture_explains_itself_in_pytest_fixtures(pytester: pytest.Pytester) -> None:
    outcome = pytester.runpytest_subprocess("--fixtures", "-p", "no:cacheprovider")

    for fixture, docstring in [
        ("e2e_topology [[]session scope[]]", "The origins of this test run (page and target), answered by *"),
        ("e2e_engine [[]session scope[]]", "The browser engine named by ``browser_name``, launched once per run; *"),
        (
            "new_e2e_session",
            "Factory for isolated browsing sessions in the test's engine, each with an empty cookie jar.",
        ),
        ("e2e_session", "A browsing session in the test's engine with an empty cookie jar: *"),
    ]:
        outcome.stdout.fnmatch_lines([f"{fixture} -- *", f"    {docstring}"])


def test_an_unknown_engine_spec_is_a_usage_error_that_names_the_fix(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_nothing="def test_nothing(): pass")

    outcome = pytester.runpytest_subprocess("--e2e-engine", "lynx", "-p", "no:cacheprovider")

    assert outcome.ret == pytest.ExitCode.USAGE_ERROR
    outcome.stderr.fnmatch_lines(
        ['ERROR: --e2e-engine: unknown engine "lynx": expected chromium, firefox, webkit or all*']
    )


@pytest.fixture
def no_browser_installed(pytester: pytest.Pytester) -> pytest.Pytester:
    """A test project whose pytest finds no browser: nothing on PATH, no Playwright browsers."""
    pytester.makepyfile(test_cors=TEST_FILE)
    pytester.makeconftest(
        """
        import os
        os.environ["PATH"] = "/nonexistent"
        os.environ["PLAYWRIGHT_BROWSERS_PATH"] = "/nonexistent"
        """
    )
    return pytester


def test_an_engine_that_is_not_installed_is_skipped_with_the_command_that_installs_it(
    no_browser_installed: pytest.Pytester,
) -> None:
    outcome = no_browser_installed.runpytest_subprocess("--browser", "chromium", "-rs", "-p", "no:cacheprovider")

    outcome.assert_outcomes(skipped=2)
    outcome.stdout.fnmatch_lines(
        ["SKIPPED * chromium is not installed: run `playwright install --with-deps chromium` (or, on Debian/Ubuntu*"]
    )


def test_require_engines_turns_a_missing_engine_into_a_failure(no_browser_installed: pytest.Pytester) -> None:
    outcome = no_browser_installed.runpytest_subprocess(
        "--browser", "chromium", "--e2e-require-engines", "-p", "no:cacheprovider"
    )

    outcome.assert_outcomes(errors=2)
    outcome.stdout.fnmatch_lines(
        ["*chromium could not be started: chromium is not installed: run `playwright install --with-deps chromium`*"]
    )


def test_an_engine_executable_that_does_not_exist_fails_the_tests_instead_of_skipping_them(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_cors=TEST_FILE)

    outcome = pytester.runpytest_subprocess("--e2e-engine", "chromium:/nonexistent/chrome", "-p", "no:cacheprovider")

    outcome.assert_outcomes(errors=2)
    outcome.stdout.fnmatch_lines(
        [
            '*chromium could not be started: chromium: the executable "/nonexistent/chrome" (from the engine spec) does not exist*'
        ]
    )
