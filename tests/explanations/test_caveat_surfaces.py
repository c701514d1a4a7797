"""Where users read the caveats: ``e2ekit check`` output, the pytest plugin's failure report and ``e2ekit repro``,
each in all three engines. The scenario matrix and the HTML report are pinned in tests/reports/test_caveat_reports.py.

The app is the "works in Safari, fails in Chrome" login of https://github.com/laravel/sanctum/pull/97: a session
cookie without SameSite, set by the API on 127.0.0.1 and needed by a page on localhost, plus a download whose
Content-Disposition is not exposed (https://github.com/axios/axios/issues/7142).
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

APP = textwrap.dedent(
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import JSONResponse, PlainTextResponse
    from starlette.routing import Route

    async def login(request):
        response = PlainTextResponse("logged in")
        response.headers["set-cookie"] = "sid=abc123; Path=/; HttpOnly"
        return response

    async def me(request):
        if "sid" not in request.cookies:
            return JSONResponse({"detail": "Not authenticated"}, status_code=401)
        return JSONResponse({"user": "ada"})

    async def download(request):
        return PlainTextResponse("id\\n1\\n", headers={"content-disposition": 'attachment; filename="report.csv"'})

    app = Starlette(
        routes=[Route("/login", login), Route("/api/me", me), Route("/download", download)],
        middleware=[
            Middleware(CORSMiddleware, allow_origin_regex=r"http://localhost:\\d+", allow_credentials=True)
        ],
    )
    """
)
CHROMIUM_COOKIE = (
    "  but: the GET /api/me request went without the cookie sid (no SameSite attribute) that "
    "http://127.0.0.1:PORT/login set earlier: Chromium 156 treats a cookie without SameSite as Lax, and a Lax cookie "
    "stays off a fetch() from a page on another site (the page is on localhost, the request goes to 127.0.0.1); "
    "WebKitGTK 2.50.6 sends it [cookie.samesite-default]"
)
FIREFOX_COOKIE = (
    "  but: the GET /api/me request went without the cookie sid (no SameSite attribute) that "
    "http://127.0.0.1:PORT/login set earlier: Firefox's Total Cookie Protection (network.cookie.cookieBehavior = 5, "
    "the default) keeps a jar of cookies per top-level site, so the cookie the API set when visited first-hand is "
    "not in the jar of requests from a page on another site (the page is on localhost, the request goes to "
    "127.0.0.1); WebKitGTK 2.50.6 sends it [cookie.third-party]"
)
STATUS_401 = (
    "  but: JavaScript read status 401 from GET /api/me: CORS let the page read it, but the app refused the request "
    '(it answered {"detail":"Not authenticated"}) [response.error-status]'
)


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "login_app.py").write_text(APP)
    return tmp_path


def e2ekit(app_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "e2ekit._cli", *args]
    return subprocess.run(command, cwd=app_dir, capture_output=True, text=True, timeout=240)


def without_ports(text: str) -> str:
    return re.sub(r"(127\.0\.0\.1|localhost):\d+", r"\1:PORT", text)


def test_check_says_in_each_engine_that_the_allowed_response_went_without_the_cookie_and_why(app_dir: Path) -> None:
    run = e2ekit(
        app_dir,
        "check",
        "login_app:app",
        "--visit",
        "/login",
        "--path",
        "/api/me",
        "--credentials",
        "include",
        "--browser",
        "all",
    )
    blocks = {block.split(" ", 3)[2]: block.splitlines() for block in without_ports(run.stdout).split("\n\n")[:3]}

    assert run.returncode == 0, run.stdout + run.stderr  # every engine allowed it: the caveats do not change that
    assert blocks["chromium"][blocks["chromium"].index(CHROMIUM_COOKIE) + 1 :][:3] == [
        "    fix: serve the page and the API from the same site (the same host name here, e.g. both on localhost; in "
        "production the same registrable domain, such as app.example.com and api.example.com); setting "
        "SameSite=None; Secure over https instead works only where third-party cookies are allowed (Chromium 156, "
        "Firefox ESR 153.8 and Safari block them)",
        STATUS_401,
        "    fix: make the cookie reach the app (see above): the app answers 401 without it",
    ]
    assert FIREFOX_COOKIE in blocks["firefox"]
    assert STATUS_401 in blocks["firefox"]
    # WebKitGTK sends the cookie (a missing SameSite is None there): the app answers 200, nothing to say.
    assert "  JavaScript: status 200, type cors" in blocks["webkit"]
    assert not [line for line in blocks["webkit"] if line.startswith("  but:")]


PLUGIN_TEST = textwrap.dedent(
    """
    from login_app import app

    def test_the_report_is_downloaded_with_its_file_name(e2e_session):
        result = e2e_session.fetch(app, "/download", page_origin="http://localhost")
        assert result.header("content-disposition") == 'attachment; filename="report.csv"'
    """
)


def test_the_plugins_failure_report_says_which_header_is_hidden_and_the_setting_that_exposes_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(login_app=APP, test_download=PLUGIN_TEST)

    outcome = pytester.runpytest_subprocess("--e2e-engine", "all", "--e2e-require-engines", "-p", "no:cacheprovider")

    outcome.assert_outcomes(failed=3)
    for engine in ("chromium", "firefox", "webkit"):
        outcome.stdout.fnmatch_lines(
            [
                f"ALLOWED in {engine} *: GET http://127.0.0.1:*/download from http://localhost:* (cross-site), *",
                "  why: the response passed the CORS check",
                "  but: JavaScript cannot read Content-Disposition, which the response to GET /download sent: a "
                "cross-origin response shows script only the CORS-safelisted headers (Cache-Control, "
                "Content-Language, Content-Length, Content-Type, Expires, Last-Modified, Pragma) and those "
                "Access-Control-Expose-Headers names, and the response had no Access-Control-Expose-Headers "
                "[[]response.header-not-exposed[]]",
                "    fix: add 'Content-Disposition' to expose_headers",
            ]
        )


def test_repro_of_a_message_the_app_does_not_reproduce_still_says_what_the_page_got(app_dir: Path) -> None:
    """The user pasted Chromium's wildcard message; this app answers with the page's origin, so the request is
    allowed, and what the page gets instead is the app's 401: repro logs nobody in."""
    text = (
        "Access to fetch at 'http://127.0.0.1:8000/api/me' from origin 'http://localhost:5173' has been blocked by "
        "CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard "
        "'*' when the request's credentials mode is 'include'."
    )

    run = e2ekit(
        app_dir, "repro", text, "--app", "login_app:app", "--page-origin", "http://localhost", "--browser", "all"
    )
    lines = without_ports(run.stdout).splitlines()

    assert run.returncode == 1
    assert [line for line in lines if "REPRODUCED" in line] == [
        "chromium (playwright): NOT REPRODUCED: this app's response was allowed",
        "firefox (webdriver): NOT REPRODUCED: this app's response was allowed",
        "webkit (webdriver): NOT REPRODUCED: this app's response was allowed",
    ]
    # No visit in repro: no cookie was set, so the 401 is the app's answer to a request without credentials.
    assert lines.count(STATUS_401) == 3
    assert (
        lines.count(
            "    fix: the request carried no cookie and no Authorization header: log in first in the same browser (e2ekit "
            "check --visit /login, session.visit(app, '/login')), or send the Authorization header the app expects"
        )
        == 3
    )
