"""``e2ekit repro`` on the messages users paste: WebKit's one wording for a missing, invalid or mismatched
Access-Control-Allow-Origin, a message's status code as evidence, messages that name no URL (--path, --body), a page
whose origin is null, a preflight an authentication layer answered, and console dumps with several messages. Every
run is in all three engines; the pasted texts follow the public reports named in each test."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

APP = textwrap.dedent(
    """
    from fastapi import FastAPI, Request
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse

    def api(**cors):
        app = FastAPI()
        app.add_middleware(CORSMiddleware, **cors)

        @app.get("/next-pr-number-api/")
        def next_pr():
            return {"next": 4242}

        @app.get("/api/boom")
        def boom():
            raise RuntimeError("database is down")

        @app.put("/api/items")
        def put_items():
            return {"ok": True}

        return app

    # A proxy in front of the API answers 421 Misdirected Request itself, without CORS headers.
    misdirected = api(allow_origin_regex=r"http://localhost:\\d+")

    @misdirected.middleware("http")
    async def misdirect(request: Request, call_next):
        if request.url.path.startswith("/next-pr-number-api"):
            return PlainTextResponse("Misdirected Request", status_code=421)
        return await call_next(request)

    # The same API answering, but not to this page's origin.
    elsewhere = api(allow_origins=["https://ichard26.github.io"])

    # A login-required layer outside CORSMiddleware: every request without a session, OPTIONS included, goes to /login.
    login_required = api(allow_origin_regex=r"http://localhost:\\d+", allow_methods=["*"], allow_headers=["*"])

    @login_required.middleware("http")
    async def require_login(request: Request, call_next):
        if request.url.path != "/login" and "sid" not in request.cookies:
            return RedirectResponse("/login", status_code=302)
        return await call_next(request)

    # A bearer-token check outside CORSMiddleware, as flask-cors #170's before_request: preflights get 401.
    token_required = api(allow_origin_regex=r"http://localhost:\\d+", allow_headers=["Authorization"])

    @token_required.middleware("http")
    async def require_token(request: Request, call_next):
        if "authorization" not in request.headers:
            return JSONResponse({"detail": "Not authenticated"}, status_code=401)
        return await call_next(request)

    # /api/items behind the login layer, /api/boom raising: the two failures of one console dump.
    partly_login_required = api(allow_origin_regex=r"http://localhost:\\d+", allow_methods=["*"], allow_headers=["*"])

    @partly_login_required.middleware("http")
    async def require_login_for_items(request: Request, call_next):
        if request.url.path.startswith("/api/items") and "sid" not in request.cookies:
            return RedirectResponse("/login", status_code=302)
        return await call_next(request)

    # Nothing but the page's own origin is allowed: a sandboxed page (Origin: null) is refused.
    own_origin_only = api(allow_origins=["http://localhost:5173"])
    """
)

WEBKIT_421 = (
    "[Error] Origin http://localhost:5173 is not allowed by Access-Control-Allow-Origin. Status code: 421\n"
    "[Error] Fetch API cannot load http://127.0.0.1:8000/next-pr-number-api/?owner=psf&name=black due to access "
    "control checks.\n"
    "[Error] Failed to load resource: Origin http://localhost:5173 is not allowed by Access-Control-Allow-Origin. "
    "Status code: 421"
)
ENGINES = ["chromium", "firefox", "webkit"]


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "pasted.py").write_text(APP)
    return tmp_path


def repro(app_dir: Path, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    # --page-origin without a port: e2ekit picks one, so runs side by side never compete for the message's port.
    command = [sys.executable, "-m", "e2ekit._cli", "repro", text, "--page-origin", "http://localhost", *args]
    return subprocess.run(command, cwd=app_dir, capture_output=True, text=True, timeout=240)


def repro_json(app_dir: Path, text: str, *args: str) -> tuple[int, dict[str, Any]]:
    run = repro(app_dir, text, "--json", "--browser", "all", *args)
    assert run.stderr == "", run.stderr
    return run.returncode, json.loads(run.stdout)


def heads(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if ": REPRODUCED" in line or ": NOT REPRODUCED" in line]


def test_webkits_origin_not_allowed_with_a_status_is_reproduced_by_a_421_without_cors_headers_in_every_engine(
    app_dir: Path,
) -> None:
    """https://github.com/ichard26/next-pr-number/issues/7: Safari says "Origin ... is not allowed by
    Access-Control-Allow-Origin. Status code: 421"; the API's proxy answered 421 without CORS headers."""
    run = repro(app_dir, WEBKIT_421, "--app", "pasted:misdirected", "--browser", "all")

    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[0] == (
        "reported: webkit says cors-check.origin-not-allowed (console only: Access-Control-Allow-Origin missing, "
        "invalid or another origin (WebKit words all three alike))"
    )
    note = "(same cause; this app's response makes it cors-check.missing-allow-origin; status 421 as in the message)"
    assert heads(run.stdout) == [
        f"chromium (playwright): REPRODUCED {note}",
        f"firefox (webdriver): REPRODUCED {note}",
        f"webkit (webdriver): REPRODUCED {note}",
    ]
    assert run.stdout.rstrip().endswith("reproduced in 3 of 3 engines: chromium, firefox, webkit")


