"""A probe the run was stopped before (Ctrl-C, SIGTERM) has a cell of its own, INTERRUPTED, in every report: not an
engine error, not a failure, and said once per engine. Report rendering only: the outcomes are built by hand as the
scenario runner builds them (tests/reliability/test_signals.py stops real runs)."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path

from e2ekit._probing.result import Verdict
from e2ekit._reports import render_matrix, write_html, write_junit
from e2ekit._reports.json_report import report_json
from e2ekit._scenarios.outcome import ProbeOutcome
from tests.reports.sample_run import HEADER_ONLY_ALLOWED, WILDCARD, WILDCARD_ALLOWED, WILDCARD_BLOCKED


def interrupted_run() -> list[ProbeOutcome]:
    """Chromium got probe 0, then the run was stopped: probe 1 interrupted mid-batch (its result says so), and in
    Firefox, stopped before its first scenario, both probes interrupted without a result."""
    mid_batch = dataclasses.replace(
        WILDCARD_ALLOWED, verdict=Verdict.INTERRUPTED, js_error=None, status=None, explanation=None, exchanges=()
    )
    return [
        ProbeOutcome(WILDCARD, 0, "chromium", WILDCARD_BLOCKED, HEADER_ONLY_ALLOWED, ()),
        ProbeOutcome(WILDCARD, 1, "chromium", mid_batch, HEADER_ONLY_ALLOWED, ()),
        ProbeOutcome(WILDCARD, 0, "firefox", None, HEADER_ONLY_ALLOWED, (), interrupted=True),
        ProbeOutcome(WILDCARD, 1, "firefox", None, HEADER_ONLY_ALLOWED, (), interrupted=True),
    ]


def test_an_interrupted_probe_is_neither_passed_nor_an_engine_error_nor_a_disagreement() -> None:
    outcomes = interrupted_run()

    assert [outcome.verdict for outcome in outcomes] == [Verdict.BLOCKED] + [Verdict.INTERRUPTED] * 3
    assert [outcome.passed for outcome in outcomes] == [True, False, False, False]
    assert not any(outcome.disagrees_with_baseline for outcome in outcomes[1:])
    assert [outcome.to_json()["verdict"] for outcome in outcomes[1:]] == ["INTERRUPTED"] * 3
    assert [outcome.to_json()["engine_error"] for outcome in outcomes[1:]] == [None] * 3


def test_the_matrix_shows_interrupted_cells_and_says_once_per_engine_why() -> None:
    matrix = render_matrix(interrupted_run(), ["chromium", "firefox"], color=False)

    lines = matrix.splitlines()
    assert [line.split()[-3:] for line in lines if line.startswith("wildcard-with-credentials")] == [
        ["BLOCKED", "INTERRUPTED", "ALLOWED"],
        ["INTERRUPTED", "INTERRUPTED", "ALLOWED"],
    ]
    assert [line for line in lines if "INTERRUPTED in" in line] == [
        "chromium: INTERRUPTED in 1 probe: the run was stopped (Ctrl-C or SIGTERM) before chromium finished",
        "firefox: INTERRUPTED in 2 probes: the run was stopped (Ctrl-C or SIGTERM) before firefox finished",
    ]
    assert lines[-2:] == [
        "chromium  2 probes  1 passed  0 mismatched  0 engine errors  1 disagree with header-only  1 interrupted",
        "firefox   2 probes  0 passed  0 mismatched  0 engine errors  0 disagree with header-only  2 interrupted",
    ]
    assert "ENGINE ERROR" not in matrix


def test_the_json_report_counts_interrupted_probes_apart_from_engine_errors() -> None:
    report = report_json(interrupted_run())

    assert [(engine["name"], engine["counts"]) for engine in report["engines"]] == [
        (
            "chromium",
            {"probes": 2, "passed": 1, "mismatched": 0, "engine_errors": 0, "disagreements": 1, "interrupted": 1},
        ),
        (
            "firefox",
            {"probes": 2, "passed": 0, "mismatched": 0, "engine_errors": 0, "disagreements": 0, "interrupted": 2},
        ),
    ]
    assert (report["counts"]["interrupted"], report["counts"]["engine_errors"]) == (3, 0)


def test_junit_marks_an_interrupted_probe_skipped_with_the_reason(tmp_path: Path) -> None:
    write_junit(interrupted_run(), tmp_path / "report.xml")

    root = ET.parse(tmp_path / "report.xml").getroot()
    assert (root.get("tests"), root.get("skipped"), root.get("errors"), root.get("failures")) == ("4", "3", "0", "0")
    skipped = [
        (suite.get("name"), case.get("name"), element.get("message"))
        for suite in root.iter("testsuite")
        for case in suite.iter("testcase")
        if (element := case.find("skipped")) is not None
    ]
    stopped = "interrupted: the run was stopped (Ctrl-C or SIGTERM) before {} finished"
    assert skipped == [
        ("chromium", "1: GET /api", stopped.format("chromium")),
        ("firefox", "0: GET /api credentials=include", stopped.format("firefox")),
        ("firefox", "1: GET /api", stopped.format("firefox")),
    ]


def test_the_html_report_gives_an_interrupted_probe_its_own_cell_and_panel(tmp_path: Path) -> None:
    write_html(interrupted_run(), tmp_path / "report.html")

    html = (tmp_path / "report.html").read_text()
    assert html.count('class="cell interrupted"') == 3
    assert html.count('<div class="panel interrupted">') == 3
    assert html.count('<span class="note" title="the run was stopped first">') == 3
    assert "<p>interrupted: the run was stopped (Ctrl-C or SIGTERM) before firefox finished</p>" in html
    assert '<span class="swatch interrupted"></span>interrupted' in html
    assert "Every expectation was met." in html  # for the probe that ran, and only that one
    assert html.count("Every expectation was met.") == 1
    # The probe stopped mid-batch keeps its panel, without a JavaScript or console section it never had.
    assert html.count("<h4>JavaScript</h4>") == html.count("<h4>Console</h4>") == 1
