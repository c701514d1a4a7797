"""Signals sent to ``e2ekit run`` in the middle of a three-engine run: whatever stops it, nothing it started keeps
running, listens or stays on disk; Ctrl-C and SIGTERM also keep the results obtained so far (issue 10).

Each run: two quick scenarios complete in every engine, then a request the app holds (each browser's arrival is
signalled to the test), then one more scenario. The signal comes once all three browsers wait on that request.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import psutil
import pytest

from e2ekit._engines import orphans
from tests.reliability.kit_runs import (
    HUNG_APP,
    QUICK_AFTER,
    QUICK_BEFORE,
    STALLING_APP,
    Footprint,
    KitRun,
    engine_of,
    footprint,
    kit_run,
    leftovers,
    owned_processes,
    wait_until_gone,
    write_scenarios,
)

pytestmark = pytest.mark.e2e

ENGINES = ["chromium", "firefox", "webkit"]
READY_TIMEOUT = 90.0
"""Seconds for three browsers to start and reach the app, on two cores shared with other work."""
STOP_PROMISE = 2.0
"""Seconds within which Ctrl-C or SIGTERM stops every engine (README, issue 10)."""


@pytest.fixture
def require_all_engines(request: pytest.FixtureRequest) -> None:
    if sorted(request.config.getoption("browser") or []) != ENGINES:
        pytest.skip("needs every engine: run with --e2e-engine all")


def start_mid_run(run: KitRun) -> Footprint:
    """Wait until every browser waits on the held request; what e2ekit has running then."""
    agents = run.ready.wait(len(ENGINES), READY_TIMEOUT)
    assert sorted(engine_of(agent) for agent in agents) == ENGINES
    return footprint(psutil.Process(run.pid), run.temp_dir)


def engines(before: Footprint, kit: int) -> list[psutil.Process]:
    """The engines' processes: all but e2ekit itself and its watchdog."""
    return [p for p in before.processes if p.pid != kit and orphans.__file__ not in _cmdline(p)]


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


