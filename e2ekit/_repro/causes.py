"""Whether a result failed for the same cause as a reported message, even where the wording differs."""

from __future__ import annotations

from e2ekit._probing.result import ProbeResult
from e2ekit._standard import Check

__all__ = ["cause_of", "same_cause"]

# Starlette's CORSMiddleware refuses a preflight with 400 and names the reason in the body; browsers then only say
# "not an ok status". The body tells which check the policy really failed.
_STARLETTE_PREFLIGHT_BODIES = {
    "Disallowed CORS method": Check.METHOD_NOT_ALLOWED,
    "Disallowed CORS headers": Check.HEADER_NOT_ALLOWED,
    "Disallowed CORS origin": Check.PREFLIGHT_ORIGIN_MISMATCH,
}


def cause_of(result: ProbeResult) -> str | None:
    """The failing check behind a result, seen through Starlette's 400 preflight answers."""
    if result.explanation is None or result.explanation.check is None:
        return None
    check = result.explanation.check
    preflight = result.preflight
    if check == Check.PREFLIGHT_STATUS_NOT_OK and preflight is not None:
        for reason, underlying in _STARLETTE_PREFLIGHT_BODIES.items():
            if reason in preflight.response_body:
                return str(underlying)
    return check


def same_cause(reported: str, result: ProbeResult) -> bool:
    """A blocked result whose cause is the reported one, or the reported status failure of its preflight."""
    if not result.blocked:
        return False
    cause = cause_of(result)
    if cause == reported or (result.explanation is not None and result.explanation.check == reported):
        return True
    # The report only saw a non-ok preflight status; any refusal that made the preflight non-ok is that cause.
    return (
        reported == Check.PREFLIGHT_STATUS_NOT_OK
        and result.preflight is not None
        and (result.preflight.status or 0) >= 300
    )
