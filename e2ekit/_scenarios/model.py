"""Scenarios: a CORS policy, a page and a target origin, optional cookies, and probes with expected verdicts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from e2ekit._probing.probe import Probe
from e2ekit._probing.result import Verdict

__all__ = ["EXPECTABLE_VERDICTS", "CookieSetup", "Scenario", "ScenarioProbe"]

EXPECTABLE_VERDICTS = {"allowed": Verdict.ALLOWED, "blocked": Verdict.BLOCKED}
"""How a scenario file writes the verdicts a probe can be expected to get."""


@dataclass(frozen=True)
class CookieSetup:
    """A cookie the target sets in a top-level visit before the probes run (``Set-Cookie`` attributes)."""

    name: str
    value: str = "1"
    samesite: str | None = None
    """None leaves the attribute out (engines differ: Lax by default in Chromium)."""
    secure: bool = False
    httponly: bool = True
    path: str = "/"
    set_on: str = "target"
    """Which origin's host sets the cookie: "target", or "page" (a login on the front end's host, say localhost,
    while the API is called on another, say 127.0.0.1)."""

    def header(self) -> str:
        parts = [f"{self.name}={self.value}", f"Path={self.path}"]
        parts += ["HttpOnly"] * self.httponly + ["Secure"] * self.secure
        if self.samesite is not None:
            parts.append(f"SameSite={self.samesite}")
        return "; ".join(parts)


@dataclass(frozen=True)
class ScenarioProbe:
    """A probe with what the scenario expects of it. Optional expectations are None when not stated."""

    probe: Probe
    expect: Mapping[str, Verdict]
    """Expected verdict by engine name; key "default" for engines not named."""
    preflight: bool | None = None
    reached_app: bool | None = None
    cookie_sent: bool | None = None
    status: int | None = None
    """The status JavaScript reads (only meaningful when allowed)."""
    readable_headers: Mapping[str, str | None] = field(default_factory=dict)
    """Header -> value JavaScript must read via response.headers.get(); None: must not be readable."""
    note: str | None = None
    wire_by_engine: Mapping[str, Mapping[str, bool]] = field(default_factory=dict)
    """Engine -> {"preflight" | "reached_app" | "cookie_sent": value} where an engine differs from the fields above
    (added after the first contract; empty for most probes)."""
    check: str | None = None
    """The Fetch-standard check the model must name (e2ekit._standard.Check), the same in every engine."""
    caveats: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Engine (or "default") -> the caveat identifiers the result must have, exactly; empty when not stated."""

    def expected_caveats(self, engine: str) -> tuple[str, ...] | None:
        """The caveat identifiers expected in ``engine``; None when the scenario states none for it."""
        if engine in self.caveats:
            return self.caveats[engine]
        return self.caveats.get("default")

    def expected_wire(self, name: str, engine: str) -> bool | None:
        """The ``preflight``, ``reached_app`` or ``cookie_sent`` expectation for ``engine``; None when not stated."""
        by_engine = self.wire_by_engine.get(engine, {})
        value: bool | None = by_engine[name] if name in by_engine else getattr(self, name)
        return value

    def expected_verdict(self, engine: str) -> Verdict:
        # Not expect.get(engine, expect["default"]): that evaluates the default even when every engine is named.
        return self.expect[engine] if engine in self.expect else self.expect["default"]


@dataclass(frozen=True)
class Scenario:
    """One CORS setup from the corpus, run in every engine."""

    id: str
    title: str
    file: str
    probes: tuple[ScenarioProbe, ...]
    cors: Mapping[str, Any] | None = None
    """Starlette/FastAPI CORSMiddleware keyword arguments; strings may contain "{page}" (the page origin)."""
    app: str | None = None
    """Import string of an app to use instead of the built-in one (then ``cors`` is not used)."""
    layers: tuple[str, ...] = ()
    """Built-in app behaviours placed around CORSMiddleware, e.g. "auth-outside-cors"."""
    page: str = "http://localhost"
    target: str = "http://127.0.0.1"
    opaque_page: bool = False
    cookies: tuple[CookieSetup, ...] = ()
    source: str | None = None
    """The public report this scenario comes from."""
    tags: tuple[str, ...] = ()
