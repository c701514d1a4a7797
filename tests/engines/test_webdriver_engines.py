"""Firefox and WebKit through WebDriver, launched and probed for real: results, console capture, isolation."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from e2ekit import EngineError, EngineSpec, EngineWorker, Probe, Session, Topology, Verdict, launch_engine
from e2ekit._engines.orphans import tagged_processes
from e2ekit._engines.selection import resolve_engine
from tests.apps import cors_app
from tests.engines.availability import require_webdriver_backend
from tests.reliability.kit_runs import stale_display_files

pytestmark = pytest.mark.e2e

FIREFOX_WILDCARD_MESSAGE = (
    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘{url}’. "
    "(Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’)."
)


def test_firefox_and_webkit_start_through_webdriver_and_name_backend_version_and_console_capture(
    webdriver_engine: EngineWorker,
) -> None:
    info = webdriver_engine.info
    plan = resolve_engine(EngineSpec(info.name, backend="webdriver"))

    assert info.backend == "webdriver"
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?", info.version), info.version
    assert info.executable == plan.executable
    # Console messages arrive only over WebDriver BiDi, which Firefox speaks and WebKitGTK and Safari do not.
    assert plan.webdriver is not None
    assert info.console_capture is plan.webdriver.bidi


def test_a_wildcard_origin_with_credentials_is_blocked_with_each_engines_own_javascript_error_and_console(
    webdriver_engine: EngineWorker, e2e_topology: Topology
) -> None:
    app = cors_app(allow_origins=["*"])

    with Session(webdriver_engine, e2e_topology) as session:
        result = session.fetch(app, "/api", credentials="include")

    assert result.verdict is Verdict.BLOCKED
    assert result.requests[0].status == 200
    assert result.requests[0].response_header("access-control-allow-origin") == "*"
    assert result.status is None
    if webdriver_engine.name == "firefox":
        assert result.js_error == "TypeError: NetworkError when attempting to fetch resource."
        assert result.console == (FIREFOX_WILDCARD_MESSAGE.format(url=result.target_url),)
    else:
        assert result.js_error == "TypeError: Load failed"
    if not webdriver_engine.info.console_capture:
        assert result.console is None  # no BiDi (WebKitGTK, Safari): unknown, not "no message"


def cookies_sent_in_this_session_and_the_next(
    worker: EngineWorker, topology: Topology, app: object, hosts: tuple[str, ...]
) -> tuple[list[str | None], list[str | None]]:
    """The cookie each host's /api got from a same-origin page after a visit to its /login, in that session, then in
    the next session of the same engine."""
    first = Session(worker, topology)
    pairs = [first.origins(host, host) for host in hosts]
    sent = []
    for session, visit in ((first, True), (Session(worker, topology), False)):
        with session:
            if visit:
                for _, target in pairs:
                    session.visit(app, "/login", target_origin=str(target))
            results = [
                session.fetch(app, "/api", page_origin=str(page), target_origin=str(target), credentials="include")
                for page, target in pairs
            ]
        sent.append([result.requests[0].cookie for result in results])
    return sent[0], sent[1]


def test_the_cookies_of_one_session_are_gone_in_the_next_on_every_host_it_used(
    webdriver_engine: EngineWorker, e2e_topology: Topology
) -> None:
    app = cors_app(allow_origin_regex=r"http://(localhost|127\.0\.0\.1):\d+", allow_credentials=True)

    before, after = cookies_sent_in_this_session_and_the_next(
        webdriver_engine, e2e_topology, app, ("http://localhost", "http://127.0.0.1")
    )

    assert (before, after) == (["sid=abc123", "sid=abc123"], [None, None])


def test_a_cookie_is_gone_in_the_next_session_where_the_visited_page_refuses_fetch_or_the_host_is_not_secure(
    webdriver_engine: EngineWorker, e2e_topology: Topology
) -> None:
    # Classic WebDriver clears a host's cookies with Clear-Site-Data fetched from the visited page: a page whose
    # Content-Security-Policy refuses the fetch gets the clearing page loaded instead, and on a host that is not a
    # secure context (Clear-Site-Data does nothing there) the driver deletes the cookies.
    async def login(request: object) -> PlainTextResponse:
        response = PlainTextResponse("in", headers={"content-security-policy": "connect-src 'none'"})
        response.set_cookie("sid", "abc123")
        return response

    async def api(request: object) -> PlainTextResponse:
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/login", login), Route("/api", api)])

    before, after = cookies_sent_in_this_session_and_the_next(
        webdriver_engine, e2e_topology, app, ("http://localhost", "http://app.example.test")
    )

    assert (before, after) == (["sid=abc123", "sid=abc123"], [None, None])


def test_a_preflight_cached_for_one_probe_never_answers_for_the_next(
    webdriver_engine: EngineWorker, e2e_topology: Topology
) -> None:
    allowing = cors_app(allow_origins=["*"], allow_methods=["PUT"], max_age=600)
    refusing = cors_app(allow_origins=["*"])

    with Session(webdriver_engine, e2e_topology) as session:
        first = session.fetch(allowing, "/api", method="PUT")
        second = session.fetch(refusing, "/api", method="PUT")

    assert first.verdict is Verdict.ALLOWED
    assert first.preflight is not None
    assert first.preflight.response_header("access-control-max-age") == "600"
    assert second.verdict is Verdict.BLOCKED
    assert second.preflight is not None
    assert second.preflight.status == 400
    assert not second.reached_app


def test_two_hundred_probes_run_in_one_batch_and_each_reaches_its_own_url(
    webdriver_engine: EngineWorker, e2e_topology: Topology
) -> None:
    app = Starlette(
        routes=[Route("/n/{n}", lambda request: PlainTextResponse(request.path_params["n"]))],
        middleware=[Middleware(CORSMiddleware, allow_origins=["*"])],
    )
    with Session(webdriver_engine, e2e_topology) as session:
        results = session.run(app, [Probe(f"/n/{n}") for n in range(200)])

    assert [result.body for result in results] == [str(n) for n in range(200)]
    assert {result.verdict for result in results} == {Verdict.ALLOWED}


# Passes geckodriver's check of the binary (it asks for the version), then dies as a broken browser would.
BROKEN_BROWSER = """#!/bin/sh
case "$1" in --version|-v) echo "Mozilla Firefox 153.7.0esr"; exit 0;; esac
echo "broken browser: cannot start" >&2
exit 3
"""


def _broken_browser(directory: Path) -> str:
    path = directory / "browser"
    path.write_text(BROKEN_BROWSER)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def _what_e2ekit_left(name: str) -> tuple[set[str], set[str], set[str]]:
    """This test process's sessions of ``name``: tokens still running, temporary directories; and stale X display
    files (their server is gone), whoever made them."""
    mine = f"e2ekit-{name}-{os.getpid()}-"
    tokens = {token for token in tagged_processes() if token.startswith(mine)}
    temp_dirs = {str(path) for path in Path(tempfile.gettempdir()).glob(f"{mine}*")}
    numbers = [int(path.name[2:-5]) for path in Path("/tmp").glob(".X*-lock") if path.name[2:-5].isdigit()]
    return tokens, temp_dirs, {path for number in numbers for path in stale_display_files(number)}


@pytest.mark.parametrize("name", ["firefox", "webkit"])
def test_a_browser_that_fails_to_start_leaves_no_process_display_or_temporary_directory(
    name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    require_webdriver_backend(request.config, name)
    before = _what_e2ekit_left(name)

    with pytest.raises(EngineError) as error:
        launch_engine(EngineSpec(name, executable=_broken_browser(tmp_path)))

    assert str(error.value) == (
        f"{name} failed to start: the browser process exited (it crashed or was killed);"
        " its last output: broken browser: cannot start"
    )
    assert _what_e2ekit_left(name) == before
