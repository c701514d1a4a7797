"""From what each engine did to the audit's findings and skipped cases.

A finding groups one hostile origin's request across engines. Severity follows from the request and from what the
browsers allowed: a credentialed read or state-changing request that any engine let the page read is critical; a
read without credentials is informational (critical for an app whose data is private), and is left out where the
same engines already let the origin read the same path with credentials (the critical finding says more). Where the
header-level view of a read disagrees with the browsers that decided, that is a finding of its own, both ways.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from e2ekit._audit.attempts import Attempt, AttemptKind
from e2ekit._audit.engine_audit import AttemptOutcome, EngineAudit
from e2ekit._audit.findings import Difference, EngineVerdict, Finding, Severity, SkippedCase
from e2ekit._audit.header_view import HeaderView
from e2ekit._audit.hostile import CATEGORIES
from e2ekit._audit.plan import AuditPlan, Case
from e2ekit._frameworks.audit_advice import audit_fix
from e2ekit._frameworks.detection import CorsSetup
from e2ekit._probing.exchange import Exchange

__all__ = ["Judgement", "judge"]

_COMPARED = (AttemptKind.CREDENTIALED_READ, AttemptKind.UNCREDENTIALED_READ)
"""The requests a header-only scanner makes: a GET with a forged Origin, judged with and without credentials."""
_ALLOWING = ("access-control-allow-origin", "access-control-allow-credentials")
_PREFLIGHT_ALLOWING = (*_ALLOWING, "access-control-allow-headers", "access-control-allow-methods")
"""The headers that let the page read: on the response, and on the preflight's answer."""


@dataclass(frozen=True)
class Judgement:
    """The findings of a run, most severe first, and the cases some engine could not try."""

    findings: tuple[Finding, ...]
    skipped: tuple[SkippedCase, ...]


def judge(
    plan: AuditPlan,
    audits: Sequence[EngineAudit],
    views: Mapping[tuple[int, str], HeaderView],
    setup: CorsSetup,
) -> Judgement:
    """The findings (most severe first, then in the hostile origins' order) and the skipped cases of a run."""
    outcomes = {(audit.engine, o.case, o.attempt): o for audit in audits for o in audit.outcomes}
    findings: list[Finding] = []
    skipped: dict[tuple[int, str], tuple[dict[str, None], dict[str, None]]] = {}
    for index, case in enumerate(plan.cases):
        for number, attempt in enumerate(plan.attempts):
            decided: list[tuple[str, AttemptOutcome]] = []
            skipped_in: list[str] = []
            for audit in audits:
                outcome = outcomes.get((audit.engine, index, number))
                reason = (case.skip or _not_tried(audit)) if outcome is None else outcome.skip
                if reason is not None:
                    engines, requests = skipped.setdefault((index, reason), ({}, {}))
                    engines[audit.engine] = requests[attempt.request] = None
                    skipped_in.append(audit.engine)
                elif outcome is not None:
                    decided.append((audit.engine, outcome))
            if decided:
                view = views.get((index, attempt.probe.path))
                findings += _findings(plan, case, attempt, decided, tuple(skipped_in), view, setup)
    findings = _without_subsumed(findings)
    # The hostile origins come in report order (CATEGORIES), the attempts in the order they ran.
    rank = {case.hostile.origin: position for position, case in enumerate(plan.cases)}
    kinds = list(AttemptKind)
    findings.sort(key=lambda f: (f.severity.rank, rank[f.origin], kinds.index(f.kind), f.request))
    return Judgement(tuple(findings), tuple(_skipped_cases(plan, skipped, views)))


def _not_tried(audit: EngineAudit) -> str | None:
    if audit.interrupted:
        return "not tried: the run was interrupted"
    if audit.failure is not None:
        return f"not tried: {audit.engine} gave up: {audit.failure}"
    return None


