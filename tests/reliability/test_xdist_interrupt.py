"""Ctrl-C in a terminal running e2ekit's pytest fixtures under pytest-xdist: no browser, driver, Xvfb or listening
socket stays behind (issue 14).

Three tests, one per engine, each holding a request in flight, run on three xdist workers; the terminal's SIGINT
reaches pytest, its workers and Playwright's Node drivers at once (one process group), as a real Ctrl-C does.
"""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from tests.reliability.kit_runs import (
    STALLING_APP,
    STALLING_SCENARIO,
    footprint,
    kit_run,
    leftovers,
    wait_until_gone,
)

pytestmark = pytest.mark.e2e

HELD_REQUEST_TEST = textwrap.dedent(
    """
    from stalling import app


    def test_a_request_held_by_the_app(e2e_session):
        e2e_session.fetch(app, "/stall")
    """
)
WORKERS = 3
READY_TIMEOUT = 90.0


def test_ctrl_c_under_xdist_leaves_no_browser_driver_display_or_listening_socket(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if sorted(request.config.getoption("browser") or []) != ["chromium", "firefox", "webkit"]:
        pytest.skip("needs every engine: run with --e2e-engine all")
    (tmp_path / "stalling.py").write_text(STALLING_APP)
    (tmp_path / "test_held.py").write_text(HELD_REQUEST_TEST)
    pytest_command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", str(WORKERS)]
    with kit_run(["test_held.py", "--e2e-engine", "all"], tmp_path, program=pytest_command) as run:
        run.ready.wait(WORKERS, READY_TIMEOUT)  # each worker has a browser waiting on the held request
        before = footprint(psutil.Process(run.pid), run.temp_dir)
        sent_at = time.monotonic()
        os.killpg(run.pid, signal.SIGINT)
        stdout, _ = run.process.communicate(timeout=60)
        exited = time.monotonic() - sent_at
        wait_until_gone(before.processes, 15)
        left = leftovers(before, run.temp_dir)

    print(
        f"\nxdist, Ctrl-C: pytest exited {run.process.returncode} in {exited:.2f} s; before: {len(before.processes)} "
        f"processes ({', '.join(before.names)}), {len(before.listening)} listening sockets; left: {left}"
    )
    assert run.process.returncode == 2, stdout[-2000:]  # pytest's "interrupted"
    assert left.temp_entries == ["pytest-of-" + os.environ.get("USER", psutil.Process().username())]  # pytest's own
    left.temp_entries = []
    assert not left, left
    assert len(before.owners) > WORKERS and len(before.listening) >= 4 and len(before.displays) == 1


def test_ctrl_c_under_xdist_while_workers_run_scenario_files_leaves_nothing_behind(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # Scenario items keep their engines for the worker's whole run (e2ekit._scenarios.runner.ScenarioShard), unlike
    # the fixtures above; two stalling scenarios, so that the first item of each worker holds a request.
    engines = list(request.config.getoption("browser") or ["chromium"])
    scenarios = tmp_path / "scenarios"
    (scenarios / "apps").mkdir(parents=True)
    (scenarios / "apps" / "stalling.py").write_text(STALLING_APP)
    held = STALLING_SCENARIO.replace('id = "stalling"', 'id = "stalling-{n}"')
    (scenarios / "held.toml").write_text("".join(held.format(n=n) for n in (1, 2)))
    pytest_command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2"]
    arguments = ["scenarios", *(option for engine in engines for option in ("--e2e-engine", engine))]
    with kit_run(arguments, tmp_path, program=pytest_command) as run:
        run.ready.wait(2, READY_TIMEOUT)
        before = footprint(psutil.Process(run.pid), run.temp_dir)
        os.killpg(run.pid, signal.SIGINT)
        stdout, _ = run.process.communicate(timeout=60)
        wait_until_gone(before.processes, 15)
        left = leftovers(before, run.temp_dir)

    assert run.process.returncode == 2, stdout[-2000:]
    assert left.temp_entries == ["pytest-of-" + os.environ.get("USER", psutil.Process().username())]
    left.temp_entries = []
    assert not left, left
    assert len(before.owners) > 2 and before.listening
