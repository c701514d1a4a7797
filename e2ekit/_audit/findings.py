"""What the audit reports: findings (what a real browser let a hostile origin do, ranked, and where the header-level
view disagrees with the browsers) and skipped cases (what could not be tried, and why: never counted as safe)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from e2ekit._audit.attempts import AttemptKind
from e2ekit._audit.header_view import HeaderView

__all__ = ["Difference", "EngineVerdict", "Finding", "Severity", "SkippedCase"]


class Severity(str, enum.Enum):
    """How bad a finding is; the order of the members is the report's order."""

    CRITICAL = "critical"
    """A hostile origin read a credentialed response, or sent a credentialed state-changing request and read the
    answer (or, for an app whose data is private, read any response)."""
    INFORMATIONAL = "informational"
    """A hostile origin read a response made without credentials: harmless for public data."""
    DIFFERENCE = "difference"
    """The header-level view and the browsers disagree."""

    def __str__(self) -> str:
        return self.value

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Difference(str, enum.Enum):
    """Which way the header-level view and the browsers disagree."""

    SCANNER_ONLY = "scanner-only"
    """A header-only scanner reports the read; no browser let the page make it."""
    BROWSER_ONLY = "browser-only"
    """A browser let the page read; a header-only scanner would not report it."""

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class EngineVerdict:
    """One engine's part in a finding: whether it let the page read, whether the request carried a cookie."""

    engine: str
    allowed: bool
    cookie_sent: bool
    status: int | None
    """The status the page read (None where it could read nothing)."""

    def to_json(self) -> dict[str, Any]:
        return {"engine": self.engine, "allowed": self.allowed, "cookie_sent": self.cookie_sent, "status": self.status}


@dataclass(frozen=True)
class Finding:
    """What the browsers let one hostile origin do with one request, grouped across engines."""

    severity: Severity
    origin: str
    category: str
    category_title: str
    derived_from: str | None
    why: str
    """Which policy mistake lets the origin through, as the hostile-origin generator says."""
    kind: AttemptKind
    request: str
    """The request in one line: method, path, credentials mode, headers the page set."""
    target_url: str
    verdicts: tuple[EngineVerdict, ...]
    """Every engine with a verdict, in the run's engine order."""
    skipped_in: tuple[str, ...]
    """Engines with no verdict for this request (see the skipped cases for why)."""
    response_headers: tuple[tuple[str, str], ...]
    """The CORS headers of the answers that allowed it (the preflight's first), from the recorded exchanges."""
    header_view: HeaderView | None
    """The header-level view of this origin and path (None where the scanner's request failed to be made)."""
    summary: str
    fix: str | None
    difference: Difference | None = None

    @property
    def allowed_in(self) -> tuple[str, ...]:
        return tuple(verdict.engine for verdict in self.verdicts if verdict.allowed)

    @property
    def blocked_in(self) -> tuple[str, ...]:
        return tuple(verdict.engine for verdict in self.verdicts if not verdict.allowed)

    @property
    def cookie_sent_in(self) -> tuple[str, ...]:
        return tuple(verdict.engine for verdict in self.verdicts if verdict.cookie_sent)

    @property
    def key(self) -> tuple[str, str, str, str]:
        """(severity, origin, attempt kind, request): what identifies a finding across runs."""
        return (self.severity.value, self.origin, self.kind.value, self.request)

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "origin": self.origin,
            "category": self.category,
            "category_title": self.category_title,
            "derived_from": self.derived_from,
            "why": self.why,
            "kind": self.kind.value,
            "request": self.request,
            "target_url": self.target_url,
            "allowed_in": list(self.allowed_in),
            "blocked_in": list(self.blocked_in),
            "skipped_in": list(self.skipped_in),
            "cookie_sent_in": list(self.cookie_sent_in),
            "engines": [verdict.to_json() for verdict in self.verdicts],
            "response_headers": [list(pair) for pair in self.response_headers],
            "header_view": None if self.header_view is None else self.header_view.to_json(),
            "header_view_summary": None if self.header_view is None else self.header_view.describe(self.kind),
            "difference": None if self.difference is None else self.difference.value,
            "summary": self.summary,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class SkippedCase:
    """A hostile origin (and the requests from it) that could not be tried in some engines, and why."""

    origin: str
    category: str
    category_title: str
    engines: tuple[str, ...]
    requests: tuple[str, ...]
    reason: str
    header_view: str | None = None
    """What a header-only scanner concludes about the origin, which it can forge where no browser can."""

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "category": self.category,
            "category_title": self.category_title,
            "engines": list(self.engines),
            "requests": list(self.requests),
            "reason": self.reason,
            "header_view": self.header_view,
        }
