"""All reports of a run written into one directory, report paths checked before a run, and the package's surface."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import e2ekit._reports
from e2ekit._errors import UsageError
from e2ekit._reports import check_report_paths, write_reports
from e2ekit._scenarios.outcome import ProbeOutcome


def test_write_reports_writes_json_junit_and_html_into_a_new_directory_and_returns_their_paths(
    outcomes: list[ProbeOutcome], tmp_path: Path
) -> None:
    directory = tmp_path / "reports" / "run"

    paths = write_reports(outcomes, directory)

    assert paths == {
        "json": directory / "report.json",
        "junit": directory / "report.xml",
        "html": directory / "report.html",
    }
    assert sorted(path.name for path in directory.iterdir()) == ["report.html", "report.json", "report.xml"]
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["counts"]["outcomes"] == 6
    assert ET.parse(paths["junit"]).getroot().attrib["tests"] == "6"
    assert paths["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_package_exports_exactly_the_report_functions() -> None:
    assert e2ekit._reports.__all__ == [
        "check_report_paths",
        "render_matrix",
        "write_html",
        "write_json",
        "write_junit",
        "write_reports",
    ]
    assert all(callable(getattr(e2ekit._reports, name)) for name in e2ekit._reports.__all__)


def test_every_report_module_declares_all_and_defines_each_name_in_it() -> None:
    for info in pkgutil.iter_modules(e2ekit._reports.__path__, "e2ekit._reports."):
        module = importlib.import_module(info.name)
        assert all(hasattr(module, name) for name in module.__all__), info.name


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(
            ["--report-dir", "/etc/passwd"],
            'e2ekit: error: report directory "/etc/passwd" is a file: expected a directory (created if missing)',
            id="report-dir-is-a-file",
        ),
        pytest.param(
            ["--html", "/etc/passwd/r.html"],
            'e2ekit: error: report file "/etc/passwd/r.html" cannot be created: "/etc/passwd" is not a writable directory',
            id="html-below-a-file",
        ),
        pytest.param(
            ["--junit", "/tmp"],
            'e2ekit: error: report file "/tmp" is a directory: expected a file name, e.g. "/tmp/report"',
            id="junit-is-a-directory",
        ),
    ],
)
def test_an_unusable_report_path_is_refused_before_any_browser_runs(options: list[str], message: str) -> None:
    corpus = Path(__file__).parents[2] / "scenarios" / "controls.toml"
    run = subprocess.run(
        [sys.executable, "-m", "e2ekit._cli", "run", str(corpus), "--browser", "chromium", *options],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/nonexistent", "HOME": "/nonexistent"},  # no browser could start: the check comes first
    )

    assert (run.returncode, run.stdout, run.stderr) == (2, "", message + "\n")


def test_a_symbolic_link_planted_in_the_report_directory_is_refused_and_its_target_kept(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    directory = tmp_path / "reports"
    directory.mkdir()
    (directory / "report.json").symlink_to(target)

    with pytest.raises(UsageError) as refused:
        check_report_paths(directory)

    assert str(refused.value) == (
        f'report file "{directory / "report.json"}" is a symbolic link: expected a plain file, which e2ekit replaces'
    )
    assert target.read_text() == "keep me"


def test_writing_never_follows_a_link_planted_after_the_check(outcomes: list[ProbeOutcome], tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    directory = tmp_path / "reports"
    directory.mkdir()
    (directory / "report.xml").symlink_to(target)

    with pytest.raises(OSError):
        write_reports(outcomes, directory)

    assert target.read_text() == "keep me"
