"""All reports of a run written into one directory, and the package's public surface."""

from __future__ import annotations

import importlib
import json
import pkgutil
import xml.etree.ElementTree as ET
from pathlib import Path

import e2ekit._reports
from e2ekit._reports import write_reports
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


def test_the_package_exports_exactly_the_five_report_functions() -> None:
    assert e2ekit._reports.__all__ == ["render_matrix", "write_html", "write_json", "write_junit", "write_reports"]
    assert all(callable(getattr(e2ekit._reports, name)) for name in e2ekit._reports.__all__)


def test_every_report_module_declares_all_and_defines_each_name_in_it() -> None:
    for info in pkgutil.iter_modules(e2ekit._reports.__path__, "e2ekit._reports."):
        module = importlib.import_module(info.name)
        assert all(hasattr(module, name) for name in module.__all__), info.name
