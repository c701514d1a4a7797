"""Scenario reports say what the page got besides the verdict: a ``?`` note under the matrix row, a "But the page
gets" section and a badge in the HTML report, and the caveats in report.json. Built by hand from what Chromium 156
and Firefox ESR 153.8 recorded for a download whose Content-Disposition is not exposed
(https://github.com/axios/axios/issues/7142)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from playwright.sync_api import Page

from e2ekit._probing.explanation import CaveatNote
from e2ekit._reports import render_matrix
from e2ekit._reports.json_report import report_json
from e2ekit._scenarios.outcome import ProbeOutcome
from tests.reports.sample_run import WILDCARD_ALLOWED, sample_outcomes
from tests.reports.test_html_report import matrix_cells, open_report, report_browser, report_page

__all__ = ["report_browser", "report_page"]  # the HTML report's browser fixtures, shared

DETAIL = (
    "JavaScript cannot read Content-Disposition, which the response to GET /api sent: a cross-origin response shows "
    "script only the CORS-safelisted headers (Cache-Control, Content-Language, Content-Length, Content-Type, Expires, "
    "Last-Modified, Pragma) and those Access-Control-Expose-Headers names, and the response had no "
    "Access-Control-Expose-Headers"
)
HIDDEN = CaveatNote("response.header-not-exposed", DETAIL, "add 'Content-Disposition' to expose_headers")


def with_caveat(outcomes: list[ProbeOutcome]) -> list[ProbeOutcome]:
    """The sample run, the allowed probe now with a hidden header in Chromium and Firefox."""
    assert WILDCARD_ALLOWED.explanation is not None
    explanation = dataclasses.replace(WILDCARD_ALLOWED.explanation, caveats=(HIDDEN,))
    changed = []
    for outcome in outcomes:
        if outcome.test_id.startswith("wildcard-with-credentials:1:"):
            engine = dataclasses.replace(WILDCARD_ALLOWED.engine, name=outcome.engine)
            result = dataclasses.replace(WILDCARD_ALLOWED, engine=engine, explanation=explanation)
            outcome = dataclasses.replace(outcome, result=result, engine_error=None)
        changed.append(outcome)
    return changed


def test_the_matrix_notes_a_caveat_once_for_the_engines_that_share_it_and_explains_the_mark() -> None:
    matrix = render_matrix(with_caveat(sample_outcomes()), ["chromium", "firefox"], color=False).splitlines()

    row = matrix.index("wildcard-with-credentials:1  GET /api                      ALLOWED    ALLOWED       ALLOWED")
    assert matrix[row + 1 : row + 3] == [
        "  ? chromium, firefox: response.header-not-exposed: add 'Content-Disposition' to expose_headers",
        "custom-header-preflight:0    PUT /api +X-Token             BLOCKED !  ENGINE ERROR  ALLOWED",
    ]
    assert "= a browser departs from the Fetch standard   ? what the page gets besides the verdict, and its fix" in (
        matrix
    )


def test_a_run_without_caveats_keeps_the_legend_as_it_was() -> None:
    matrix = render_matrix(sample_outcomes(), ["chromium", "firefox"], color=False).splitlines()

    assert "= a browser departs from the Fetch standard" in matrix


def test_the_html_cell_carries_a_caveat_badge_and_its_panel_the_detail_and_the_fix(
    report_page: Page, tmp_path: Path
) -> None:
    report = open_report(report_page, with_caveat(sample_outcomes()), tmp_path / "report.html")
    cell = matrix_cells(report, "wildcard-with-credentials:1").first

    assert cell.inner_text() == "✓ALLOWED\n? 1 caveat"
    assert cell.locator(".badge.caveat").get_attribute("title") == "response.header-not-exposed"
    cell.click()
    panel = report.locator("#" + str(cell.get_attribute("aria-controls")))
    assert panel.locator("section.caveats h4").inner_text() == "BUT THE PAGE GETS"
    assert panel.locator("section.caveats li p").all_inner_texts() == [
        f"{DETAIL} [response.header-not-exposed]",
        "Fix: add 'Content-Disposition' to expose_headers",
    ]


def test_report_json_lists_each_results_caveats() -> None:
    document = report_json(with_caveat(sample_outcomes()))
    records = [json.loads(json.dumps(record)) for record in document["outcomes"]]

    [record] = [
        r
        for r in records
        if r["scenario"] == "wildcard-with-credentials" and r["probe"] == 1 and r["engine"] == "chromium"
    ]
    assert record["result"]["explanation"]["caveats"] == [
        {"kind": "response.header-not-exposed", "detail": DETAIL, "fix": "add 'Content-Disposition' to expose_headers"}
    ]
