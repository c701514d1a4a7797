"""The JUnit XML report: a suite per engine, a test case per scenario probe, as CI servers read it."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path

from e2ekit._probing.result import Verdict
from e2ekit._reports import write_junit
from e2ekit._scenarios.outcome import ProbeOutcome
from tests.reports.sample_run import control_character_outcomes


def junit(outcomes: list[ProbeOutcome], path: Path) -> ET.Element:
    write_junit(outcomes, path)
    return ET.parse(path).getroot()


def suite(outcomes: list[ProbeOutcome], path: Path, engine: str) -> ET.Element:
    element = junit(outcomes, path).find(f"testsuite[@name='{engine}']")
    assert element is not None
    return element


def counts(element: ET.Element) -> dict[str, str]:
    return {name: element.attrib[name] for name in ("tests", "failures", "errors", "skipped")}


def test_each_engine_is_a_suite_and_each_scenario_probe_a_test_case_named_after_its_file_and_request(
    outcomes: list[ProbeOutcome], tmp_path: Path
) -> None:
    root = junit(outcomes, tmp_path / "report.xml")

    assert root.tag == "testsuites"
    assert counts(root) == {"tests": "6", "failures": "1", "errors": "0", "skipped": "3"}
    suites = root.findall("testsuite")
    assert [suite.attrib["name"] for suite in suites] == ["chromium", "firefox"]
    assert counts(suites[0]) == {"tests": "3", "failures": "1", "errors": "0", "skipped": "0"}
    assert counts(suites[1]) == {"tests": "3", "failures": "0", "errors": "0", "skipped": "3"}
    assert [(case.attrib["classname"], case.attrib["name"]) for case in suites[0].iter("testcase")] == [
        ("scenarios.credentials.wildcard-with-credentials", "0: GET /api credentials=include"),
        ("scenarios.credentials.wildcard-with-credentials", "1: GET /api"),
        ("scenarios.preflight.custom-header-preflight", "0: PUT /api +X-Token"),
    ]


def test_a_mismatch_is_a_failure_carrying_the_result_and_the_header_only_verdict(
    outcomes: list[ProbeOutcome], outcome_by_id: dict[str, ProbeOutcome], tmp_path: Path
) -> None:
    chromium = suite(outcomes, tmp_path / "report.xml", "chromium")
    failed = [case for case in chromium.iter("testcase") if case.find("failure") is not None]

    assert [case.attrib["classname"] for case in failed] == ["scenarios.preflight.custom-header-preflight"]
    failure = failed[0].find("failure")
    assert failure is not None
    assert failure.attrib == {"message": "expected ALLOWED, got BLOCKED", "type": "ExpectationNotMet"}
    result = outcome_by_id["custom-header-preflight:0:chromium"].result
    assert failure.text == (
        "expected ALLOWED, got BLOCKED\n\n"
        f"{result}\n"
        "header-only check: ALLOWED (status 200, access-control-allow-origin: *)\n"
        "header-only: ALLOWED, chromium: BLOCKED"
    )
    assert result is not None and result.console is not None and result.console[0] in failure.text


def test_an_engine_that_never_started_skips_its_cases_and_records_the_reason(
    outcomes: list[ProbeOutcome], tmp_path: Path
) -> None:
    firefox = suite(outcomes, tmp_path / "report.xml", "firefox")

    skipped = [case.find("skipped") for case in firefox.iter("testcase")]
    assert [element.attrib["message"] for element in skipped if element is not None] == [
        "firefox is not installed here; install it with: e2ekit install-browsers firefox"
    ] * 3
    assert firefox.find("properties") is None
    assert [case.attrib["time"] for case in firefox.iter("testcase")] == ["0.000"] * 3


def test_the_suite_names_the_engine_version_and_every_case_has_its_result_as_output(
    outcomes: list[ProbeOutcome], outcome_by_id: dict[str, ProbeOutcome], tmp_path: Path
) -> None:
    chromium = suite(outcomes, tmp_path / "report.xml", "chromium")
    result = outcome_by_id["wildcard-with-credentials:1:chromium"].result
    assert result is not None

    properties = {prop.attrib["name"]: prop.attrib["value"] for prop in chromium.iter("property")}
    assert properties == {"backend": "playwright", "version": "156.0.8078.108", "executable": "/usr/bin/chromium"}
    allowed = chromium.findall("testcase")[1]
    output = allowed.find("system-out")
    assert output is not None
    assert output.text == f"{result}\nheader-only check: ALLOWED (status 200, access-control-allow-origin: *)"
    assert allowed.attrib["time"] == "0.010"


def test_an_engine_that_died_during_a_probe_is_an_error_not_a_failure(
    outcomes: list[ProbeOutcome], outcome_by_id: dict[str, ProbeOutcome], tmp_path: Path
) -> None:
    outcome = outcome_by_id["wildcard-with-credentials:1:chromium"]
    assert outcome.result is not None
    died = dataclasses.replace(
        outcome,
        result=dataclasses.replace(
            outcome.result, verdict=Verdict.ENGINE_ERROR, engine_error="chromium did not run the probes within 30 s"
        ),
    )

    root = junit([died], tmp_path / "report.xml")

    assert counts(root) == {"tests": "1", "failures": "0", "errors": "1", "skipped": "0"}
    error = root.find("testsuite/testcase/error")
    assert error is not None
    assert error.attrib == {"message": "chromium did not run the probes within 30 s", "type": "EngineError"}


def test_control_characters_from_the_wire_are_replaced_so_the_file_stays_valid_xml(
    outcomes: list[ProbeOutcome], outcome_by_id: dict[str, ProbeOutcome], tmp_path: Path
) -> None:
    outcome = dataclasses.replace(
        outcome_by_id["custom-header-preflight:0:chromium"], mismatches=("expected body \x00\x1b[1mok\x1b[0m",)
    )

    root = junit([outcome], tmp_path / "report.xml")

    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.attrib["message"] == "expected body \ufffd\ufffd[1mok\ufffd[0m"


def test_control_characters_in_a_probe_path_are_replaced_in_names_and_messages_so_the_file_stays_valid_xml(
    tmp_path: Path,
) -> None:
    path = tmp_path / "report.xml"
    write_junit(control_character_outcomes(), path)

    root = ET.parse(path).getroot()

    cases = root.findall("testsuite/testcase")
    assert [(case.attrib["classname"], case.attrib["name"]) for case in cases] == [
        ("scenarios.controls.control-characters", "0: GET /api/\ufffd[31mred\ufffd"),
        ("scenarios.controls.control-characters", "0: GET /api/\ufffd[31mred\ufffd"),
    ]
    skipped = root.find("testsuite[@name='firefox']/testcase/skipped")
    assert skipped is not None
    assert skipped.attrib["message"] == "firefox crashed while fetching /api/\ufffd[31mred\ufffd"
    output = root.find("testsuite[@name='chromium']/testcase/system-out")
    assert output is not None and output.text is not None
    assert output.text.splitlines()[-2] == (
        '  wire request: GET /api/\ufffd[31mred\ufffd -> 200 {"method":"GET","cookie":null}; no cookie; '
        "access-control-allow-origin: *"
    )
    assert "\x1b" not in path.read_text(encoding="utf-8")
