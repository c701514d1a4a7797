"""The audit in one engine: the visits first (real cookies), then one page load per hostile origin running every
attempt, and for each attempt the browser's verdict or why there is none.

A verdict counts only when the browser decided on CORS grounds: the target received the request (or its preflight)
and the browser then let the page read the response, or refused it. A page that could not be loaded, a request the
browser never sent (mixed content, an engine error) is a skip with its reason, never a "blocked".
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from e2ekit._audit.plan import NULL_ORIGIN, AuditPlan
from e2ekit._engines.base import EngineInfo
from e2ekit._errors import EngineError, EngineInterrupted
from e2ekit._probing.result import ProbeResult, Verdict
from e2ekit._probing.session import NAVIGATION_TIMEOUT, Session

__all__ = ["HANGS_IN_A_ROW", "MIXED_CONTENT", "AttemptOutcome", "EngineAudit", "audit_engine", "skip_reason"]

MIXED_CONTENT = "request.mixed-content"
HANGS_IN_A_ROW = 3
"""Hostile origins in a row whose page hung in an engine (every request an engine error, after at least a navigation
timeout) before the audit gives that engine up: the rest would take as long. A page the engine refuses at once (a
port no browser may use) is only that origin's skip."""


@dataclass(frozen=True)
class AttemptOutcome:
    """One attempt from one hostile origin in one engine: the result, and why it has no verdict (or None)."""

    case: int
    """Index into ``AuditPlan.cases``."""
    attempt: int
    """Index into ``AuditPlan.attempts``."""
    result: ProbeResult
    skip: str | None

    @property
    def allowed(self) -> bool:
        return self.skip is None and self.result.allowed

    @property
    def blocked(self) -> bool:
        return self.skip is None and not self.result.allowed


@dataclass(frozen=True)
class EngineAudit:
    """What one engine did: an outcome per attempt tried, whether it was stopped early, and why it gave up."""

    engine: str
    info: EngineInfo
    outcomes: tuple[AttemptOutcome, ...]
    interrupted: bool = False
    failure: str | None = None
    """Why the engine could not finish the audit (a failed visit, pages failing one after another)."""


def audit_engine(session: Session, app: object, plan: AuditPlan) -> EngineAudit:
    """Run ``plan`` in ``session``'s engine; stops early, keeping what it has, when the engine is interrupted."""
    worker = session.engine
    outcomes: list[AttemptOutcome] = []
    probes = [attempt.probe for attempt in plan.attempts]

    def finish(*, failure: str | None = None) -> EngineAudit:
        interrupted = worker.interrupted
        return EngineAudit(worker.name, worker.info, tuple(outcomes), interrupted, None if interrupted else failure)

    for path in plan.visits:
        try:
            session.visit(app, path, target_origin=plan.target)
        except EngineInterrupted:
            return finish()
        except EngineError as error:
            return finish(failure=f"the visit to {path} failed: {error}")
    hangs = 0
    for index, case in enumerate(plan.cases):
        if case.page is None:
            continue
        if worker.interrupted:
            break
        started = time.monotonic()
        results = session.run(app, probes, page_origin=case.page, target_origin=plan.target, opaque_page=case.opaque)
        if worker.interrupted:  # these results are the interruption's engine errors, not verdicts
            break
        origin = NULL_ORIGIN if case.opaque else str(case.page)
        outcomes += [
            AttemptOutcome(index, number, result, skip_reason(result, origin)) for number, result in enumerate(results)
        ]
        hung = time.monotonic() - started >= NAVIGATION_TIMEOUT
        hangs = hangs + 1 if hung and all(r.verdict is Verdict.ENGINE_ERROR for r in results) else 0
        if hangs == HANGS_IN_A_ROW:
            return finish(failure=f"it hung on {HANGS_IN_A_ROW} hostile origins in a row: {results[0].engine_error}")
    return finish()


def skip_reason(result: ProbeResult, origin: str) -> str | None:
    """Why ``result`` is no CORS verdict for a page on ``origin``, or None when it is one."""
    if result.verdict is Verdict.ENGINE_ERROR:
        return f"the engine failed: {(result.engine_error or 'no reason given').splitlines()[0]}"
    sent = result.exchanges[0].origin if result.exchanges else origin
    if sent != origin:
        # The page did not run there: an engine that refuses the origin (a port no browser may use) may show an
        # error page of its own instead, whose requests carry another origin.
        return f"the page did not run on this origin: the browser sent Origin: {sent}"
    if result.allowed:
        return None
    explanation = result.explanation
    if explanation is not None and explanation.check == MIXED_CONTENT:
        return "mixed content: the browser does not let an https page fetch an http target; audit an https target"
    if not result.exchanges:
        reason = explanation.detail if explanation is not None and explanation.check else result.js_error
        return f"the browser sent nothing to the target ({reason or 'no reason given'})"
    return None
