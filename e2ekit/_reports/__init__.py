"""Reports of a scenario run: the terminal matrix, JSON, JUnit XML and a self-contained HTML page."""

from __future__ import annotations

from e2ekit._reports.files import check_report_paths, write_reports
from e2ekit._reports.html_report import write_html
from e2ekit._reports.json_report import write_json
from e2ekit._reports.junit_report import write_junit
from e2ekit._reports.matrix import render_matrix

__all__ = ["check_report_paths", "render_matrix", "write_html", "write_json", "write_junit", "write_reports"]
