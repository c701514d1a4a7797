"""Engines on a Playwright browser server: the browser runs in the server's process tree, reaches the kit's loopback
servers through the connection (``expose_network``), and gives the verdicts a local browser gives (issue 14).

The server here is ``playwright run-server`` on 127.0.0.1, started by each test and ended with it, with ``--unsafe``
so that the kit may ask it for the system Chromium (``executablePath`` in the launch options header) where
Playwright's own build is not installed.
"""

from __future__ import annotations

import ipaddress
import socket
import textwrap
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
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
from e2ekit._engines.endpoints import display_endpoint
from e2ekit._engines.exposure import EXPOSE_VARIABLE, exposure, parse_exposure
from e2ekit._engines.playwright_server import PlaywrightServer
from e2ekit._engines.selection import EnginePlan, resolve_engine
from e2ekit._reports.comparison import report_differences
from e2ekit._reports.json_report import report_json

pytestmark = pytest.mark.e2e

CORPUS = Path(__file__).parents[2] / "scenarios"
SCENARIO_IDS = (
    "wildcard-credentials-with-cookie",  # a credentialed fetch that carries a cookie, allowed
    "cookie-unset-cross-site",  # the same cookie kept off a cross-site request
    "credentials-flag-missing",  # credentials without Access-Control-Allow-Credentials: blocked
    "method-not-in-list",  # a preflight refused
    "simple-get-wildcard",
    "preflight-redirected",
)
EXIT_TIMEOUT = 10.0


@pytest.fixture
def local_chromium(request: pytest.FixtureRequest) -> EnginePlan:
    """How this machine runs Chromium; skipped (failed on CI) where it cannot."""
    if "chromium" not in (request.config.getoption("browser") or ["chromium"]):
        pytest.skip("chromium is not among the engines of this run (--browser, --e2e-engine)")
    try:
        return resolve_engine(EngineSpec("chromium"))
    except EngineUnavailable as missing:
        if request.config.getoption("e2e_require_engines"):
            pytest.fail(f"chromium is required here: {missing}", pytrace=False)
        pytest.skip(str(missing))


@pytest.fixture
def playwright_server(local_chromium: EnginePlan) -> Iterator[PlaywrightServer]:
    """A Playwright server on loopback for this test only: ready once it prints where it listens (a bounded wait),
    stopped with every browser it launched when the test ends."""
    with PlaywrightServer(unsafe=True) as server:
        yield server
    assert server.processes.members() == []


def server_launch_args(plan: EnginePlan) -> dict[str, Any]:
    """Playwright's launch arguments that make the server run the Chromium this machine has."""
    return {} if plan.playwright_build or plan.executable is None else {"executable_path": plan.executable}


def test_chromium_on_a_playwright_server_gives_the_local_verdicts_credentialed_cookie_included(
    playwright_server: PlaywrightServer, local_chromium: EnginePlan
) -> None:
    scenarios = [scenario for scenario in load_scenarios([str(CORPUS)]) if scenario.id in SCENARIO_IDS]
    assert sorted(scenario.id for scenario in scenarios) == sorted(SCENARIO_IDS)
    remote = EngineSpec.parse(f"chromium:{playwright_server.endpoint}")

    with Topology() as topology:
        local_run = run_scenarios(scenarios, [EngineSpec("chromium")], topology=topology)
        remote_run = run_scenarios(
            scenarios, [remote], topology=topology, launch_args=server_launch_args(local_chromium)
        )

    assert report_differences(report_json(local_run.outcomes), report_json(remote_run.outcomes)) == []
    (local_engine,) = {outcome.result.engine for outcome in local_run.outcomes if outcome.result is not None}
    (remote_engine,) = {outcome.result.engine for outcome in remote_run.outcomes if outcome.result is not None}
    assert remote_engine.to_json() == {
        "name": "chromium",
        "backend": "playwright-remote",
        "version": local_engine.version,
        "executable": None,
        "console_capture": True,
        "endpoint": playwright_server.endpoint,
    }
    with_cookie = next(o for o in remote_run.outcomes if o.scenario.id == "wildcard-credentials-with-cookie")
    assert with_cookie.result is not None
    assert (with_cookie.verdict, with_cookie.result.cookie_sent, with_cookie.passed) == (Verdict.ALLOWED, True, True)
    assert len(remote_run.outcomes) == len(local_run.outcomes) >= len(SCENARIO_IDS)


