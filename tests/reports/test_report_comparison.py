"""Comparing two JSON reports in every verdict-level field, with ports, timings and console texts aside (issue 14)."""

from __future__ import annotations

import copy
from typing import Any

from e2ekit._reports.comparison import VERDICT_FIELDS, report_differences, verdict_fields
from e2ekit._reports.json_report import report_json
from e2ekit._scenarios.outcome import ProbeOutcome


def test_two_runs_that_differ_only_in_ports_timings_and_console_texts_agree(outcomes: list[ProbeOutcome]) -> None:
    first = report_json(outcomes)
    second = copy.deepcopy(first)
    for outcome in second["outcomes"]:
        result: dict[str, Any] | None = outcome["result"]
        if result is not None:
            result["duration_ms"] += 17
            result["page_origin"] = "http://localhost:1"
            result["console"] = ["another text, with another port: 2"]

    assert report_differences(first, second) == []


def test_a_verdict_level_difference_and_a_missing_outcome_are_each_named(outcomes: list[ProbeOutcome]) -> None:
    first = report_json(outcomes)
    second = copy.deepcopy(first)
    allowed = next(o for o in second["outcomes"] if o["engine"] == "chromium" and o["verdict"] == "ALLOWED")
    allowed["result"]["status"] = 500
    missing = second["outcomes"].pop()

    differences = report_differences(first, second)

    assert differences == [
        f"{missing['file']} [{missing['scenario']}] probe {missing['probe']} in {missing['engine']}: only in the first "
        "report",
        f"{allowed['file']} [{allowed['scenario']}] probe {allowed['probe']} in chromium: status 200 in the first "
        "report, 500 in the second",
    ]


def test_the_compared_fields_are_the_verdict_the_wire_and_the_failing_check(outcomes: list[ProbeOutcome]) -> None:
    fields = next(iter(verdict_fields(report_json(outcomes)).values()))

    assert (
        tuple(fields)
        == VERDICT_FIELDS
        == (
            "expected",
            "verdict",
            "passed",
            "engine_error",
            "baseline",
            "status",
            "js_error",
            "preflight_sent",
            "preflight_status",
            "reached_app",
            "cookie_sent",
            "check",
        )
    )
