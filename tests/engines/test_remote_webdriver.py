"""Engines at a WebDriver endpoint the kit does not start (``NAME:http://HOST:PORT``): a standalone driver and a
Selenium Grid 4, each on 127.0.0.1 as a stand-in for one on another machine. The browser reaches the kit's origins
through its forward proxy, named in the session's capabilities, and gives the verdicts a local browser gives
(issue 14).

What these tests need beyond the engines themselves: geckodriver, chromedriver (Debian's ``chromium-driver``),
WebKitWebDriver, and for the Grid Java 11+ and Selenium's standalone jar (``GRID_INSTALL``, or ``E2EKIT_SELENIUM_JAR``).
Where one is missing a test skips, except on CI (``CI`` set, or ``--e2e-require-engines``), where it fails.
"""

from __future__ import annotations

import os
import socket
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psutil
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from e2ekit import (
    EngineConfigError,
    EngineSpec,
    EngineUnavailable,
    Session,
    Topology,
    Verdict,
    launch_engine,
    load_scenarios,
    run_scenarios,
)
from e2ekit._engines.exposure import EXPOSE_VARIABLE, exposure
from e2ekit._engines.webdriver_server import GRID_INSTALL, WebDriverServer, find_grid_jar
from e2ekit._reports.comparison import report_differences
from e2ekit._reports.json_report import report_json

pytestmark = pytest.mark.e2e

CORPUS = Path(__file__).parents[2] / "scenarios"
SCENARIO_IDS = (
    "wildcard-credentials-with-cookie",  # a credentialed fetch that carries a cookie, allowed
    "cookie-unset-cross-site",  # the same cookie kept off a cross-site request
    "credentials-flag-missing",  # credentials without Access-Control-Allow-Credentials: blocked
    "method-not-in-list",  # a preflight refused
    "preflight-redirected",
)
NAMED_ORIGINS = """
[[scenario]]
id = "named-https-origins-with-ports"
title = "Origins that only the kit's forward proxy answers: host names, explicit ports, https"
page = "https://app.example.test:8443"
target = "https://api.example.test:9443"
cors = { allow_origins = ["https://app.example.test:8443"], allow_credentials = true }
[[scenario.probe]]
path = "/api"
credentials = "include"
expect = "allowed"
"""
STANDALONE_DRIVERS: dict[str, Callable[[], WebDriverServer]] = {
    "firefox": WebDriverServer.geckodriver,
    "chromium": WebDriverServer.chromedriver,
    "webkit": WebDriverServer.webkitwebdriver,
}
EXIT_TIMEOUT = 10.0


def required(config: pytest.Config, what: Callable[[], WebDriverServer]) -> WebDriverServer:
    """``what()``, an endpoint not yet started; skipped where its parts are missing, failed on CI."""
    try:
        return what()
    except EngineUnavailable as missing:
        if os.environ.get("CI") or config.getoption("e2e_require_engines"):
            pytest.fail(f"required here: {missing}", pytrace=False)
        pytest.skip(str(missing))


def chosen(config: pytest.Config, name: str) -> None:
    """Skip unless engine ``name`` is among the engines of this run."""
    if name not in (config.getoption("browser") or ["chromium"]):
        pytest.skip(f"{name} is not among the engines of this run (--browser, --e2e-engine)")


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """A few corpus scenarios, and one whose origins only the forward proxy answers (the proxy is in use)."""
    named = tmp_path_factory.mktemp("scenarios") / "named.toml"
    named.write_text(NAMED_ORIGINS)
    picked = [scenario for scenario in load_scenarios([str(CORPUS)]) if scenario.id in SCENARIO_IDS]
    assert sorted(scenario.id for scenario in picked) == sorted(SCENARIO_IDS)
    return [*picked, *load_scenarios([str(named)])]


@pytest.fixture(scope="module")
def local_report(scenarios: list[Any]) -> Callable[[str], dict[str, Any]]:
    """The report of the scenarios in the local engine ``name``, run once per module."""
    reports: dict[str, dict[str, Any]] = {}

    def report(name: str) -> dict[str, Any]:
        if name not in reports:
            with Topology() as topology:
                run = run_scenarios(scenarios, [EngineSpec(name)], topology=topology)
            reports[name] = report_json(run.outcomes)
        return reports[name]

    return report


def remote_report(scenarios: list[Any], spec: str) -> tuple[dict[str, Any], Any]:
    """The report of ``scenarios`` in the engine ``spec`` names, and the engine's description; the credentialed
    cases pass (the cookie sent, the named https origins reached through the proxy)."""
    with Topology() as topology:
        run = run_scenarios(scenarios, [EngineSpec.parse(spec)], topology=topology)
    (engine,) = {outcome.result.engine for outcome in run.outcomes if outcome.result is not None}
    with_cookie = next(o for o in run.outcomes if o.scenario.id == "wildcard-credentials-with-cookie")
    assert with_cookie.result is not None
    assert (with_cookie.verdict, with_cookie.result.cookie_sent, with_cookie.passed) == (Verdict.ALLOWED, True, True)
    named = next(o for o in run.outcomes if o.scenario.id == "named-https-origins-with-ports")
    assert named.result is not None
    assert (named.verdict, named.result.status, named.passed) == (Verdict.ALLOWED, 200, True)
    return report_json(run.outcomes), engine


