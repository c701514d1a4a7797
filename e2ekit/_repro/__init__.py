"""Reproduce a user's pasted CORS console error against the app under test, and fix it where the app allows."""

from __future__ import annotations

from e2ekit._repro.causes import Match, cause_of, failure_of, match, same_cause
from e2ekit._repro.fixing import MAX_FIX_STEPS, FixOutcome, FixStep, fix_until_allowed
from e2ekit._repro.reconstruct import ReportedRequest, ReproRequest, distinct_requests, reconstruct

__all__ = [
    "MAX_FIX_STEPS",
    "FixOutcome",
    "FixStep",
    "Match",
    "ReportedRequest",
    "ReproRequest",
    "cause_of",
    "distinct_requests",
    "failure_of",
    "fix_until_allowed",
    "match",
    "reconstruct",
    "same_cause",
]
