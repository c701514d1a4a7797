"""The JUnit XML report for CI: a test suite per engine, a test case per scenario probe."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from e2ekit._reports.files import write_report_file
from e2ekit._reports.rows import (
    baseline_label,
    describe_probe,
    engine_error_text,
    engine_infos,
    interruption_text,
    ordered_engines,
    sorted_outcomes,
)
from e2ekit._scenarios.outcome import ProbeOutcome

__all__ = ["junit_classname", "junit_tree", "write_junit"]

# XML 1.0 cannot carry most control characters, even escaped (ESC, BEL, NUL...), nor lone surrogates; a response
# body excerpt, a console message or a probe path in a scenario file can hold any of them.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _make_valid_xml(root: ET.Element) -> None:
    """Replace what XML cannot carry with U+FFFD in every text, tail and attribute value under ``root``."""
    for element in root.iter():
        if element.text:
            element.text = _xml_text(element.text)
        if element.tail:
            element.tail = _xml_text(element.tail)
        element.attrib.update({name: _xml_text(value) for name, value in element.attrib.items()})


def junit_classname(outcome: ProbeOutcome) -> str:
    """``scenarios.credentials.wildcard-with-cookie`` for scenario ``wildcard-with-cookie`` of
    ``scenarios/credentials.toml``: CI tools split a class name at dots into package and class, as for pytest's."""
    file = PurePosixPath(outcome.scenario.file.replace("\\", "/")).with_suffix("")
    return ".".join([*(part for part in file.parts if part not in ("/", ".", "..")), outcome.scenario.id])


def _details(outcome: ProbeOutcome) -> str:
    """The result as the plugin prints it for a failed test, then the header-only verdict beside it."""
    lines = [str(outcome.result)] if outcome.result is not None else []
    lines.append(f"header-only check: {baseline_label(outcome.baseline)} ({outcome.baseline.detail})")
    if outcome.disagrees_with_baseline:
        lines.append(f"header-only: {baseline_label(outcome.baseline)}, {outcome.engine}: {outcome.verdict}")
    return "\n".join(lines)


def _testcase(outcome: ProbeOutcome) -> ET.Element:
    duration = 0.0 if outcome.result is None else outcome.result.duration_ms / 1000
    case = ET.Element(
        "testcase",
        classname=junit_classname(outcome),
        name=f"{outcome.index}: {describe_probe(outcome.probe.probe)}",
        time=f"{duration:.3f}",
    )
    error = engine_error_text(outcome)
    stopped = interruption_text(outcome)
    if stopped is not None:
        # The run was stopped (Ctrl-C, SIGTERM) before the probe got a verdict: not tested, not failed.
        ET.SubElement(case, "skipped", message=stopped)
    elif error is not None and outcome.result is None:
        # The engine never ran the probe (not installed, failed to start): the probe was not tested.
        ET.SubElement(case, "skipped", message=error)
    elif error is not None:
        # The engine died or hung during the probe: an error of the run, not a verdict on the app.
        element = ET.SubElement(case, "error", message=error.partition("\n")[0], type="EngineError")
        element.text = _details(outcome)
    elif outcome.mismatches:
        element = ET.SubElement(case, "failure", message="; ".join(outcome.mismatches), type="ExpectationNotMet")
        element.text = "\n".join(outcome.mismatches) + "\n\n" + _details(outcome)
    if outcome.result is not None:
        ET.SubElement(case, "system-out").text = _details(outcome)
    return case


def _count(suite: ET.Element, tag: str) -> int:
    return sum(case.find(tag) is not None for case in suite.iter("testcase"))


def _set_counts(element: ET.Element, time: float) -> None:
    element.set("tests", str(sum(1 for _ in element.iter("testcase"))))
    for tag, attribute in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
        element.set(attribute, str(_count(element, tag)))
    element.set("time", f"{time:.3f}")


def junit_tree(outcomes: Sequence[ProbeOutcome]) -> ET.ElementTree:
    """``<testsuites>`` with one ``<testsuite name="<engine>">`` per engine, test cases in scenario order."""
    ordered = sorted_outcomes(outcomes)
    infos = engine_infos(ordered)
    root = ET.Element("testsuites", name="e2ekit")
    total_time = 0.0
    for engine in ordered_engines(ordered):
        suite = ET.SubElement(root, "testsuite", name=engine)
        info = infos[engine]
        if info is not None:
            properties = ET.SubElement(suite, "properties")
            for name, value in (("backend", info.backend), ("version", info.version), ("executable", info.executable)):
                if value is not None:
                    ET.SubElement(properties, "property", name=name, value=value)
        mine = [outcome for outcome in ordered if outcome.engine == engine]
        suite.extend(_testcase(outcome) for outcome in mine)
        time = sum(outcome.result.duration_ms for outcome in mine if outcome.result is not None) / 1000
        _set_counts(suite, time)
        total_time += time
    _set_counts(root, total_time)
    _make_valid_xml(root)
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(outcomes: Sequence[ProbeOutcome], path: Path) -> None:
    """Write ``junit_tree(outcomes)`` to ``path`` as UTF-8 with an XML declaration."""
    root = junit_tree(outcomes).getroot()
    assert root is not None
    write_report_file(path, ET.tostring(root, encoding="utf-8", xml_declaration=True))