@pytest.mark.parametrize("name", ["firefox", "chromium", "webkit"])
def test_a_browser_at_a_standalone_webdriver_endpoint_gives_the_local_verdicts_credentialed_cookie_included(
    request: pytest.FixtureRequest, scenarios: list[Any], local_report: Callable[[str], dict[str, Any]], name: str
) -> None:
    chosen(request.config, name)
    with required(request.config, STANDALONE_DRIVERS[name]) as endpoint:
        assert listening_addresses(endpoint.own_processes()) <= {"127.0.0.1", "::1"}
        remote, engine = remote_report(scenarios, f"{name}:{endpoint.endpoint}")
        _, alive = psutil.wait_procs(endpoint.session_processes(), timeout=EXIT_TIMEOUT)
        assert alive == [], "the endpoint's browser outlived the engine's session"

    assert report_differences(local_report(name), remote) == []
    assert (engine.name, engine.backend, engine.executable, engine.endpoint) == (
        name,
        "webdriver-remote",
        None,
        endpoint.endpoint,
    )
    assert engine.version == local_report(name)["engines"][0]["version"]
    assert engine.console_capture is (name == "firefox")  # Firefox's console over BiDi; the others' classic only


@pytest.fixture(scope="module")
def grid(request: pytest.FixtureRequest) -> Iterator[WebDriverServer]:
    """A Selenium Grid 4 standalone on 127.0.0.1, serving Firefox (and Chromium, when it is among the engines),
    for the module; nothing of it is left once it stops."""
    with_chromium = "chromium" in (request.config.getoption("browser") or ["chromium"])
    server = required(request.config, lambda: WebDriverServer.grid(chromium=with_chromium))
    with server:
        assert listening_addresses(server.processes.members()) == {"127.0.0.1"}
        yield server
    assert server.processes.members() == []


@pytest.mark.parametrize("name", ["firefox", "chromium"])
def test_a_browser_through_a_selenium_grid_gives_the_local_verdicts_credentialed_cookie_included(
    request: pytest.FixtureRequest, scenarios: list[Any], local_report: Callable[[str], dict[str, Any]], name: str
) -> None:
    chosen(request.config, name)
    server = request.getfixturevalue("grid")

    remote, engine = remote_report(scenarios, f"{name}:{server.endpoint}")

    assert report_differences(local_report(name), remote) == []
    assert (engine.name, engine.backend, engine.endpoint) == (name, "webdriver-remote", server.endpoint)


def listening_addresses(processes: list[psutil.Process]) -> set[str]:
    """The addresses ``processes`` listen on (IPv4-mapped IPv6 addresses as IPv4)."""
    found = set()
    for process in processes:
        for connection in process.net_connections(kind="inet"):
            if connection.status == psutil.CONN_LISTEN and connection.laddr:
                found.add(connection.laddr.ip.removeprefix("::ffff:"))
    return found


def explicit_ports_app(page: str) -> Starlette:
    return Starlette(
        routes=[Route("/api", lambda request: PlainTextResponse("hello"))],
        middleware=[Middleware(CORSMiddleware, allow_origins=[page], allow_credentials=True)],
    )


