"""Whether a result failed for the same cause as a reported message, even where the wording differs."""

from __future__ import annotations

from e2ekit._frameworks import CorsSetup
from e2ekit._probing.result import ProbeResult
from e2ekit._standard import Check, Failure, predict

__all__ = ["cause_of", "failure_of", "same_cause"]


def failure_of(result: ProbeResult) -> Failure | None:
    """The failed check behind a blocked result, with its facts (None for an allowed or engine-error result)."""
    if result.explanation is None or result.explanation.check is None:
        return None
    return predict(result.probe, result.page_origin, result.target_url, result.exchanges).failure


def cause_of(result: ProbeResult, setup: CorsSetup | None = None) -> str | None:
    """The failing check behind a result. A server that refuses a preflight (a 400 or 403 the browser only calls
    "not an ok status" or "no Access-Control-Allow-Origin") often says why in the body or still lists what it
    allows; that refusal is the cause."""
    if result.explanation is None or result.explanation.check is None:
        return None
    check = result.explanation.check
    failure = failure_of(result) if check.startswith("preflight.") else None
    if failure is not None and check in (Check.PREFLIGHT_STATUS_NOT_OK, Check.PREFLIGHT_MISSING_ALLOW_ORIGIN):
        refused = None if setup is None else setup.framework.preflight_refusal(failure.facts)
        if refused is None and failure.facts.refusal is not None:
            refused = failure.facts.refusal.check
        if refused is not None:
            return str(refused)
    return check


def same_cause(reported: str, result: ProbeResult, setup: CorsSetup | None = None) -> bool:
    """A blocked result whose cause is the reported one, or the reported status failure of its preflight."""
    if not result.blocked:
        return False
    cause = cause_of(result, setup)
    if cause == reported or (result.explanation is not None and result.explanation.check == reported):
        return True
    # The report only saw a non-ok preflight status; any refusal that made the preflight non-ok is that cause.
    return (
        reported == Check.PREFLIGHT_STATUS_NOT_OK
        and result.preflight is not None
        and (result.preflight.status or 0) >= 300
    )
