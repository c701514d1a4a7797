"""The JSON report: run metadata, then one record per scenario probe and engine with the full result."""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from e2ekit._engines.base import EngineInfo
from e2ekit._probing.result import Verdict
from e2ekit._reports.files import write_report_file
from e2ekit._reports.rows import engine_infos, engine_tallies, ordered_engines, probe_rows, sorted_outcomes
from e2ekit._scenarios.outcome import ProbeOutcome

__all__ = ["REPORT_FORMAT", "REPORT_VERSION", "report_json", "write_json"]

REPORT_FORMAT = "e2ekit-report"
REPORT_VERSION = 3
"""Raised when a field changes meaning or goes away, so tools reading old reports can tell. 3: a probe the run was
stopped before has the verdict INTERRUPTED (it was ENGINE ERROR with an "interrupted:" engine error)."""


def _e2ekit_version() -> str | None:
    try:
        return version("e2ekit")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return None


def _engine_json(name: str, info: EngineInfo | None) -> dict[str, Any]:
    # An engine that never started has no version to report; its name and counts still belong in the header.
    return {"name": name, "backend": None, "version": None} if info is None else info.to_json()


def report_json(outcomes: Sequence[ProbeOutcome]) -> dict[str, Any]:
    """The report as a JSON-ready dict. There is no timestamp, so the reports of two identical runs diff cleanly."""
    ordered = sorted_outcomes(outcomes)
    engines = ordered_engines(ordered)
    infos = engine_infos(ordered)
    tallies = {tally.engine: tally for tally in engine_tallies(ordered, engines)}
    rows = probe_rows(ordered)
    header_only_allowed = sum(row.baseline.verdict is Verdict.ALLOWED for row in rows)
    return {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "e2ekit": _e2ekit_version(),
        "engines": [{**_engine_json(engine, infos[engine]), "counts": tallies[engine].to_json()} for engine in engines],
        "counts": {
            "scenarios": len({row.scenario.id for row in rows}),
            "probes": len(rows),
            "outcomes": len(ordered),
            "passed": sum(outcome.passed for outcome in ordered),
            "mismatched": sum(tally.mismatched for tally in tallies.values()),
            "engine_errors": sum(tally.engine_errors for tally in tallies.values()),
            "disagreements": sum(tally.disagreements for tally in tallies.values()),
            "interrupted": sum(tally.interrupted for tally in tallies.values()),
            "header_only": {"allowed": header_only_allowed, "blocked": len(rows) - header_only_allowed},
        },
        "outcomes": [outcome.to_json() for outcome in ordered],
    }


def write_json(outcomes: Sequence[ProbeOutcome], path: Path) -> None:
    """Write ``report_json(outcomes)`` to ``path``, keys sorted, indented for people who read it."""
    text = json.dumps(report_json(outcomes), indent=2, sort_keys=True, ensure_ascii=False)
    write_report_file(path, text + "\n")
