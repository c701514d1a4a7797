"""Where a framework departs from Starlette, the reference, for the same policy, probe and engine.

Five aspects are compared, each only where both frameworks were measured:

- ``verdict``: the browser's (ALLOWED, BLOCKED), with the failing check e2ekit names for a blocked one;
- ``Fetch standard``: whether the verdict is the standard's, or the engine departs from it (the engines let
  ``Access-Control-Allow-Headers: *`` cover Authorization), so that an answer that works only by that departure shows;
- ``preflight``: the status answered to the preflight, told with whether it carried Access-Control-Allow-Origin;
- ``response status``: the status of the last actual request the server answered;
- ``Access-Control-Allow-Origin`` and ``Access-Control-Allow-Credentials`` on that response, the origin written as
  "the request's origin" (the value is compared, not the text: every scenario has its own port).

The main table shows the first two, and there a preflight status counts by what the browser makes of it: any 2xx is
an ok status (Fetch, "CORS-preflight fetch"), so 204 and 200 are the same there; the summary still lists such a
difference. The summary groups every departure of a framework by what it did instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from conformance.records import Record

__all__ = [
    "ASPECTS",
    "Departure",
    "SummaryLine",
    "departures",
    "is_ok_status",
    "probe_label",
    "summary",
    "table_outcome",
]

ASPECTS = (
    "verdict",
    "Fetch standard",
    "preflight",
    "response status",
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
)


@dataclass(frozen=True)
class Departure:
    """``framework`` did ``value`` where the reference did ``reference``, for one probe in one engine."""

    scenario: str
    probe: int
    framework: str
    engine: str
    aspect: str
    reference: str
    value: str


@dataclass(frozen=True)
class SummaryLine:
    """A kind of departure of one framework, with the probes (and engines) where it happened."""

    framework: str
    aspect: str
    reference: str
    value: str
    probes: tuple[tuple[str, int, tuple[str, ...]], ...]
    """(scenario, probe, engines) for each probe where it happened."""


def departures(
    records: Iterable[Record], origins: Mapping[str, str], *, reference: str = "starlette"
) -> list[Departure]:
    """Every departure from ``reference``; ``origins`` maps each scenario to the Origin its page sends."""
    by_key: dict[tuple[str, int, str], dict[str, Record]] = {}
    for record in records:
        by_key.setdefault((record.scenario, record.probe, record.engine), {})[record.framework] = record
    found: list[Departure] = []
    for (scenario, probe, engine), frameworks in by_key.items():
        base = frameworks.get(reference)
        if base is None or not base.measured:
            continue
        for name, record in frameworks.items():
            if name == reference or not record.measured:
                continue
            for aspect in ASPECTS:
                expected = _aspect(base, aspect, origins[scenario])
                actual = _aspect(record, aspect, origins[scenario])
                if expected is not None and actual is not None and expected != actual:
                    found.append(Departure(scenario, probe, name, engine, aspect, expected, actual))
    return found


def summary(found: Sequence[Departure], frameworks: Sequence[str]) -> dict[str, list[SummaryLine]]:
    """Each framework's departures grouped by (aspect, what the reference did, what it did), in aspect order."""
    groups: dict[tuple[str, str, str, str], dict[tuple[str, int], list[str]]] = {}
    for departure in found:
        key = (departure.framework, departure.aspect, departure.reference, departure.value)
        groups.setdefault(key, {}).setdefault((departure.scenario, departure.probe), []).append(departure.engine)
    lines: dict[str, list[SummaryLine]] = {name: [] for name in frameworks}
    for (framework, aspect, reference, value), probes in groups.items():
        entries = tuple((scenario, probe, tuple(engines)) for (scenario, probe), engines in probes.items())
        lines.setdefault(framework, []).append(SummaryLine(framework, aspect, reference, value, entries))
    for framework_lines in lines.values():
        framework_lines.sort(key=lambda line: (ASPECTS.index(line.aspect), -len(line.probes), line.value))
    return lines


def table_outcome(record: Record) -> tuple[str, str | None]:
    """What the main table compares: the verdict, and the preflight status (any ok status counts as one)."""
    status = record.preflight_status
    return record.verdict, None if status is None else "ok" if is_ok_status(status) else str(status)


def is_ok_status(status: int) -> bool:
    return 200 <= status <= 299


def probe_label(scenario: str, probe: int, probe_count: int) -> str:
    """``scenario`` for a scenario of one probe, ``scenario[probe]`` otherwise."""
    return scenario if probe_count == 1 else f"{scenario}[{probe}]"


def _aspect(record: Record, aspect: str, origin: str) -> str | None:
    """How ``record`` stands on ``aspect``, in words; None where the aspect does not apply to it."""
    if aspect == "verdict":
        return f"BLOCKED by {record.check}" if record.verdict == "BLOCKED" and record.check else record.verdict
    if aspect == "Fetch standard":
        if record.standard_agrees is None:
            return None
        return (
            "agrees with the Fetch standard"
            if record.standard_agrees
            else f"departs from the Fetch standard ({record.check})"
        )
    if aspect == "preflight":
        if record.preflight_status is None:
            return "no preflight"
        carried = "access-control-allow-origin" in record.preflight_headers
        return f"{record.preflight_status} {'with' if carried else 'without'} Access-Control-Allow-Origin"
    if record.response_status is None:
        return None  # no actual request reached the server: nothing to compare
    if aspect == "response status":
        return str(record.response_status)
    value = record.response_headers.get(aspect.lower())
    if value is None:
        return "none"
    if aspect == "Access-Control-Allow-Origin" and value == origin:
        return "the request's origin" if origin != "null" else "null (the request's origin)"
    return repr(value)