def _findings(
    plan: AuditPlan,
    case: Case,
    attempt: Attempt,
    decided: list[tuple[str, AttemptOutcome]],
    skipped_in: tuple[str, ...],
    view: HeaderView | None,
    setup: CorsSetup,
) -> list[Finding]:
    kind = attempt.kind
    verdicts = tuple(
        EngineVerdict(engine, o.allowed, o.result.cookie_sent, o.result.status if o.allowed else None)
        for engine, o in decided
    )
    allowing = [o.result for _, o in decided if o.allowed]
    evidence = allowing[0] if allowing else decided[0][1].result
    request = next((e for e in reversed(evidence.exchanges) if not e.is_preflight), None)
    preflight = evidence.preflight
    headers = _allowing(preflight, _PREFLIGHT_ALLOWING, "preflight ") + _allowing(request, _ALLOWING, "")
    allow_origin = None if request is None else request.response_header("access-control-allow-origin")
    hostile = case.hostile
    fix = audit_fix(setup, hostile.origin, plan.allowed, allow_origin=allow_origin)

    def finding(severity: Severity, summary: str, fix: str | None, difference: Difference | None = None) -> Finding:
        return Finding(
            severity=severity,
            origin=hostile.origin,
            category=hostile.category,
            category_title=CATEGORIES.get(hostile.category, hostile.category),
            derived_from=hostile.derived_from,
            why=hostile.why,
            kind=kind,
            request=attempt.request,
            target_url=evidence.target_url,
            verdicts=verdicts,
            skipped_in=skipped_in,
            response_headers=headers,
            header_view=view,
            summary=summary,
            fix=fix,
            difference=difference,
        )

    found = []
    page = "a sandboxed page (origin null)" if case.opaque else f"a page on {hostile.origin}"
    allowed_in = [verdict.engine for verdict in verdicts if verdict.allowed]
    blocked_in = [verdict.engine for verdict in verdicts if not verdict.allowed]
    if allowed_in:
        severity = Severity.CRITICAL if kind.credentialed or plan.private else Severity.INFORMATIONAL
        found.append(finding(severity, _summary(kind, page, plan.private), fix))
    if kind in _COMPARED and view is not None and view.error is None:
        if view.reports(kind) and not allowed_in:
            summary = (
                f"a header-only scanner reports that {page} can make a {kind.label}; no browser let it read the "
                f"response (blocked in {', '.join(blocked_in)})"
            )
            found.append(finding(Severity.DIFFERENCE, summary, None, Difference.SCANNER_ONLY))
        elif allowed_in and not view.reports(kind):
            summary = (
                f"{', '.join(allowed_in)} let {page} make a {kind.label}; a header-only scanner would not report it "
                f"({view.headers})"
            )
            found.append(finding(Severity.DIFFERENCE, summary, fix, Difference.BROWSER_ONLY))
    return found


def _summary(kind: AttemptKind, page: str, private: bool) -> str:
    if kind is AttemptKind.CREDENTIALED_READ:
        return f"{page} read a response to a request made with the user's cookies"
    if kind is AttemptKind.PREFLIGHTED_READ:
        return (
            f"{page} passed the preflight of a request with the user's cookies and a custom header (the usual CSRF "
            "defence) and read the response"
        )
    if kind is AttemptKind.STATE_CHANGE:
        return f"{page} sent a state-changing request with the user's cookies and read the response"
    private_note = "; the app's data is private, protected only by network position" if private else ""
    return f"{page} read a response to a request made without credentials{private_note}"


def _allowing(exchange: Exchange | None, names: tuple[str, ...], prefix: str) -> tuple[tuple[str, str], ...]:
    if exchange is None:
        return ()
    return tuple((prefix + name, value) for name, value in exchange.response_headers if name in names)


def _without_subsumed(findings: list[Finding]) -> list[Finding]:
    """Leave out a read without credentials where the same engines let the origin read the path with them."""
    credentialed = {
        (f.origin, f.target_url): set(f.allowed_in)
        for f in findings
        if f.kind is AttemptKind.CREDENTIALED_READ and f.severity is Severity.CRITICAL
    }

    def subsumed(f: Finding) -> bool:
        if f.kind is not AttemptKind.UNCREDENTIALED_READ or f.severity is Severity.DIFFERENCE:
            return False
        return set(f.allowed_in) <= credentialed.get((f.origin, f.target_url), set())

    return [f for f in findings if not subsumed(f)]


def _skipped_cases(
    plan: AuditPlan,
    skipped: dict[tuple[int, str], tuple[dict[str, None], dict[str, None]]],
    views: Mapping[tuple[int, str], HeaderView],
) -> list[SkippedCase]:
    cases = []
    for (index, reason), (engines, requests) in skipped.items():
        hostile = plan.cases[index].hostile
        view = views.get((index, plan.attempts[0].probe.path)) if plan.attempts else None
        cases.append(
            SkippedCase(
                origin=hostile.origin,
                category=hostile.category,
                category_title=CATEGORIES.get(hostile.category, hostile.category),
                engines=tuple(engines),
                requests=tuple(requests),
                reason=reason,
                header_view=None if view is None else view.describe(AttemptKind.CREDENTIALED_READ),
            )
        )
    return cases
