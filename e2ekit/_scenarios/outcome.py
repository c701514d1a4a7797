"""What running one scenario probe in one engine gave, judged against the scenario's expectations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from e2ekit._probing.result import ProbeResult, Verdict
from e2ekit._scenarios.model import Scenario, ScenarioProbe

__all__ = ["BaselineVerdict", "ProbeOutcome"]


@dataclass(frozen=True)
class BaselineVerdict:
    """The header-only check a conventional test suite would make for the same request (no browser)."""

    passed: bool
    detail: str
    """e.g. "status 200, access-control-allow-origin: *" or "no access-control-allow-origin header"."""


@dataclass(frozen=True)
class ProbeOutcome:
    """One scenario probe in one engine: the browser's result, the expectation, and the header-only baseline."""

    scenario: Scenario
    index: int
    """Position of the probe in ``scenario.probes``."""
    engine: str
    result: ProbeResult | None
    """None when the engine could not run (see ``engine_error``)."""
    baseline: BaselineVerdict
    mismatches: tuple[str, ...]
    """Each expectation the result did not meet, as a sentence ("expected blocked, got ALLOWED")."""
    engine_error: str | None = None

    @property
    def probe(self) -> ScenarioProbe:
        return self.scenario.probes[self.index]

    @property
    def expected(self) -> str:
        return self.probe.expected_verdict(self.engine)

    @property
    def verdict(self) -> Verdict:
        return self.result.verdict if self.result is not None else Verdict.ENGINE_ERROR

    @property
    def passed(self) -> bool:
        return self.result is not None and self.verdict is not Verdict.ENGINE_ERROR and not self.mismatches

    @property
    def disagrees_with_baseline(self) -> bool:
        """The header-only check and the browser disagree: PASS but BLOCKED, or FAIL but ALLOWED."""
        if self.verdict is Verdict.ENGINE_ERROR:
            return False
        return self.baseline.passed != (self.verdict is Verdict.ALLOWED)

    @property
    def disagrees_with_model(self) -> bool:
        """The engine's verdict differs from the Fetch-standard model's prediction."""
        explanation = self.result.explanation if self.result is not None else None
        return explanation is not None and not explanation.agrees

    @property
    def test_id(self) -> str:
        """``<scenario id>[<probe index>][<engine>]``-style id used by pytest items and reports."""
        return f"{self.scenario.id}:{self.index}:{self.engine}"

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.id,
            "title": self.scenario.title,
            "file": self.scenario.file,
            "source": self.scenario.source,
            "probe": self.index,
            "engine": self.engine,
            "expected": self.expected,
            "verdict": self.verdict.value,
            "passed": self.passed,
            "mismatches": list(self.mismatches),
            "baseline": {"passed": self.baseline.passed, "detail": self.baseline.detail},
            "disagrees_with_baseline": self.disagrees_with_baseline,
            "disagrees_with_model": self.disagrees_with_model,
            "engine_error": self.engine_error,
            "result": None if self.result is None else self.result.to_json(),
        }