def test_a_remote_engine_starts_no_local_browser_and_the_servers_browser_ends_when_the_engine_closes(
    playwright_server: PlaywrightServer, local_chromium: EnginePlan
) -> None:
    worker = launch_engine(
        EngineSpec.parse(f"chromium:{playwright_server.endpoint}"), launch_args=server_launch_args(local_chromium)
    )
    try:
        own = worker.processes.members()
        browsers = [process for process in playwright_server.processes.members() if "chrom" in process.name()]
    finally:
        worker.close()

    assert own == []
    assert browsers, "the server launched no browser"
    _, alive = psutil.wait_procs(browsers, timeout=EXIT_TIMEOUT)
    assert alive == []


REMOTE_TESTS = textwrap.dedent(
    """
    import pytest
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    app = Starlette(
        routes=[Route("/api", lambda request: PlainTextResponse("hello"))],
        middleware=[Middleware(CORSMiddleware, allow_origins=["*"])],
    )


    @pytest.mark.parametrize("n", range(4))
    def test_a_get_through_the_server(e2e_session, worker_id, n):
        result = e2e_session.fetch(app, "/api")
        assert result.allowed and result.body == "hello"
        engine = result.engine
        line = f"{worker_id} {engine.backend} {engine.endpoint}"
        with open(f"served-{n}.txt", "w") as served:  # in the directory pytest runs in
            served.write(line)
    """
)
SCENARIO = """
[[scenario]]
id = "listed-origin"
title = "The page origin is listed"
cors = { allow_origins = ["{page}"] }
[[scenario.probe]]
path = "/api"
expect = "allowed"
"""


def test_xdist_workers_share_out_a_pool_of_servers_in_tests_and_scenarios_alike(
    pytester: pytest.Pytester, local_chromium: EnginePlan
) -> None:
    pytester.makepyfile(test_remote=REMOTE_TESTS)
    pytester.mkdir("scenarios")
    (pytester.path / "scenarios" / "listed.toml").write_text(SCENARIO)
    with PlaywrightServer(unsafe=True) as first, PlaywrightServer(unsafe=True) as second:
        endpoints = [
            server.endpoint
            if local_chromium.playwright_build
            else server.endpoint_launching(str(local_chromium.executable))
            for server in (first, second)
        ]
        outcome = pytester.runpytest_subprocess(
            "-n", "2", "-p", "no:cacheprovider", "--e2e-report", "report",
            *(option for endpoint in endpoints for option in ("--e2e-engine", f"chromium:{endpoint}")),
        )  # fmt: skip

    outcome.assert_outcomes(passed=5)
    served = sorted((pytester.path / f"served-{n}.txt").read_text() for n in range(4))
    assert set(served) == {
        f"gw0 playwright-remote {display_endpoint(endpoints[0])}",
        f"gw1 playwright-remote {display_endpoint(endpoints[1])}",
    }
    report = (pytester.path / "report" / "report.json").read_text()
    assert '"backend": "playwright-remote"' in report


def explicit_ports_app(page: str) -> Starlette:
    return Starlette(
        routes=[Route("/api", lambda request: PlainTextResponse("hello"))],
        middleware=[Middleware(CORSMiddleware, allow_origins=[page])],
    )


@contextmanager
def ports_nobody_listens_on(count: int) -> Iterator[list[int]]:
    """Ports on 127.0.0.1 held bound, not listening: no other process can listen there while the test runs, and a
    connection to them is refused."""
    with ExitStack() as stack:
        held = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in held:
            sock.bind(("127.0.0.1", 0))
        yield [sock.getsockname()[1] for sock in held]


