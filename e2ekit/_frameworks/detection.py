"""Which CORS implementation serves an app: ask each framework in turn, looking through wrappers (``.app``)."""

from __future__ import annotations

from dataclasses import dataclass

from e2ekit._frameworks.aiohttp import AiohttpCORS
from e2ekit._frameworks.base import Framework
from e2ekit._frameworks.chainlit import ChainlitCORS
from e2ekit._frameworks.django import DjangoCorsHeaders
from e2ekit._frameworks.flask import FlaskCORS
from e2ekit._frameworks.headers import ResponseHeaders
from e2ekit._frameworks.litestar import LitestarCORS
from e2ekit._frameworks.policy import Change, CorsPolicy
from e2ekit._frameworks.quart import QuartCORS
from e2ekit._frameworks.starlette import StarletteCORS
from e2ekit._standard import Caveat, Failure

__all__ = ["FRAMEWORKS", "RESPONSE_HEADERS", "CorsSetup", "detect"]

FRAMEWORKS: tuple[Framework, ...] = (
    ChainlitCORS(),  # before Starlette: Chainlit's server is a FastAPI app configured from .chainlit/config.toml
    StarletteCORS(),
    DjangoCorsHeaders(),
    FlaskCORS(),
    LitestarCORS(),
    QuartCORS(),
    AiohttpCORS(),
)
"""Every CORS implementation e2ekit reads, in the order they are asked."""

RESPONSE_HEADERS = ResponseHeaders()
"""The fallback for any other app: advice in exact response headers."""

_WRAPPER_DEPTH = 8


@dataclass(frozen=True)
class CorsSetup:
    """The CORS implementation that serves an app, its configuration, and the object that holds it."""

    framework: Framework
    policy: CorsPolicy
    app: object

    def advice(self, failure: Failure) -> str | None:
        """How to fix ``failure`` in this framework's settings."""
        framework, policy = self._speaker(failure)
        return framework.advice(failure, policy)

    def caveat_advice(self, caveat: Caveat) -> str | None:
        """How to fix ``caveat`` in this framework's settings; an app of a known framework without its CORS layer
        sends its CORS headers by hand, so the fix names the headers."""
        if not self.policy.installed:
            return RESPONSE_HEADERS.caveat_advice(caveat, CorsPolicy(credentials=None))
        return self.framework.caveat_advice(caveat, self.policy)

    def changes(self, failure: Failure) -> list[Change]:
        """The changes of the configuration that remove ``failure``."""
        framework, policy = self._speaker(failure)
        return framework.changes(failure, policy)

    def _speaker(self, failure: Failure) -> tuple[Framework, CorsPolicy]:
        # An app of a known framework without its CORS layer that still sent CORS headers writes them by hand (or a
        # wrapper around it does): the fix is in the headers it sends.
        if not self.policy.installed and not failure.check.endswith("missing-allow-origin"):
            return RESPONSE_HEADERS, CorsPolicy(credentials=None)
        return self.framework, self.policy

    def apply(self, change: Change) -> bool:
        """Apply ``change`` to the live app; False where it cannot be applied in-process."""
        return self.framework.apply(self.app, change)

    def configuration(self, changes: list[Change]) -> str:
        """The complete change, worded in this framework's settings."""
        return self.framework.configuration(changes, self.policy)


def detect(app: object) -> CorsSetup:
    """The CORS implementation serving ``app`` (an app object, or an adapter around one), else the response-headers
    fallback. Reads the live configuration each time, so a change applied in-process shows."""
    current: object | None = app
    seen: set[int] = set()
    for _ in range(_WRAPPER_DEPTH):
        if current is None or id(current) in seen:
            break
        seen.add(id(current))
        for framework in FRAMEWORKS:
            policy = framework.detect(current)
            if policy is not None:
                return CorsSetup(framework, policy, current)
        # Adapters (a2wsgi's WSGIMiddleware, ASGI middleware classes) keep the app they wrap as ``.app``.
        current = getattr(current, "app", None)
    return CorsSetup(RESPONSE_HEADERS, CorsPolicy(credentials=None), app)
