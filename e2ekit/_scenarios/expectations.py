"""Compare what a probe did in one engine with what its scenario expects; each unmet expectation is a sentence."""

from __future__ import annotations

from e2ekit._probing.result import ProbeResult, Verdict
from e2ekit._scenarios.model import ScenarioProbe

__all__ = ["mismatches"]


def mismatches(expected: ScenarioProbe, result: ProbeResult) -> tuple[str, ...]:
    """Every expectation of ``expected`` that ``result`` did not meet, in the order the scenario format lists them."""
    if result.verdict is Verdict.ENGINE_ERROR:
        return ()
    found: list[str] = []
    verdict = expected.expected_verdict(result.engine.name)
    if result.verdict.value.lower() != verdict:
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
    for name, value in expected.readable_headers.items():
        read = result.header(name) if result.allowed else None
        if value is None and read is not None:
            found.append(f'expected {name} not to be readable, JavaScript read "{read}"')
        elif value is not None and read != value:
            seen = "nothing" if read is None else f'"{read}"'
            found.append(f'expected JavaScript to read {name}: "{value}", it read {seen}')
    return tuple(found)