def test_the_status_in_a_message_tells_a_response_without_cors_headers_from_an_origin_left_out(app_dir: Path) -> None:
    """The same report against an app that answers 200 but allows another origin: same wording, another cause."""
    code, document = repro_json(app_dir, WEBKIT_421, "--app", "pasted:elsewhere")

    assert code == 1
    assert {r["engine"]["name"]: r["reproduced"] for r in document["results"]} == dict.fromkeys(ENGINES, False)
    run = repro(app_dir, WEBKIT_421, "--app", "pasted:elsewhere", "--browser", "chromium")
    assert heads(run.stdout) == [
        "chromium (playwright): NOT REPRODUCED: blocked for the same check, but the message says status 421 and this "
        "app answered 200"
    ]


def test_a_message_that_names_no_url_is_fetched_at_path_and_the_assumption_line_says_so(app_dir: Path) -> None:
    """https://github.com/ichard26/next-pr-number/issues/7 again: the "Failed to load resource" line alone, which is
    all many forum posts quote."""
    line = WEBKIT_421.splitlines()[2]

    without = repro(app_dir, line, "--app", "pasted:misdirected", "--browser", "chromium")
    with_path = repro(
        app_dir, line, "--app", "pasted:misdirected", "--browser", "all", "--path", "/next-pr-number-api/?owner=psf"
    )

    assert without.returncode == 1
    assert "assumed: the message names no URL: fetching /; set --path (and --body) to the request's path and body" in (
        without.stdout.splitlines()
    )
    assert heads(without.stdout) == [
        "chromium (playwright): NOT REPRODUCED: this app's response was allowed (status 404; the message says 421)"
    ]
    assert with_path.returncode == 0, with_path.stdout + with_path.stderr
    assert "assumed: the message names no URL: fetching /next-pr-number-api/?owner=psf, as --path says" in (
        with_path.stdout.splitlines()
    )
    assert with_path.stdout.rstrip().endswith("reproduced in 3 of 3 engines: chromium, firefox, webkit")


def test_body_sends_the_requests_own_body(app_dir: Path) -> None:
    text = (
        "Access to fetch at 'http://127.0.0.1:8000/api/items' from origin 'http://localhost:5173' has been blocked by "
        "CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."
    )

    code, document = repro_json(app_dir, text, "--app", "pasted:elsewhere", "--body", '{"name": "ada"}')

    assert document["request"]["probe"]["body"] == '{"name": "ada"}'
    assert all(r["exchanges"][0]["method"] == "OPTIONS" for r in document["results"])
    assert code == 1  # this app refuses the origin first: the preflight fails on the origin, not the method


def test_a_null_origin_is_replayed_from_a_sandboxed_page_and_the_fix_is_a_real_origin_never_null(
    app_dir: Path,
) -> None:
    """https://github.com/izuzak/pmrpc/issues/18 ("Origin 'null' is therefore not allowed access") and
    https://github.com/cyu/rack-cors/pull/134 (allowing null lets any sandboxed page in)."""
    text = (
        "Access to fetch at 'http://127.0.0.1:8000/next-pr-number-api/' from origin 'null' has been blocked by CORS "
        "policy: No 'Access-Control-Allow-Origin' header is present on the requested resource. If an opaque response "
        "serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled."
    )
    command = [sys.executable, "-m", "e2ekit._cli", "repro", text, "--app", "pasted:own_origin_only", "--json"]
    run = subprocess.run([*command, "--browser", "all"], cwd=app_dir, capture_output=True, text=True, timeout=240)
    document = json.loads(run.stdout)

    assert run.returncode == 0, run.stdout + run.stderr
    assert document["request"]["opaque_page"] is True
    assert document["request"]["assumptions"] == [
        "the message names the page origin null, an opaque origin (a sandboxed iframe, a file: page or a data: URL): "
        "the request is sent from a sandboxed page on http://localhost, so it carries Origin: null; set "
        "--page-origin to send it from a real origin instead"
    ]
    for result in document["results"]:
        assert result["reproduced"] is True
        assert result["page_origin"] == "null"
        assert ["origin", "null"] in result["exchanges"][0]["request_headers"]
        assert result["explanation"]["fix"] == (
            "serve the page from a real http(s) origin and list that origin in allow_origins: the page's origin is "
            "opaque ('null'), e.g. a sandboxed iframe or a file: page; allowing 'null' is unsafe: every sandboxed "
            "iframe and file: page of any site sends it"
        )


