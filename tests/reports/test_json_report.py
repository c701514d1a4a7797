"""The JSON report: run metadata, then every probe x engine record in a fixed order."""

from __future__ import annotations

import json
from pathlib import Path

from e2ekit._reports import write_json
from e2ekit._scenarios.outcome import ProbeOutcome


def test_the_json_report_has_run_metadata_then_one_record_per_probe_and_engine_in_scenario_order(
    outcomes: list[ProbeOutcome], outcome_by_id: dict[str, ProbeOutcome], tmp_path: Path
) -> None:
    path = tmp_path / "report.json"
    write_json(outcomes, path)
    report = json.loads(path.read_text(encoding="utf-8"))

    assert report["format"] == "e2ekit-report"
    assert report["version"] == 3
    assert report["e2ekit"] == "0.1.0"
    assert report["engines"] == [
        {
            "name": "chromium",
            "backend": "playwright",
            "version": "156.0.8078.108",
            "executable": "/usr/bin/chromium",
            "console_capture": True,
            "counts": {
                "probes": 3,
                "passed": 2,
                "mismatched": 1,
                "engine_errors": 0,
                "disagreements": 2,
                "interrupted": 0,
            },
        },
        {
            "name": "firefox",
            "backend": None,
            "version": None,
            "counts": {
                "probes": 3,
                "passed": 0,
                "mismatched": 0,
                "engine_errors": 3,
                "disagreements": 0,
                "interrupted": 0,
            },
        },
    ]
    assert report["counts"] == {
        "scenarios": 2,
        "probes": 3,
        "outcomes": 6,
        "passed": 2,
        "mismatched": 1,
        "engine_errors": 3,
        "disagreements": 2,
        "interrupted": 0,
        "header_only": {"allowed": 3, "blocked": 0},
    }
    order = [f"{record['scenario']}:{record['probe']}:{record['engine']}" for record in report["outcomes"]]
    assert order == [
        "wildcard-with-credentials:0:chromium",
        "wildcard-with-credentials:0:firefox",
        "wildcard-with-credentials:1:chromium",
        "wildcard-with-credentials:1:firefox",
        "custom-header-preflight:0:chromium",
        "custom-header-preflight:0:firefox",
    ]
    assert report["outcomes"] == [json.loads(json.dumps(outcome_by_id[test_id].to_json())) for test_id in order]


def test_a_record_keeps_the_full_result_the_mismatches_and_the_header_only_verdict(
    outcomes: list[ProbeOutcome], tmp_path: Path
) -> None:
    path = tmp_path / "report.json"
    write_json(outcomes, path)
    records = {(record["scenario"], record["engine"]): record for record in json.loads(path.read_text())["outcomes"]}

    preflight = records["custom-header-preflight", "chromium"]
    assert preflight["verdict"] == "BLOCKED"
    assert preflight["expected"] == "ALLOWED"
    assert preflight["passed"] is False
    assert preflight["mismatches"] == ["expected ALLOWED, got BLOCKED"]
    assert preflight["baseline"] == {"verdict": "ALLOWED", "detail": "status 200, access-control-allow-origin: *"}
    assert preflight["disagrees_with_baseline"] is True
    assert preflight["source"] is None
    assert preflight["result"]["js_error"] == "TypeError: Failed to fetch"
    assert [exchange["method"] for exchange in preflight["result"]["exchanges"]] == ["OPTIONS"]
    assert preflight["result"]["exchanges"][0]["status"] == 400

    unavailable = records["custom-header-preflight", "firefox"]
    assert unavailable["verdict"] == "ENGINE ERROR"
    assert (
        unavailable["engine_error"] == "firefox is not installed here; install it with: e2ekit install-browsers firefox"
    )
    assert unavailable["result"] is None


def test_the_json_file_has_sorted_keys_and_does_not_depend_on_the_order_outcomes_arrive_in(
    outcomes: list[ProbeOutcome], tmp_path: Path
) -> None:
    write_json(outcomes, tmp_path / "first.json")
    write_json(list(reversed(outcomes)), tmp_path / "second.json")

    text = (tmp_path / "first.json").read_text(encoding="utf-8")
    assert text == (tmp_path / "second.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
