"""What one probe of one scenario gave for one framework in one engine, as the table compares it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from e2ekit import ProbeResult

__all__ = [
    "CANNOT_EXPRESS",
    "ENGINE_ERROR",
    "MEASURED",
    "NOT_SERVABLE",
    "REFUSED",
    "Record",
    "record_of",
    "unmeasured_record",
]

ENGINE_ERROR = "ENGINE ERROR"
CANNOT_EXPRESS = "CANNOT EXPRESS"
"""The framework's CORS configuration has no way to state the policy."""
REFUSED = "REFUSED"
"""The framework's CORS package raised while being configured with the policy."""
NOT_SERVABLE = "NOT SERVABLE YET"
"""e2ekit cannot serve this kind of app (yet)."""
MEASURED = ("ALLOWED", "BLOCKED")

ANSWERED_HEADERS = (
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
)


@dataclass(frozen=True)
class Record:
    """One probe, one framework, one engine. ``verdict`` is the browser's (ALLOWED, BLOCKED, ENGINE ERROR), or why
    nothing was measured (CANNOT EXPRESS, REFUSED, NOT SERVABLE YET, with ``note`` saying why)."""

    scenario: str
    probe: int
    framework: str
    engine: str
    verdict: str
    status: int | None = None
    """The status JavaScript read (0 for an opaque response); None when the fetch was blocked."""
    preflight_status: int | None = None
    """The status answered to the CORS preflight; None when no preflight was sent."""
    preflight_headers: dict[str, str] = field(default_factory=dict)
    """The Access-Control-* headers answered to the preflight."""
    response_status: int | None = None
    """The status of the last actual request the server answered (after redirects); None if none reached it."""
    response_headers: dict[str, str] = field(default_factory=dict)
    """The Access-Control-* headers on that last response."""
    check: str | None = None
    """The failing Fetch-standard check e2ekit's model names (None when the standard allows the request)."""
    standard_agrees: bool | None = None
    """Whether the engine's verdict is the Fetch standard's; False where the engine departs from it."""
    wire: tuple[str, ...] = ()
    """Every exchange the server saw, one line each."""
    note: str | None = None

    @property
    def measured(self) -> bool:
        return self.verdict in MEASURED

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["wire"] = list(self.wire)
        return data


def record_of(scenario: str, probe: int, framework: str, result: ProbeResult) -> Record:
    preflight = result.preflight
    requests = result.requests
    last = requests[-1] if requests else None
    return Record(
        scenario=scenario,
        probe=probe,
        framework=framework,
        engine=result.engine.name,
        verdict=result.verdict.value,
        status=result.status,
        preflight_status=None if preflight is None else preflight.status,
        preflight_headers={} if preflight is None else _answered(preflight.response_headers),
        response_status=None if last is None else last.status,
        response_headers={} if last is None else _answered(last.response_headers),
        check=None if result.explanation is None else result.explanation.check,
        standard_agrees=None if result.explanation is None else result.explanation.agrees,
        wire=tuple(exchange.describe() for exchange in result.exchanges),
        note=result.engine_error,
    )


def unmeasured_record(scenario: str, probe: int, framework: str, engine: str, verdict: str, note: str) -> Record:
    return Record(scenario, probe, framework, engine, verdict, note=note)


def _answered(headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
    answered: dict[str, str] = {}
    for name, value in headers:
        if name in ANSWERED_HEADERS:
            answered[name] = f"{answered[name]}, {value}" if name in answered else value
    return answered
