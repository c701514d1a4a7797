"""The result of an audit: the findings, the skipped cases, what each engine tried, as text and as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from e2ekit._audit.findings import Finding, Severity, SkippedCase
from e2ekit._audit.hostile import HostileOrigin

__all__ = ["AuditResult", "EngineSummary"]


@dataclass(frozen=True)
class EngineSummary:
    """What one engine did: its version, the requests it decided and those it could not try."""

    engine: str
    version: str | None
    backend: str | None
    tried: int
    skipped: int

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "version": self.version,
            "backend": self.backend,
            "tried": self.tried,
            "skipped": self.skipped,
        }


@dataclass(frozen=True)
class AuditResult:
    """Which hostile origins real browsers let read the app's responses, ranked, and what could not be tried.

    ``findings`` come most severe first. ``skipped`` lists every hostile origin and request that some engine could
    not try, with the reason; such a case is never counted as safe. ``engines_unavailable`` are engines not
    installed (or misconfigured), ``engine_errors`` engines that failed or gave up.
    """

    allowed: tuple[str, ...]
    target: str
    framework: str
    """The CORS implementation serving the app, as the fixes name it ("response headers" when unknown)."""
    hostile: tuple[HostileOrigin, ...]
    findings: tuple[Finding, ...]
    skipped: tuple[SkippedCase, ...]
    engines: tuple[EngineSummary, ...]
    engines_unavailable: Mapping[str, str] = field(default_factory=dict)
    engine_errors: Mapping[str, str] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def critical(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.severity is Severity.CRITICAL)

    def count(self, severity: Severity) -> int:
        return sum(finding.severity is severity for finding in self.findings)

    def assert_no_critical(self) -> None:
        """Raise AssertionError listing the critical findings, if there are any (for a test suite)."""
        __tracebackhide__ = True  # pytest shows the test's line, not this one
        if self.critical:
            text = "\n".join(_finding_text(finding) for finding in self.critical)
            raise AssertionError(f"e2ekit audit: {len(self.critical)} critical finding(s)\n{text}")

    def summary(self) -> str:
        """One line: the findings by severity, then what each engine tried and skipped."""
        counts = ", ".join(_counted(self.count(severity), severity) for severity in Severity)
        engines = "; ".join(f"{e.engine}: {e.tried} tried, {e.skipped} skipped" for e in self.engines)
        ran = f"; {engines}" if engines else "; no engine ran"
        stopped = "; interrupted" if self.interrupted else ""
        hostile = f"{len(self.hostile)} hostile origin{'' if len(self.hostile) == 1 else 's'}"
        return f"e2ekit audit: {counts}; {hostile} against {self.target}{ran}{stopped}"

    def __str__(self) -> str:
        blocks = [_finding_text(finding) for finding in self.findings]
        blocks += _skipped_texts(self.skipped)
        lines = [f"{name}: skipped: {reason}" for name, reason in self.engines_unavailable.items()]
        lines += [f"{name}: ENGINE ERROR: {reason}" for name, reason in self.engine_errors.items()]
        if lines:
            blocks.append("\n".join(lines))
        blocks.append(self.summary())
        return "\n\n".join(blocks)

    def to_json(self) -> dict[str, Any]:
        return {
            "allowed": list(self.allowed),
            "target": self.target,
            "framework": self.framework,
            "hostile_origins": [
                {
                    "origin": origin.origin,
                    "category": origin.category,
                    "derived_from": origin.derived_from,
                    "why": origin.why,
                }
                for origin in self.hostile
            ],
            "counts": {
                **{severity.value: self.count(severity) for severity in Severity},
                "skipped": len(self.skipped),
            },
            "engines": [engine.to_json() for engine in self.engines],
            "findings": [finding.to_json() for finding in self.findings],
            "skipped": [case.to_json() for case in self.skipped],
            "engines_unavailable": dict(self.engines_unavailable),
            "engine_errors": dict(self.engine_errors),
            "interrupted": self.interrupted,
        }


def _counted(count: int, severity: Severity) -> str:
    """``2 critical``, ``1 informational``, ``3 differences``: the severities are adjectives but one."""
    plural = "s" if severity is Severity.DIFFERENCE and count != 1 else ""
    return f"{count} {severity.value}{plural}"


def _finding_text(finding: Finding) -> str:
    lines = [
        f"{finding.severity.value.upper()} {finding.kind.label} from {finding.origin} ({finding.category_title}): "
        f"{finding.request} -> {finding.target_url}",
        f"  {finding.summary}",
        f"  why: {finding.why}",
        f"  engines: {_engines_line(finding)}",
    ]
    if finding.response_headers:
        lines.append("  response: " + "; ".join(f"{name}: {value}" for name, value in finding.response_headers))
    if finding.header_view is not None:
        lines.append(f"  {finding.header_view.describe(finding.kind)}")
    if finding.fix:
        lines.append(f"  fix: {finding.fix}")
    return "\n".join(lines)


def _engines_line(finding: Finding) -> str:
    parts = []
    if finding.allowed_in:
        parts.append(f"allowed in {', '.join(finding.allowed_in)}")
    if finding.blocked_in:
        parts.append(f"blocked in {', '.join(finding.blocked_in)}")
    if finding.skipped_in:
        parts.append(f"skipped in {', '.join(finding.skipped_in)}")
    sent = finding.cookie_sent_in
    unsent = [verdict.engine for verdict in finding.verdicts if not verdict.cookie_sent]
    if finding.kind.credentialed:
        cookie = f"cookie sent in {', '.join(sent)}" if sent else "no cookie sent"
        if sent and unsent:
            cookie += f", not in {', '.join(unsent)}"
        parts.append(cookie)
    return "; ".join(parts)


def _skipped_texts(skipped: tuple[SkippedCase, ...]) -> list[str]:
    """One block per reason, category, engines and requests, listing the origins (the generator makes dozens of
    origins that fail alike, such as the special characters no page can have)."""
    groups: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], list[SkippedCase]] = {}
    for case in skipped:
        groups.setdefault((case.reason, case.category_title, case.engines, case.requests), []).append(case)
    texts = []
    for (reason, title, engines, requests), cases in groups.items():
        what = requests[0] if len(requests) == 1 else f"{len(requests)} requests"
        origins = ", ".join(case.origin for case in cases)
        texts.append(f"SKIPPED {origins} ({title}) in {', '.join(engines)}, {what}: {reason}")
    return texts