def listening_addresses() -> set[str]:
    """The addresses this test process listens on."""
    return {
        connection.laddr.ip
        for connection in psutil.Process().net_connections(kind="inet")
        if connection.status == psutil.CONN_LISTEN and connection.laddr
    }


def test_a_remote_browser_reaches_explicit_ports_only_through_an_explicit_exposure_of_the_forward_proxy(
    playwright_server: PlaywrightServer, local_chromium: EnginePlan, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Origins with explicit ports have no server of their own: only the kit's forward proxy answers for them.
    spec = EngineSpec.parse(f"chromium:{playwright_server.endpoint}")
    launch_args = server_launch_args(local_chromium)
    monkeypatch.delenv(EXPOSE_VARIABLE, raising=False)
    with ports_nobody_listens_on(2) as (page_port, target_port), Topology() as topology:
        page = f"http://127.0.0.1:{page_port}"
        app, origins = (
            explicit_ports_app(page),
            {"page_origin": page, "target_origin": f"http://127.0.0.1:{target_port}"},
        )
        worker = launch_engine(spec, launch_args=launch_args)
        try:
            with Session(worker, topology) as session:
                unexposed = session.fetch(app, "/api", **origins)
            assert all(ipaddress.ip_address(address).is_loopback for address in listening_addresses())
        finally:
            worker.close()
        monkeypatch.setenv(EXPOSE_VARIABLE, "127.0.0.2")  # a loopback address too: nothing beyond it in a test
        worker = launch_engine(spec, launch_args=launch_args)
        try:
            with Session(worker, topology) as session:
                exposed = session.fetch(app, "/api", **origins)
        finally:
            worker.close()

    assert unexposed.verdict is Verdict.ENGINE_ERROR
    assert unexposed.engine_error is not None and "set E2EKIT_EXPOSE=ADDRESS" in unexposed.engine_error
    assert (exposed.verdict, exposed.status, exposed.body) == (Verdict.ALLOWED, 200, "hello")
    relay = exposure()
    assert relay is not None and relay.host == "127.0.0.2" and relay.connections > 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "0.0.0.0:8899",
            'E2EKIT_EXPOSE "0.0.0.0:8899" names every interface: name the one address the remote browser reaches (the '
            "proxy lets whoever reaches it reach the app under test)",
            id="every-interface",
        ),
        pytest.param(
            "build-host:8899",
            'E2EKIT_EXPOSE "build-host:8899": expected ADDRESS[:PORT], an IP address of this machine that the remote '
            'browser reaches and an optional port, e.g. "10.0.0.5:8899" or "[fd00::5]:8899"',
            id="a-name",
        ),
        pytest.param(
            "10.0.0.5:70000", 'E2EKIT_EXPOSE "10.0.0.5:70000" has port 70000: expected 0 (any) to 65535', id="port"
        ),
    ],
)
def test_an_exposure_that_would_reach_too_far_or_cannot_be_used_is_refused(text: str, message: str) -> None:
    with pytest.raises(EngineConfigError) as refused:
        parse_exposure(text)

    assert str(refused.value) == message


def test_the_exposure_addresses_parse_with_and_without_a_port() -> None:
    assert [parse_exposure(text) for text in ("10.0.0.5", "10.0.0.5:8899", "[fd00::5]:8899", "fd00::5")] == [
        ("10.0.0.5", 0),
        ("10.0.0.5", 8899),
        ("fd00::5", 8899),
        ("fd00::5", 0),
    ]


def test_the_plugin_refuses_to_expose_every_interface_before_any_test_runs(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_nothing="def test_nothing(): pass")

    outcome = pytester.runpytest_subprocess("--e2e-expose", "0.0.0.0", "-p", "no:cacheprovider")

    assert outcome.ret == pytest.ExitCode.USAGE_ERROR
    outcome.stderr.fnmatch_lines(['ERROR: --e2e-expose: E2EKIT_EXPOSE "0.0.0.0" names every interface: *'])
