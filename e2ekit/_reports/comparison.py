"""Whether two JSON reports agree in every verdict-level field: for runs of the same scenarios made differently (one
process or pytest-xdist workers, local or remote engines, two ways of serving origins).

Ports, timings and the texts that carry ports (console messages, header values, exchange records) differ from run to
run by design and are left out; what is compared is what the browser decided and what crossed the wire.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["VERDICT_FIELDS", "report_differences", "verdict_fields"]

VERDICT_FIELDS = (
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

OutcomeKey = tuple[str, str, int, str]
"""(file, scenario id, probe index, engine)."""


def verdict_fields(report: Mapping[str, Any]) -> dict[OutcomeKey, dict[str, Any]]:
    """Each outcome of a ``report.json`` document by its key, reduced to ``VERDICT_FIELDS``."""
    found: dict[OutcomeKey, dict[str, Any]] = {}
    for outcome in report["outcomes"]:
        result = outcome.get("result") or {}
        explanation = result.get("explanation") or {}
        preflights = [exchange for exchange in result.get("exchanges", ()) if exchange.get("preflight")]
        key = (outcome["file"], outcome["scenario"], outcome["probe"], outcome["engine"])
        found[key] = {
            "expected": outcome["expected"],
            "verdict": outcome["verdict"],
            "passed": outcome["passed"],
            "engine_error": outcome["engine_error"] is not None,
            "baseline": outcome["baseline"]["verdict"],
            "status": result.get("status"),
            "js_error": result.get("js_error"),
            "preflight_sent": result.get("preflight_sent"),
            "preflight_status": preflights[0].get("status") if preflights else None,
            "reached_app": result.get("reached_app"),
            "cookie_sent": result.get("cookie_sent"),
            "check": explanation.get("check"),
        }
    return found


def report_differences(first: Mapping[str, Any], second: Mapping[str, Any]) -> list[str]:
    """One line per outcome that only one report has, and per verdict-level field two outcomes disagree on; empty
    when the reports agree."""
    a, b = verdict_fields(first), verdict_fields(second)
    lines = [
        f"{_name(key)}: only in the {'first' if key in a else 'second'} report" for key in sorted(a.keys() ^ b.keys())
    ]
    for key in sorted(a.keys() & b.keys()):
        for field in VERDICT_FIELDS:
            if a[key][field] != b[key][field]:
                lines.append(
                    f"{_name(key)}: {field} {a[key][field]!r} in the first report, {b[key][field]!r} in the second"
                )
    return lines


def _name(key: OutcomeKey) -> str:
    file, scenario, probe, engine = key
    return f"{file} [{scenario}] probe {probe} in {engine}"