def test_with_an_exposure_the_remote_browser_is_told_to_use_the_exposed_proxy_and_reaches_explicit_ports(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen(request.config, "chromium")
    monkeypatch.setenv(EXPOSE_VARIABLE, "127.0.0.2")  # a loopback address too: nothing beyond it in a test
    before = exposure()
    assert before is not None
    connections = before.connections
    app = explicit_ports_app("http://app.example.test:3000")
    with required(request.config, WebDriverServer.chromedriver) as endpoint, Topology() as topology:
        worker = launch_engine(EngineSpec.parse(f"chromium:{endpoint.endpoint}"))
        try:
            with Session(worker, topology) as session:
                result = session.fetch(
                    app, "/api", page_origin="http://app.example.test:3000",
                    target_origin="https://api.example.test:8443", credentials="include",
                )  # fmt: skip
        finally:
            worker.close()

    assert (result.verdict, result.status, result.body) == (Verdict.ALLOWED, 200, "hello")
    assert result.engine.backend == "webdriver-remote"
    assert before.connections > connections  # the browser's requests came through the exposed address


def test_an_interrupted_remote_engine_ends_its_session_and_the_endpoints_browser_with_it(
    request: pytest.FixtureRequest,
) -> None:
    chosen(request.config, "chromium")
    with required(request.config, WebDriverServer.chromedriver) as endpoint:
        worker = launch_engine(EngineSpec.parse(f"chromium:{endpoint.endpoint}"))
        browsers = endpoint.session_processes()
        try:
            worker.interrupt()  # what Ctrl-C does: the session is deleted from this thread, before any close()
            _, alive = psutil.wait_procs(browsers, timeout=EXIT_TIMEOUT)
        finally:
            worker.close()
        endpoint_alive = [process.is_running() for process in endpoint.own_processes()]

    assert browsers, "the endpoint started no browser"
    assert alive == []
    assert worker.processes.members() == []
    assert endpoint_alive == [True]  # the endpoint itself is not the kit's to stop


class _WebPage(BaseHTTPRequestHandler):
    """A web server that is not a WebDriver endpoint: a page for every request."""

    def do_GET(self) -> None:
        body = b"<html><body>It works!</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def bad_endpoint(kind: str, driver: WebDriverServer | None) -> Iterator[str]:
    """An endpoint on 127.0.0.1 that cannot give a session, as an engine spec; ``driver`` for "refused"."""
    with ExitStack() as stack:
        if kind == "nothing-listens":
            held = stack.enter_context(socket.socket())
            held.bind(("127.0.0.1", 0))  # bound, not listening: a connection is refused
            yield f"firefox:http://127.0.0.1:{held.getsockname()[1]}/"
        elif kind == "not-webdriver":
            server = ThreadingHTTPServer(("127.0.0.1", 0), _WebPage)
            stack.callback(server.server_close)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            stack.callback(server.shutdown)
            yield f"firefox:http://127.0.0.1:{server.server_port}"
        else:  # a WebDriver endpoint for another browser: geckodriver asked for WebKit
            assert driver is not None
            yield f"webkit:{stack.enter_context(driver).endpoint}"


@pytest.mark.parametrize(
    ("kind", "error", "message"),
    [
        pytest.param(
            "nothing-listens",
            EngineConfigError,
            "firefox: nothing answers at the WebDriver endpoint {endpoint}: Connection refused",
            id="nothing-listens",
        ),
        pytest.param(
            "not-webdriver",
            EngineConfigError,
            "firefox: {endpoint} is not a WebDriver endpoint: expected a new session, found an answer without a "
            "session (a Selenium Grid 3 hub's endpoint ends in /wd/hub)",
            id="not-webdriver",
        ),
        pytest.param(
            "refused",
            EngineConfigError,
            "webkit: the WebDriver endpoint {endpoint} refused a session: Unable to find a matching set of "
            "capabilities",
            id="session-refused",
        ),
    ],
)
def test_a_bad_webdriver_endpoint_is_a_configuration_error_at_once_with_one_line_naming_it(
    request: pytest.FixtureRequest, kind: str, error: type[Exception], message: str
) -> None:
    driver = required(request.config, WebDriverServer.geckodriver) if kind == "refused" else None
    with bad_endpoint(kind, driver) as spec, pytest.raises(error) as refused:
        launch_engine(EngineSpec.parse(spec))

    assert str(refused.value) == message.format(endpoint=spec.partition(":")[2])


APP = textwrap.dedent(
    """
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    app = Starlette(routes=[Route("/api", lambda request: PlainTextResponse("hello"))])
    """
)


def test_an_endpoint_beyond_loopback_without_an_exposure_is_refused_before_anything_is_sent_to_it(
    tmp_path: Path,
) -> None:
    import subprocess

    (tmp_path / "remote_app.py").write_text(APP)
    env = {key: value for key, value in os.environ.items() if key != EXPOSE_VARIABLE}
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): no machine answers there, and nothing is sent to it.
    run = subprocess.run(
        [sys.executable, "-m", "e2ekit._cli", "check", "remote_app:app", "--path", "/api",
         "--browser", "firefox:http://192.0.2.1:4444/wd/hub"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert run.returncode == 2
    assert run.stdout.splitlines()[0] == (
        "firefox:http://192.0.2.1:4444/wd/hub: ENGINE ERROR: firefox: the WebDriver endpoint "
        "http://192.0.2.1:4444/wd/hub is not on loopback, so its browser cannot reach the kit's origins, which listen "
        f"on loopback only: set {EXPOSE_VARIABLE}=ADDRESS[:PORT] (--e2e-expose), an address of this machine that the "
        'browser reaches or the near end of a tunnel (docs/scaling.md, "Remote WebDriver")'
    )
    assert "Traceback" not in run.stdout + run.stderr


def test_the_grid_jar_is_found_where_the_documented_install_line_puts_it_or_where_the_variable_points(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    jar = tmp_path / "selenium-server-4.20.0.jar"
    jar.write_bytes(b"")
    monkeypatch.setenv("E2EKIT_SELENIUM_JAR", str(jar))
    given = find_grid_jar()
    monkeypatch.setenv("E2EKIT_SELENIUM_JAR", str(tmp_path / "missing.jar"))
    missing = find_grid_jar()

    documented = (
        f"npm install --prefix {os.path.expanduser('~')}/.cache/e2ekit/selenium-server --ignore-scripts --no-audit "
        "--no-fund @nightwatch/selenium-server@4.20.0"
    )
    assert (given, missing) == (str(jar), None)
    assert documented == GRID_INSTALL