AUTH_FIX = (
    "browsers never send cookies or Authorization with a preflight, so it never reached CORSMiddleware; or put "
    "CORSMiddleware outermost (first in middleware=[...], or the last add_middleware call), so that CORSMiddleware "
    "answers preflights before authentication does"
)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Access to fetch at 'http://127.0.0.1:8000/api/items' from origin 'http://localhost:5173' has been blocked "
            "by CORS policy: Response to preflight request doesn't pass access control check: Redirect is not allowed "
            "for a preflight request.",
            id="chromium",
        ),
        pytest.param(
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
            "http://127.0.0.1:8000/api/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status "
            "code: 302.",
            id="firefox",
        ),
    ],
)
def test_a_preflight_redirected_to_a_login_page_is_reproduced_and_let_through_the_auth_layer(
    app_dir: Path, text: str
) -> None:
    """https://github.com/Uninett/mod_auth_mellon/issues/117: the preflight never carries the session cookie, so the
    login layer redirects it; Chromium says "Redirect is not allowed", Firefox "missing ... Status code: 302"."""
    code, document = repro_json(
        app_dir, text, "--app", "pasted:login_required", "--method", "PUT", "--header", "Content-Type: application/json"
    )

    assert code == 0, document
    for result in document["results"]:
        assert result["reproduced"] is True
        assert result["explanation"]["check"] == "preflight.redirect"
        assert result["explanation"]["fix"] == (
            f"let OPTIONS preflights through the authentication layer that redirected it to '/login': {AUTH_FIX}"
        )


def test_a_safari_preflight_refused_401_is_sent_with_authorization_and_let_through_the_auth_layer(
    app_dir: Path,
) -> None:
    """https://github.com/corydolphin/flask-cors/issues/170 (a before_request that answers 401 catches the
    preflight) in Safari's words, which name neither the method nor the header."""
    text = (
        "[Error] Preflight response is not successful. Status code: 401\n"
        "[Error] Fetch API cannot load http://127.0.0.1:8000/next-pr-number-api/ due to access control checks."
    )

    code, document = repro_json(app_dir, text, "--app", "pasted:token_required")

    assert code == 0, document
    assert document["request"]["probe"]["headers"] == [["Authorization", "Bearer e2ekit"]]
    assert document["request"]["assumptions"] == [
        "the message says the preflight got 401 but not what triggered it: sending GET with Authorization: Bearer "
        "e2ekit, as a page calls an API behind authentication; set --method and --header to match the real request"
    ]
    for result in document["results"]:
        assert result["reproduced"] is True
        assert result["explanation"]["fix"] == (
            f"let OPTIONS preflights through the authentication layer that answered it 401: {AUTH_FIX}"
        )


def test_a_console_dump_with_several_messages_reproduces_each_distinct_request_and_ignores_the_noise(
    app_dir: Path,
) -> None:
    """A Firefox console as bug reports paste it (https://github.com/bearfrieze/litenin/issues/1 pastes three lines
    for one failure): each failed request's message, Firefox's follow-up "CORS request did not succeed", network
    lines and the rejected promise."""
    text = textwrap.dedent(
        """\
        Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://127.0.0.1:8000/api/boom. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 500.
        GET http://127.0.0.1:8000/api/boom [HTTP/1.1 500 Internal Server Error 3ms]
        Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://127.0.0.1:8000/api/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 302.
        Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://127.0.0.1:8000/api/items. (Reason: CORS request did not succeed). Status code: (null).
        Uncaught (in promise) TypeError: NetworkError when attempting to fetch resource.
        """
    )

    run = repro(app_dir, text, "--app", "pasted:partly_login_required", "--browser", "all")
    lines = run.stdout.splitlines()

    assert lines[:2] == [
        "reported: 3 CORS messages about 2 distinct requests; other lines ignored",
        "CORS configuration: Starlette CORSMiddleware",
    ]
    assert [line for line in lines if line.startswith(("== request", "request:", "  also:"))] == [
        "== request 1 of 2 ==",
        "request: GET /api/boom from http://localhost to http://127.0.0.1:8000, credentials same-origin",
        "== request 2 of 2 ==",
        "  also: Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
        "http://127.0.0.1:8000/api/items. (Reason: CORS request did not succeed). Status code: (null).",
        "request: GET /api/items from http://localhost to http://127.0.0.1:8000, credentials same-origin",
    ]
    assert lines[-1] == "reproduced 2 of 2 requests in every engine"
    assert run.returncode == 0, run.stdout + run.stderr
