"""What one probe produced in one engine: the browser's verdict, what JavaScript saw, what crossed the wire."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from e2ekit._engines.base import EngineInfo
from e2ekit._errors import EngineInterrupted
from e2ekit._probing.exchange import Exchange, Headers
from e2ekit._probing.explanation import Explanation
from e2ekit._probing.origins import SiteRelation
from e2ekit._probing.probe import Probe

__all__ = ["ProbeResult", "Verdict", "caveat_lines"]


class Verdict(str, enum.Enum):
    """What a probe gave: the browser's verdict (ALLOWED, BLOCKED), or none because the engine failed (ENGINE ERROR)
    or the run was stopped first (INTERRUPTED: Ctrl-C, SIGTERM)."""

    ALLOWED = "ALLOWED"
    BLOCKED = "BLOCKED"
    ENGINE_ERROR = "ENGINE ERROR"
    INTERRUPTED = "INTERRUPTED"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class ProbeResult:
    """One probe in one engine.

    ``allowed`` means the fetch() promise resolved. ``console`` is None when the engine cannot report console
    messages (not the same as an empty tuple: no message). ``exchanges`` are the requests the target server
    received for this probe, in order (preflight, actual request, redirect hops).
    """

    engine: EngineInfo
    probe: Probe
    page_origin: str
    target_url: str
    relation: SiteRelation
    verdict: Verdict
    js_error: str | None
    status: int | None
    response_type: str | None
    headers: Headers
    body: str | None
    console: tuple[str, ...] | None
    exchanges: tuple[Exchange, ...]
    duration_ms: float
    engine_error: str | None = None
    explanation: Explanation | None = None
    """What the Fetch-standard model says failed (or passed), with the fix."""

    @property
    def allowed(self) -> bool:
        return self.verdict is Verdict.ALLOWED

    @property
    def blocked(self) -> bool:
        return self.verdict is Verdict.BLOCKED

    @property
    def preflight(self) -> Exchange | None:
        """The first CORS preflight the target received for this probe, if any."""
        return next((exchange for exchange in self.exchanges if exchange.is_preflight), None)

    @property
    def requests(self) -> tuple[Exchange, ...]:
        """The exchanges that were not preflights: the actual request and any redirect hops."""
        return tuple(exchange for exchange in self.exchanges if not exchange.is_preflight)

    @property
    def reached_app(self) -> bool:
        """Whether the actual request (not only a preflight) reached the app under test."""
        return bool(self.requests)

    @property
    def cookie_sent(self) -> bool:
        """Whether any actual request for this probe carried a Cookie header."""
        return any(exchange.cookie for exchange in self.requests)

    @property
    def console_text(self) -> str:
        """The console messages joined by newlines ("" when there were none or capture is unavailable)."""
        return "\n".join(self.console or ())

    def header(self, name: str) -> str | None:
        """A response header as JavaScript could read it (``response.headers.get(name)``)."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key == wanted), None)

    def __str__(self) -> str:
        probe = self.probe
        lines = [
            f"{self.verdict} in {self.engine}: {probe.method} {self.target_url} from {self.page_origin} "
            f"({self.relation}), credentials {probe.credentials}, {self.duration_ms:.0f} ms"
        ]
        if self.engine_error:
            lines.append(f"  engine error: {self.engine_error}")
        if self.verdict is Verdict.INTERRUPTED:
            lines.append(f"  {EngineInterrupted.of(self.engine.name)}")
        if self.js_error:
            lines.append(f"  JavaScript: {self.js_error}")
        elif self.status is not None:
            lines.append(f"  JavaScript: status {self.status}, type {self.response_type}")
        if self.console is None and self.verdict is not Verdict.INTERRUPTED:
            worded = self.explanation.messages.get(self.engine.name) if self.explanation and not self.allowed else None
            worded_text = f"; it words this failure as: {_continued(worded)}" if worded else ""
            lines.append(f"  console: capture unavailable in this engine{worded_text}")
        lines += [f"  console: {message}" for message in self.console or ()]
        if self.explanation is not None:
            lines += self._explanation_lines(self.explanation)
        if not self.exchanges:
            lines.append("  wire: the target received no request")
        for exchange in self.exchanges:
            kind = "preflight" if exchange.is_preflight else "request"
            cors = [f"{k}: {v}" for k, v in exchange.response_headers if k.startswith("access-control-")]
            cookie = "cookie sent" if exchange.cookie else "no cookie"
            lines.append(
                f"  wire {kind}: {exchange.describe()}; {cookie}"
                + (f"; {', '.join(cors)}" if cors else "; no CORS headers")
            )
        return "\n".join(lines)

    def _explanation_lines(self, explanation: Explanation) -> list[str]:
        check = f" [{explanation.check}]" if explanation.check else ""
        lines = [f"  why: {explanation.detail}{check}"]
        if explanation.fix and not self.allowed:
            lines.append(f"  fix: {explanation.fix}")
        if not explanation.agrees:
            predicted = "ALLOWED" if explanation.allowed else "BLOCKED"
            lines.append(f"  note: the Fetch standard predicts {predicted}: {explanation.engine_behaviour}")
        return lines + caveat_lines(explanation)

    def __repr__(self) -> str:
        # Short enough for pytest's assertion line (it truncates near 240 characters); the plugin adds the full
        # str() of every result to the report of a failed test.
        reason = (
            self.engine_error
            or self.js_error
            or ("interrupted" if self.verdict is Verdict.INTERRUPTED else f"status {self.status}")
        )
        wire = "; ".join(exchange.describe() for exchange in self.exchanges) or "nothing reached the target"
        return (
            f"<{self.verdict} {self.engine.name}: {self.probe.method} {self.target_url} from {self.page_origin}, "
            f"credentials {self.probe.credentials}: {reason}; wire: {wire}>"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine.to_json(),
            "probe": self.probe.to_json(),
            "page_origin": self.page_origin,
            "target_url": self.target_url,
            "relation": self.relation.value,
            "verdict": self.verdict.value,
            "allowed": self.allowed,
            "js_error": self.js_error,
            "status": self.status,
            "response_type": self.response_type,
            "headers": [list(pair) for pair in self.headers],
            "body": self.body,
            "console": None if self.console is None else list(self.console),
            "preflight_sent": self.preflight is not None,
            "reached_app": self.reached_app,
            "cookie_sent": self.cookie_sent,
            "exchanges": [_exchange_json(exchange) for exchange in self.exchanges],
            "duration_ms": round(self.duration_ms, 1),
            "engine_error": self.engine_error,
            "explanation": None if self.explanation is None else self.explanation.to_json(),
        }


def caveat_lines(explanation: Explanation, indent: str = "  ") -> list[str]:
    """What the page got besides the verdict, a ``but:`` line per caveat with its fix under it."""
    lines = []
    for caveat in explanation.caveats:
        lines.append(f"{indent}but: {caveat.detail} [{caveat.kind}]")
        if caveat.fix:
            lines.append(f"{indent}  fix: {caveat.fix}")
    return lines


def _continued(text: str) -> str:
    """Indent the continuation lines of a multi-line message under its result line."""
    return text.replace("\n", "\n    ")


def _exchange_json(exchange: Exchange) -> dict[str, Any]:
    return {
        "method": exchange.method,
        "url": exchange.url,
        "preflight": exchange.is_preflight,
        "request_headers": [list(pair) for pair in exchange.request_headers],
        "status": exchange.status,
        "response_headers": [list(pair) for pair in exchange.response_headers],
        "unsent_headers": [list(pair) for pair in exchange.unsent_headers],
        "error": exchange.error,
    }