@pytest.mark.usefixtures("require_all_engines")
@pytest.mark.parametrize(
    "sent, times, exit_code",
    [
        pytest.param(signal.SIGINT, 1, 130, id="ctrl-c"),
        pytest.param(signal.SIGINT, 3, 130, id="ctrl-c-three-times"),
        pytest.param(signal.SIGTERM, 1, 143, id="sigterm"),
    ],
)
def test_ctrl_c_and_sigterm_stop_every_engine_within_two_seconds_keep_the_results_so_far_and_leave_nothing(
    sent: signal.Signals, times: int, exit_code: int, tmp_path: Path
) -> None:
    scenarios = write_scenarios(tmp_path / "scenarios")
    report_dir = tmp_path / "report"
    with kit_run(["run", str(scenarios), "--browser", "all", "--report-dir", str(report_dir)], tmp_path) as run:
        before = start_mid_run(run)
        sent_at = time.monotonic()
        if sent == signal.SIGINT:
            os.killpg(run.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole foreground process group
        else:
            os.kill(run.pid, signal.SIGTERM)  # what `timeout` and `docker stop` send
        if times > 1:  # an impatient user, while the engines are being stopped
            wait_until_gone(engines(before, run.pid)[-1:], 10)
            for _ in range(times - 1):
                try:
                    os.killpg(run.pid, signal.SIGINT)
                except ProcessLookupError:  # it was quicker
                    break
        wait_until_gone(engines(before, run.pid), 10)
        engines_stopped = time.monotonic() - sent_at
        stdout, stderr = run.process.communicate(timeout=10)
        exited = time.monotonic() - sent_at
        wait_until_gone(before.processes, 10)  # the watchdog too, which reaps (nothing) once e2ekit has exited
        left = leftovers(before, run.temp_dir)

    print(
        f"\n{sent.name}: engines stopped in {engines_stopped:.2f} s, e2ekit exited in {exited:.2f} s; before: "
        f"{len(before.processes)} processes ({', '.join(before.names)}), {len(before.listening)} listening "
        f"sockets, displays {before.displays}; left: {left}"
    )
    assert run.process.returncode == exit_code, stderr
    assert not left, left
    assert engines_stopped < STOP_PROMISE
    assert exited < STOP_PROMISE + 2  # then the reports are written and the servers stopped: 1.3-2.2 s measured
    assert len(before.processes) >= 10 and len(before.listening) >= 4 and len(before.displays) == 1
    assert_kept_and_marked_interrupted(stdout, stderr, report_dir, "Ctrl-C" if sent == signal.SIGINT else "SIGTERM")


@pytest.mark.usefixtures("require_all_engines")
@pytest.mark.parametrize("hung", ["asgi", "wsgi"])
def test_ctrl_c_does_not_wait_on_an_app_that_never_answers_and_the_kit_exits(hung: str, tmp_path: Path) -> None:
    # The app awaits forever (ASGI) or sleeps on its thread (WSGI): no server may wait for it to finish, and no
    # thread of it may keep the process from exiting.
    scenarios = write_scenarios(tmp_path / "scenarios", hung=hung)
    report_dir = tmp_path / "report"
    with kit_run(["run", str(scenarios), "--browser", "all", "--report-dir", str(report_dir)], tmp_path) as run:
        before = start_mid_run(run)
        sent_at = time.monotonic()
        os.killpg(run.pid, signal.SIGINT)
        wait_until_gone(engines(before, run.pid), 10)
        engines_stopped = time.monotonic() - sent_at
        stdout, stderr = run.process.communicate(timeout=30)
        exited = time.monotonic() - sent_at
        wait_until_gone(before.processes, 10)
        left = leftovers(before, run.temp_dir)

    print(f"\nCtrl-C, {hung} app hung: engines stopped in {engines_stopped:.2f} s, e2ekit exited in {exited:.2f} s")
    assert run.process.returncode == 130, stderr
    assert not left, left
    assert engines_stopped < STOP_PROMISE
    assert exited < STOP_PROMISE + 2
    assert_kept_and_marked_interrupted(stdout, stderr, report_dir, "Ctrl-C")


@pytest.mark.usefixtures("require_all_engines")
def test_ctrl_c_during_check_marks_each_engines_probe_interrupted_with_the_request_the_app_got(tmp_path: Path) -> None:
    (tmp_path / "hung.py").write_text(HUNG_APP)
    with kit_run(["check", "hung:asgi", "--path", "/stall", "--browser", "all"], tmp_path) as run:
        before = start_mid_run(run)
        os.killpg(run.pid, signal.SIGINT)
        stdout, stderr = run.process.communicate(timeout=30)
        wait_until_gone(before.processes, 10)
        left = leftovers(before, run.temp_dir)

    assert run.process.returncode == 130, stderr
    assert not left, left
    blocks = [block.splitlines() for block in stdout.split("\n\n") if block.startswith("INTERRUPTED in ")]
    assert [(lines[0].split()[2], lines[1:]) for lines in blocks] == [
        (
            engine,
            [
                f"  interrupted: the run was stopped (Ctrl-C or SIGTERM) before {engine} finished",
                "  wire request: GET /stall -> no response; no cookie; no CORS headers",
            ],
        )
        for engine in ENGINES
    ]
    assert stdout.splitlines()[-1] == "e2ekit: 3 interrupted"
    assert stderr == "e2ekit: interrupted (Ctrl-C); results not obtained by then are marked interrupted\n"


def assert_kept_and_marked_interrupted(stdout: str, stderr: str, report_dir: Path, signal_name: str) -> None:
    """The results obtained before the signal are printed and written; the rest are INTERRUPTED, a cell of their own
    in the matrix, the JSON report, the JUnit report (skipped, with the reason) and the HTML report."""
    report = json.loads((report_dir / "report.json").read_text())
    verdicts = {(o["scenario"], o["engine"]): (o["verdict"], o["engine_error"]) for o in report["outcomes"]}
    for engine in ENGINES:
        for scenario in QUICK_BEFORE:
            assert verdicts[(scenario, engine)] == ("ALLOWED", None)
        for scenario in ("stalling", *QUICK_AFTER):
            assert verdicts[(scenario, engine)] == ("INTERRUPTED", None)
    assert [engine["counts"]["interrupted"] for engine in report["engines"]] == [2, 2, 2]
    assert (report["counts"]["interrupted"], report["counts"]["engine_errors"]) == (6, 0)
    junit = ET.parse(report_dir / "report.xml").getroot()
    skipped = {
        (case.get("classname", "").rpartition(".")[2], suite.get("name")): element.get("message")
        for suite in junit.iter("testsuite")
        for case in suite.iter("testcase")
        if (element := case.find("skipped")) is not None
    }
    assert skipped == {
        (scenario, engine): f"interrupted: the run was stopped (Ctrl-C or SIGTERM) before {engine} finished"
        for scenario in ("stalling", *QUICK_AFTER)
        for engine in ENGINES
    }
    html = (report_dir / "report.html").read_text()
    assert html.count('class="cell interrupted"') == 6
    rows = {
        line.split()[0]: line.split()[3:] for line in stdout.splitlines() if line.startswith(("quick-", "stalling"))
    }
    assert rows == {
        "quick-1:0": ["ALLOWED", "ALLOWED", "ALLOWED", "ALLOWED"],
        "quick-2:0": ["ALLOWED", "ALLOWED", "ALLOWED", "ALLOWED"],
        "stalling:0": ["INTERRUPTED", "INTERRUPTED", "INTERRUPTED", "ALLOWED"],
        "quick-3:0": ["INTERRUPTED", "INTERRUPTED", "INTERRUPTED", "ALLOWED"],
    }
    for engine in ENGINES:
        line = f"{engine}: INTERRUPTED in 2 probes: the run was stopped (Ctrl-C or SIGTERM) before {engine} finished"
        assert line in stdout.splitlines()
    assert "ENGINE ERROR" not in stdout
    assert stderr.splitlines()[-1] == (
        f"e2ekit: interrupted ({signal_name}); results not obtained by then are marked interrupted"
    )
    assert "Traceback" not in stderr


@pytest.mark.usefixtures("require_all_engines")
def test_sigkill_of_e2ekit_leaves_nothing_its_watchdog_reaps_every_engine_at_once(tmp_path: Path) -> None:
    scenarios = write_scenarios(tmp_path / "scenarios")
    with kit_run(["run", str(scenarios), "--browser", "all"], tmp_path) as run:
        before = start_mid_run(run)
        sent_at = time.monotonic()
        os.kill(run.pid, signal.SIGKILL)  # what a CI runner sends when `timeout -s KILL` or its own limit hits
        run.process.wait(10)
        gone = wait_until_gone(before.processes, 15)
        left = leftovers(before, run.temp_dir)

    print(
        f"\nSIGKILL: everything gone {time.monotonic() - sent_at:.2f} s after the signal (waited {gone:.2f} s); "
        f"before: {len(before.processes)} processes ({', '.join(before.names)}), {len(before.listening)} "
        f"listening sockets; left: {left}"
    )
    assert not left, left


@pytest.mark.usefixtures("require_all_engines")
def test_what_a_kit_and_its_watchdog_killed_together_leave_is_reaped_when_the_next_run_starts(tmp_path: Path) -> None:
    scenarios = write_scenarios(tmp_path / "scenarios")
    with kit_run(["run", str(scenarios), "--browser", "all"], tmp_path) as run:
        before = start_mid_run(run)
        kit = psutil.Process(run.pid)
        [watchdog] = [p for p in kit.children() if orphans.__file__ in p.cmdline()]
        watchdog.kill()  # an OOM kill or `kill -9` of both: nothing reaps at once
        wait_until_gone([watchdog], 10)
        os.kill(run.pid, signal.SIGKILL)
        run.process.wait(10)
        # What the kill could tie to the kit's death goes: its drivers and Xvfb (PR_SET_PDEATHSIG), Playwright's
        # Node driver with Chromium (its pipe closed). Firefox and its processes are orphans now, and its profile.
        stranded = leftovers(before, run.temp_dir)
        assert "firefox-esr" in str(stranded.processes) and stranded.temp_entries
        # The next run's watchdog reaps every orphan when it starts (here with nothing to watch: end of file at once).
        env = {**os.environ, "TMPDIR": str(run.temp_dir)}
        subprocess.run(
            [sys.executable, "-I", orphans.__file__], stdin=subprocess.DEVNULL, env=env, timeout=30, check=True
        )
        wait_until_gone(before.processes, 10)  # Playwright's Node driver, which exits by itself (its pipe closed)
        left = leftovers(before, run.temp_dir)

    print(f"\nkit and watchdog killed: stranded {stranded}; after the next run's reaping: {left}")
    assert not left, left


@pytest.mark.usefixtures("require_all_engines")
def test_ctrl_c_while_the_engines_start_stops_them_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(STALLING_APP)
    with kit_run(["check", "app:app", "--path", "/stall", "--browser", "all"], tmp_path) as run:
        kit = psutil.Process(run.pid)
        deadline = time.monotonic() + READY_TIMEOUT
        while not owned_processes({run.pid}):  # the first browser or driver has started; the others are starting
            assert time.monotonic() < deadline, "no engine started"
            time.sleep(0.02)
        before = footprint(kit, run.temp_dir)
        sent_at = time.monotonic()
        os.killpg(run.pid, signal.SIGINT)
        stdout, stderr = run.process.communicate(timeout=10)
        exited = time.monotonic() - sent_at
        wait_until_gone(before.processes, 10)
        left = leftovers(before, run.temp_dir)

    print(f"\nCtrl-C while starting: e2ekit exited in {exited:.2f} s; before: {', '.join(before.names)}; left: {left}")
    assert run.process.returncode == 130, stderr
    assert not left, left
    assert exited < STOP_PROMISE
    assert stdout.splitlines()[-1] == "e2ekit: 3 engine(s) interrupted before they finished"
    assert stderr == "e2ekit: interrupted (Ctrl-C); results not obtained by then are marked interrupted\n"
    for engine in ENGINES:
        assert f"{engine}: INTERRUPTED: the run was stopped (Ctrl-C or SIGTERM) before {engine} finished" in stdout
