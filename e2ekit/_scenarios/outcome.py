"""What running one scenario probe in one engine gave, judged against the scenario's expectations; each unmet
expectation is a sentence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from e2ekit._probing.result import ProbeResult, Verdict
from e2ekit._scenarios.model import Scenario, ScenarioProbe

__all__ = ["BaselineVerdict", "ProbeOutcome", "mismatches"]


@dataclass(frozen=True)
class BaselineVerdict:
    """The header-only check a conventional test suite would make for the same request (no browser): ALLOWED when
    the assertion such a suite writes passes (Access-Control-Allow-Origin is the page origin or ``*``)."""

    verdict: Verdict
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
    """None when the engine could not run (see ``engine_error``), or the run was stopped first (``interrupted``)."""
    baseline: BaselineVerdict
    mismatches: tuple[str, ...]
    """Each expectation the result did not meet, as a sentence ("expected blocked, got ALLOWED")."""
    engine_error: str | None = None
    interrupted: bool = False
    """The run was stopped (Ctrl-C, SIGTERM) before this probe got a verdict: INTERRUPTED, not an engine error."""

    @property
    def probe(self) -> ScenarioProbe:
        return self.scenario.probes[self.index]

    @property
    def expected(self) -> Verdict:
        return self.probe.expected_verdict(self.engine)

    @property
    def verdict(self) -> Verdict:
        if self.result is not None:
            return self.result.verdict
        return Verdict.INTERRUPTED if self.interrupted else Verdict.ENGINE_ERROR

    @property
    def passed(self) -> bool:
        return self.verdict in (Verdict.ALLOWED, Verdict.BLOCKED) and not self.mismatches

    @property
    def disagrees_with_baseline(self) -> bool:
        """The header-only check and the browser disagree: header-only ALLOWED but the browser BLOCKED, or the other
        way round."""
        if self.verdict not in (Verdict.ALLOWED, Verdict.BLOCKED):
            return False
        return self.baseline.verdict is not self.verdict

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
            "expected": self.expected.value,
            "verdict": self.verdict.value,
            "passed": self.passed,
            "mismatches": list(self.mismatches),
            "baseline": {"verdict": self.baseline.verdict.value, "detail": self.baseline.detail},
            "disagrees_with_baseline": self.disagrees_with_baseline,
            "disagrees_with_model": self.disagrees_with_model,
            "engine_error": self.engine_error,
            "result": None if self.result is None else self.result.to_json(),
        }


def mismatches(expected: ScenarioProbe, result: ProbeResult) -> tuple[str, ...]:
    """Every expectation of ``expected`` that ``result`` did not meet, in the order the scenario format lists them."""
    if result.verdict not in (Verdict.ALLOWED, Verdict.BLOCKED):
        return ()
    found: list[str] = []
    verdict = expected.expected_verdict(result.engine.name)
    if result.verdict is not verdict:
        found.append(f"expected {verdict}, got {result.verdict}")
    engine = result.engine.name
    preflight = expected.expected_wire("preflight", engine)
    if preflight is not None and preflight != (result.preflight is not None):
        found.append("expected a preflight, none was sent" if preflight else "expected no preflight, one was sent")
    reached = expected.expected_wire("reached_app", engine)
    if reached is not None and reached != result.reached_app:
        found.append(
            "expected the request to reach the app, it did not"
            if reached
            else "expected the request not to reach the app, it did"
        )
    cookie = expected.expected_wire("cookie_sent", engine)
    if cookie is not None and cookie != result.cookie_sent:
        found.append(
            "expected the cookie to be sent, it was not" if cookie else "expected no cookie to be sent, one was"
        )
    if expected.status is not None and expected.status != result.status:
        seen = "no status (the fetch failed)" if result.status is None else f"status {result.status}"
        found.append(f"expected JavaScript to read status {expected.status}, it read {seen}")
    explanation = result.explanation
    if expected.check is not None and explanation is not None and explanation.check != expected.check:
        found.append(f"expected the Fetch standard's check {expected.check}, the model names {explanation.check}")
    wanted = expected.expected_caveats(engine)
    if wanted is not None and explanation is not None:
        got = tuple(caveat.kind for caveat in explanation.caveats)
        if sorted(got) != sorted(wanted):
            found.append(f"expected the caveats [{', '.join(wanted)}], got [{', '.join(got)}]")
    for name, value in expected.readable_headers.items():
        read = result.header(name) if result.allowed else None
        if value is None and read is not None:
            found.append(f'expected {name} not to be readable, JavaScript read "{read}"')
        elif value is not None and read != value:
            seen = "nothing" if read is None else f'"{read}"'
            found.append(f'expected JavaScript to read {name}: "{value}", it read {seen}')
    return tuple(found)
