"""Whether a result failed for the same cause as a reported message, even where the wording differs.

Engines word some failures alike: WebKit says "Origin X is not allowed by Access-Control-Allow-Origin" for a
missing, invalid or mismatched header, and neither Firefox nor WebKit says whether the response that failed answered
a preflight. A status code in the message is evidence too: it is the failing response's, so "Status code: 500" is an
error outside the CORS layer, not an origin the allow-list misses, and Firefox's "CORS header
'Access-Control-Allow-Origin' missing. Status code: 302" is a redirected preflight.
"""

from __future__ import annotations

from dataclasses import dataclass

from e2ekit._frameworks import CorsSetup
from e2ekit._probing.result import ProbeResult
from e2ekit._standard import CORS_CHECK_FAILURES, Check, Failure, predict
from e2ekit._wordings import ParsedMessage

__all__ = ["Match", "cause_of", "failure_of", "match", "same_cause"]

# What WebKit's one wording "Origin X is not allowed by Access-Control-Allow-Origin" stands for.
_NOT_ALLOWED = ("missing-allow-origin", "origin-mismatch", "invalid-allow-origin")
# Engines whose messages do not say whether the failing response answered a preflight.
_STAGELESS = ("firefox", "webkit")


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


@dataclass(frozen=True)
class Match:
    """Whether a result reproduces a reported message, and, when it does not, why in a few words."""

    reproduced: bool
    reason: str = ""
    """For a result that does not reproduce it: "this app's response was allowed", "blocked for another cause
    (...)", or the status the message saw against the one this app answered. For one that does, the evidence
    beyond the check, e.g. "status 500 as in the message"."""


def _accepted(reported: ParsedMessage) -> set[str]:
    """The check identifiers that are the reported failure, given how the engine words it."""
    check = reported.check
    if check == Check.ORIGIN_NOT_ALLOWED:
        return {f"{stage}.{failure}" for stage in ("cors-check", "preflight") for failure in _NOT_ALLOWED}
    stage, _, failure = check.partition(".")
    if stage == "cors-check" and reported.engine in _STAGELESS and failure in CORS_CHECK_FAILURES:
        return {str(check), f"preflight.{failure}"}
    return {str(check)}


def _is_missing_origin_report(reported: ParsedMessage) -> bool:
    return reported.check == Check.ORIGIN_NOT_ALLOWED or reported.check.endswith(".missing-allow-origin")


def match(reported: ParsedMessage | str, result: ProbeResult, setup: CorsSetup | None = None) -> Match:
    """Whether ``result`` failed for the cause ``reported`` (a parsed message, or a check identifier) names."""
    if not result.blocked:
        wanted = reported.status if isinstance(reported, ParsedMessage) else None
        if wanted is not None and result.status is not None and result.status != wanted:
            return Match(False, f"this app's response was allowed (status {result.status}; the message says {wanted})")
        return Match(False, "this app's response was allowed")
    if isinstance(reported, str):
        return Match(True) if _same_check({reported}, result, setup) else _another_cause(result, setup)
    failure = failure_of(result)
    seen = None if failure is None else failure.facts.status
    wanted = reported.status
    if _same_check(_accepted(reported), result, setup):
        if wanted is not None and seen is not None and wanted != seen:
            return Match(
                False,
                f"blocked for the same check, but the message says status {wanted} and this app answered {seen}",
            )
        return Match(True, "" if wanted is None else f"status {wanted} as in the message")
    # A redirected preflight reads "Access-Control-Allow-Origin missing. Status code: 302" in Firefox: the failing
    # response had the message's status and no Access-Control-Allow-Origin.
    if (
        wanted is not None
        and wanted == seen
        and _is_missing_origin_report(reported)
        and failure is not None
        and failure.check in (Check.PREFLIGHT_REDIRECT, Check.PREFLIGHT_STATUS_NOT_OK)
        and _responded_without_allow_origin(result, failure)
    ):
        return Match(True, f"status {wanted} as in the message, without Access-Control-Allow-Origin")
    if reported.check == Check.PREFLIGHT_STATUS_NOT_OK and _preflight_not_ok(result, wanted):
        return Match(True, "" if wanted is None else f"status {wanted} as in the message")
    return _another_cause(result, setup)


def _same_check(accepted: set[str], result: ProbeResult, setup: CorsSetup | None) -> bool:
    cause = cause_of(result, setup)
    explained = result.explanation.check if result.explanation is not None else None
    if cause in accepted or explained in accepted:
        return True
    # The report only saw a non-ok preflight status; any refusal that made the preflight non-ok is that cause.
    return Check.PREFLIGHT_STATUS_NOT_OK in accepted and _preflight_not_ok(result, None)


def _preflight_not_ok(result: ProbeResult, status: int | None) -> bool:
    preflight = result.preflight
    if preflight is None or (preflight.status or 0) < 300:
        return False
    return status is None or preflight.status == status


def _responded_without_allow_origin(result: ProbeResult, failure: Failure) -> bool:
    response = result.preflight if failure.facts.preflight else (result.requests[-1] if result.requests else None)
    return response is not None and response.response_header("access-control-allow-origin") is None


def _another_cause(result: ProbeResult, setup: CorsSetup | None) -> Match:
    return Match(False, f"blocked for another cause ({cause_of(result, setup) or result.verdict})")


def same_cause(reported: ParsedMessage | str, result: ProbeResult, setup: CorsSetup | None = None) -> bool:
    """A blocked result whose cause is the reported one (see ``match``)."""
    return match(reported, result, setup).reproduced
