"""The rows every report shows: one per scenario probe, a cell per engine, and each engine's tally."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from e2ekit._engines.base import ENGINE_NAMES, EngineInfo
from e2ekit._errors import EngineInterrupted
from e2ekit._probing.probe import Probe
from e2ekit._probing.result import Verdict
from e2ekit._scenarios.model import Scenario, ScenarioProbe
from e2ekit._scenarios.outcome import BaselineVerdict, ProbeOutcome

__all__ = [
    "EngineTally",
    "ProbeRow",
    "baseline_label",
    "counted",
    "describe_probe",
    "engine_error_text",
    "engine_infos",
    "engine_tallies",
    "interruption_text",
    "ordered_engines",
    "probe_rows",
    "sorted_outcomes",
]


def baseline_label(baseline: BaselineVerdict) -> str:
    """What the header-only check concluded, in the browser verdicts' own words."""
    return baseline.verdict.value


def counted(count: int, noun: str) -> str:
    """``1 probe``, ``3 probes``: every noun the reports count takes a plain ``s``."""
    return f"{count} {noun}{'s' * (count != 1)}"


def describe_probe(probe: Probe) -> str:
    """A short description such as ``PUT /api credentials=include +X-Token``: only what differs from defaults."""
    parts = [f"{probe.method} {probe.path}"]
    parts += [
        f"{name}={value}"
        for name, value, default in (
            ("credentials", probe.credentials, "same-origin"),
            ("mode", probe.mode, "cors"),
            ("redirect", probe.redirect, "follow"),
        )
        if value != default
    ]
    if probe.headers:
        parts.append("+" + ",".join(name for name, _ in probe.headers))
    return " ".join(parts)


def engine_error_text(outcome: ProbeOutcome) -> str | None:
    """Why the engine produced no verdict: the runner's reason, or the one the session recorded in the result."""
    if outcome.engine_error:
        return outcome.engine_error
    if outcome.result is not None and outcome.result.verdict is Verdict.ENGINE_ERROR:
        return outcome.result.engine_error or "the engine failed without a message"
    return None


def interruption_text(outcome: ProbeOutcome) -> str | None:
    """Why the probe has no verdict when the run was stopped before it got one, else None."""
    if outcome.verdict is not Verdict.INTERRUPTED:
        return None
    return str(EngineInterrupted.of(outcome.engine))


def ordered_engines(outcomes: Iterable[ProbeOutcome]) -> list[str]:
    """The engines present, the three known ones in their usual order first, then any other by name."""
    names = {outcome.engine for outcome in outcomes}
    return [name for name in ENGINE_NAMES if name in names] + sorted(names - set(ENGINE_NAMES))


def _engine_rank(engine: str) -> tuple[int, str]:
    return (ENGINE_NAMES.index(engine), "") if engine in ENGINE_NAMES else (len(ENGINE_NAMES), engine)


def _probe_key(outcome: ProbeOutcome) -> tuple[str, str, int]:
    return (outcome.scenario.file, outcome.scenario.id, outcome.index)


def sorted_outcomes(outcomes: Iterable[ProbeOutcome]) -> list[ProbeOutcome]:
    """Outcomes by scenario file, scenario id, probe and engine, whatever order the engines finished in."""
    return sorted(outcomes, key=lambda outcome: (*_probe_key(outcome), *_engine_rank(outcome.engine)))


def engine_infos(outcomes: Iterable[ProbeOutcome]) -> dict[str, EngineInfo | None]:
    """Each engine's name, backend and version as its results report them; None for an engine that never ran."""
    infos: dict[str, EngineInfo | None] = {}
    for outcome in sorted_outcomes(outcomes):
        if infos.get(outcome.engine) is None:
            infos[outcome.engine] = None if outcome.result is None else outcome.result.engine
    return infos


@dataclass(frozen=True)
class ProbeRow:
    """One scenario probe: its outcome in each engine that ran it, and the header-only verdict beside them."""

    scenario: Scenario
    index: int
    cells: Mapping[str, ProbeOutcome]

    @property
    def probe(self) -> ScenarioProbe:
        return self.scenario.probes[self.index]

    @property
    def label(self) -> str:
        """``<scenario id>:<probe index>``, the start of every outcome's ``test_id``."""
        return f"{self.scenario.id}:{self.index}"

    @property
    def description(self) -> str:
        return describe_probe(self.probe.probe)

    @property
    def baseline(self) -> BaselineVerdict:
        # The header-only check runs without a browser, so every engine's record carries the same verdict.
        return next(iter(self.cells.values())).baseline

    @property
    def disagreeing(self) -> list[ProbeOutcome]:
        return [outcome for outcome in self.cells.values() if outcome.disagrees_with_baseline]

    @property
    def disagreement(self) -> str | None:
        """``header-only: ALLOWED, chromium: BLOCKED`` naming every engine that disagrees, or None."""
        disagreeing = self.disagreeing
        if not disagreeing:
            return None
        engines = ", ".join(f"{outcome.engine}: {outcome.verdict}" for outcome in disagreeing)
        return f"header-only: {baseline_label(self.baseline)}, {engines}"


def probe_rows(outcomes: Iterable[ProbeOutcome]) -> list[ProbeRow]:
    """Group outcomes into rows, one per scenario probe, in ``sorted_outcomes`` order."""
    grouped: dict[tuple[str, str, int], dict[str, ProbeOutcome]] = {}
    for outcome in sorted_outcomes(outcomes):
        grouped.setdefault(_probe_key(outcome), {})[outcome.engine] = outcome
    return [ProbeRow(next(iter(cells.values())).scenario, key[2], cells) for key, cells in grouped.items()]


@dataclass(frozen=True)
class EngineTally:
    """How one engine did over the run."""

    engine: str
    probes: int
    passed: int
    mismatched: int
    engine_errors: int
    disagreements: int
    """Probes where the engine's verdict and the header-only check disagree."""
    interrupted: int = 0
    """Probes the run was stopped before (Ctrl-C, SIGTERM): no verdict, and no engine error either."""

    def to_json(self) -> dict[str, int]:
        return {
            "probes": self.probes,
            "passed": self.passed,
            "mismatched": self.mismatched,
            "engine_errors": self.engine_errors,
            "disagreements": self.disagreements,
            "interrupted": self.interrupted,
        }


def engine_tallies(outcomes: Sequence[ProbeOutcome], engines: Sequence[str]) -> list[EngineTally]:
    """One tally per engine in ``engines``; an engine error counts as such, never also as a mismatch."""
    tallies = []
    for engine in engines:
        mine = [outcome for outcome in outcomes if outcome.engine == engine]
        failed = [engine_error_text(outcome) is not None for outcome in mine]
        tallies.append(
            EngineTally(
                engine=engine,
                probes=len(mine),
                passed=sum(outcome.passed for outcome in mine),
                mismatched=sum(bool(outcome.mismatches) and not error for outcome, error in zip(mine, failed)),
                engine_errors=sum(failed),
                disagreements=sum(outcome.disagrees_with_baseline for outcome in mine),
                interrupted=sum(outcome.verdict is Verdict.INTERRUPTED for outcome in mine),
            )
        )
    return tallies
