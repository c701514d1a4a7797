"""A browser killed in the middle of a run: its probes become ENGINE ERROR, the other engine's results stand, and
nothing of the killed engine (driver, browser, Xvfb, temporary profile) is left behind."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Callable
from typing import Any

import psutil
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from e2ekit import EngineSpec, Probe, ProbeResult, Session, Topology, Verdict, run_in_engines
from e2ekit._engines.orphans import is_alive
from e2ekit._engines.webdriver import WebDriverEngine
from tests.engines.availability import require_webdriver_backend
from tests.reliability.kit_runs import stale_display_files

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "killed, survivor", [("firefox", "webkit"), ("webkit", "firefox")], ids=["kill-firefox", "kill-webkit"]
)
def test_a_browser_killed_mid_run_gives_engine_errors_while_the_other_engines_results_stand_and_nothing_is_left(
    killed: str, survivor: str, e2e_topology: Topology, request: pytest.FixtureRequest
) -> None:
    specs = [EngineSpec(killed, backend="webdriver"), EngineSpec(survivor, backend="webdriver")]
    for spec in specs:
        require_webdriver_backend(request.config, spec.name)
    slow_request_arrived = {spec.name: threading.Event() for spec in specs}

    async def slow(request: Request) -> Response:
        slow_request_arrived[request.query_params["engine"]].set()
        await asyncio.sleep(1)
        return PlainTextResponse("slow")

    app = Starlette(
        routes=[Route("/slow", slow), Route("/fast", lambda request: PlainTextResponse("fast"))],
        middleware=[Middleware(CORSMiddleware, allow_origins=["*"])],
    )
    seen: dict[str, Any] = {}

    def job(new_session: Callable[[], Session]) -> list[ProbeResult]:
        session = new_session()
        name = session.engine.name
        probes = [Probe(f"/slow?engine={name}"), Probe("/fast")]
        if name != killed:
            return session.run(app, probes)
        engine: WebDriverEngine = session.engine.call(lambda engine: engine, 5, "hand over the engine")  # type: ignore[assignment]
        [browser] = engine.processes.children(engine.driver_pid)
        processes = [psutil.Process(pid) for pid in engine.processes.pids()]
        seen.update(processes=processes, temp_dir=engine.processes.temp_dir, display=engine.display)

        def kill_while_the_fetch_is_in_flight() -> None:
            if slow_request_arrived[name].wait(30):
                os.kill(browser, signal.SIGKILL)

        killer = threading.Thread(target=kill_while_the_fetch_is_in_flight)
        killer.start()
        try:
            return session.run(app, probes)
        finally:
            killer.join()

    runs = run_in_engines(specs, job, topology=e2e_topology)

    victim, other = (run.value for run in runs)
    assert [run.error for run in runs] == [None, None]
    assert victim is not None and other is not None
    assert [result.verdict for result in victim] == [Verdict.ENGINE_ERROR, Verdict.ENGINE_ERROR]
    for result in victim:
        assert result.engine_error is not None
        assert result.engine_error.startswith(f"{killed}: the browser process exited (it crashed or was killed); ")
    assert [(result.verdict, result.body) for result in other] == [(Verdict.ALLOWED, "slow"), (Verdict.ALLOWED, "fast")]
    # run_in_engines closed both engines: every process of the killed one has exited, its profile is gone.
    assert len(seen["processes"]) >= 2
    assert [process for process in seen["processes"] if is_alive(process)] == []
    assert not os.path.exists(seen["temp_dir"])
    if seen["display"] is not None:
        assert stale_display_files(seen["display"].number) == []
