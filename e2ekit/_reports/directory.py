"""Every file report of a run, written side by side into one directory."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from e2ekit._reports.html_report import write_html
from e2ekit._reports.json_report import write_json
from e2ekit._reports.junit_report import write_junit
from e2ekit._scenarios.outcome import ProbeOutcome

__all__ = ["REPORT_FILES", "write_reports"]

REPORT_FILES = {"json": "report.json", "junit": "report.xml", "html": "report.html"}


def write_reports(outcomes: Sequence[ProbeOutcome], directory: Path) -> dict[str, Path]:
    """Write report.json, report.xml and report.html into ``directory`` (created if missing); return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {kind: directory / name for kind, name in REPORT_FILES.items()}
    write_json(outcomes, paths["json"])
    write_junit(outcomes, paths["junit"])
    write_html(outcomes, paths["html"])
    return paths
