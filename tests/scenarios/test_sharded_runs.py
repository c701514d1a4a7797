"""Scenario files under pytest-xdist: each worker runs only the items it is given, and the controller merges every
worker's outcomes into one JSON, one JUnit and one HTML report, the same as a run in one process (issue 14)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from e2ekit._reports.comparison import report_differences

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]
CORPUS_TIMEOUT = 600

COUNTING_APP = textwrap.dedent(
    """
    import os
    from pathlib import Path

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route


    def api(request):
        # Which worker served which scenario: each scenario has its own path.
        with open(Path(__file__).parent / "served.txt", "a") as served:
            served.write(f"{request.url.path} {os.environ['PYTEST_XDIST_WORKER']}\\n")
        return PlainTextResponse("ok")


    app = Starlette(
        routes=[Route("/{scenario}", api)], middleware=[Middleware(CORSMiddleware, allow_origins=["*"])]
    )
    """
)
SCENARIO = """
[[scenario]]
id = "scenario-{n}"
title = "Scenario {n} of four, one probe each"
app = "counting:app"
[[scenario.probe]]
path = "/scenario-{n}"
expect = "allowed"
"""


def run_engines(config: pytest.Config) -> list[str]:
    engines = list(config.getoption("browser") or ["chromium"])
    return [arg for engine in engines for arg in ("--browser", engine)] + (
        ["--e2e-require-engines"] if config.getoption("e2e_require_engines") else []
    )


def test_each_xdist_worker_runs_only_the_scenarios_it_is_given_and_the_controller_writes_one_report(
    pytester: pytest.Pytester,
) -> None:
    scenarios = pytester.mkdir("scenarios")
    (scenarios / "counting.py").write_text(COUNTING_APP)
    (scenarios / "four.toml").write_text("".join(SCENARIO.format(n=n) for n in range(4)))

    outcome = pytester.runpytest_subprocess(
        "-n", "2", "-p", "no:cacheprovider", "--browser", "chromium", "--e2e-report", "report", "scenarios"
    )

    outcome.assert_outcomes(passed=4)
    served = [line.split() for line in (scenarios / "served.txt").read_text().splitlines()]
    workers_by_path = {path: {worker for other, worker in served if other == path} for path, _ in served}
    assert sorted(workers_by_path) == [f"/scenario-{n}" for n in range(4)]
    assert all(len(workers) == 1 for workers in workers_by_path.values()), workers_by_path  # none ran twice
    assert set.union(*workers_by_path.values()) == {"gw0", "gw1"}  # and both workers had a share
    report = json.loads((pytester.path / "report" / "report.json").read_text())
    assert [outcome["scenario"] for outcome in report["outcomes"]] == [f"scenario-{n}" for n in range(4)]
    assert report["counts"]["passed"] == 4
    junit = ET.parse(pytester.path / "report" / "report.xml").getroot()
    assert [case.get("classname") for case in junit.iter("testcase")] == [
        f"scenarios.four.scenario-{n}" for n in range(4)
    ]
    assert len(html_probes(pytester.path / "report" / "report.html")[0]) == 4
    assert outcome.stdout.str().count("e2ekit scenarios") == 1  # one matrix, the controller's


def corpus_run(tmp_path: Path, name: str, options: list[str], engines: list[str]) -> Path:
    """Run the scenario corpus under pytest from the repository's root; the directory its reports went to."""
    reports = tmp_path / name
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "scenarios", *options, *engines]
    completed = subprocess.run(
        [*command, "--e2e-report", str(reports)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CORPUS_TIMEOUT,
        check=False,
    )
    assert (reports / "report.json").exists(), completed.stdout[-3000:] + completed.stderr[-3000:]
    return reports


def test_the_corpus_under_two_xdist_workers_reports_what_a_single_process_run_reports(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    engines = run_engines(request.config)
    single = corpus_run(tmp_path, "single", ["-p", "no:xdist"], engines)
    sharded = corpus_run(tmp_path, "sharded", ["-n", "2"], engines)

    single_json, sharded_json = (json.loads((run / "report.json").read_text()) for run in (single, sharded))
    assert report_differences(single_json, sharded_json) == []
    assert sharded_json["counts"] == single_json["counts"]
    assert [engine["name"] for engine in sharded_json["engines"]] == [
        engine["name"] for engine in single_json["engines"]
    ]
    single_cases, sharded_cases = (junit_verdicts(run / "report.xml") for run in (single, sharded))
    assert sharded_cases == single_cases
    single_html, sharded_html = (html_probes(run / "report.html") for run in (single, sharded))
    assert sharded_html == single_html


def junit_verdicts(path: Path) -> list[tuple[str | None, str | None, str | None, str]]:
    """Each test case of a JUnit report: its suite (the engine), class, name, and whether it failed or skipped."""
    root = ET.parse(path).getroot()
    return [
        (suite.get("name"), case.get("classname"), case.get("name"), ",".join(child.tag for child in case))
        for suite in root.iter("testsuite")
        for case in suite.iter("testcase")
    ]


def html_probes(path: Path) -> tuple[list[str], int]:
    """The probes an HTML report lists, in order, and how many cells it explains."""
    text = path.read_text()
    return re.findall(r'data-probe="([^"]*)"', text), text.count('class="detail"')
