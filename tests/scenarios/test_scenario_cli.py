"""``e2ekit run``, from the outside: its output and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def e2ekit_run(directory: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "e2ekit._cli", "run", *args],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "scenarios").mkdir()
    return tmp_path


@pytest.fixture
def failing(listed_origin: str) -> str:
    return listed_origin.replace('expect = "allowed"', 'expect = "blocked"')


def test_every_expectation_met_exits_0_and_prints_the_matrix_and_writes_the_reports(
    project: Path, listed_origin: str
) -> None:
    (project / "scenarios" / "ok.toml").write_text(listed_origin)

    done = e2ekit_run(project, "--browser", "chromium", "--report-dir", "out", "--junit", "junit.xml")

    assert done.returncode == 0, done.stderr
    assert "listed-origin:0" in done.stdout and "ALLOWED" in done.stdout
    assert sorted(path.name for path in (project / "out").iterdir()) == ["report.html", "report.json", "report.xml"]
    assert (project / "junit.xml").read_text().startswith("<?xml")


def test_an_unmet_expectation_exits_1(project: Path, failing: str) -> None:
    (project / "scenarios" / "fail.toml").write_text(failing)

    assert e2ekit_run(project, "scenarios/fail.toml", "--browser", "chromium").returncode == 1


def test_json_prints_the_json_report_with_one_record_per_probe_and_engine(project: Path, listed_origin: str) -> None:
    (project / "scenarios" / "ok.toml").write_text(listed_origin)

    done = e2ekit_run(project, "--browser", "chromium", "--json")

    document = json.loads(done.stdout)
    assert done.returncode == 0
    assert document["format"] == "e2ekit-report"


def test_a_bad_scenario_file_exits_2_with_one_line_and_no_traceback(project: Path, listed_origin: str) -> None:
    (project / "scenarios" / "bad.toml").write_text(listed_origin.replace('"allowed"', '"maybe"'))

    done = e2ekit_run(project, "--browser", "chromium")

    assert done.returncode == 2
    assert (
        done.stderr
        == 'e2ekit: error: scenarios/bad.toml: [listed-origin] expect = "maybe": expected "allowed" or "blocked"\n'
    )


def test_a_named_engine_that_is_not_installed_exits_2_with_the_install_command(
    project: Path, listed_origin: str
) -> None:
    (project / "scenarios" / "ok.toml").write_text(listed_origin)

    done = e2ekit_run(
        project, "--browser", "chromium", env={"PATH": "/nonexistent", "PLAYWRIGHT_BROWSERS_PATH": "/nonexistent"}
    )

    assert done.returncode == 2
    assert done.stderr.startswith("e2ekit: error: chromium is not installed")


def test_an_engine_that_fails_to_start_exits_3(project: Path, listed_origin: str) -> None:
    (project / "scenarios" / "ok.toml").write_text(listed_origin)

    done = e2ekit_run(project, "--browser", "chromium:/nonexistent/chromium")

    assert done.returncode == 3
    assert "ENGINE ERROR" in done.stdout
