"""Turn a failing check into a change of Starlette/FastAPI CORSMiddleware's parameters, and apply it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.middleware.cors import CORSMiddleware

from e2ekit._probing.result import ProbeResult
from e2ekit._serving.asgi import ASGIApp
from e2ekit._standard import Check

__all__ = ["PolicyFix", "PolicyFixError", "apply_fix", "fix_for"]


class PolicyFixError(ValueError):
    """The suggested fix cannot be applied to this app automatically."""


@dataclass(frozen=True)
class PolicyFix:
    """Set or extend one CORSMiddleware parameter."""

    parameter: str
    value: Any
    extend: bool
    """True: add ``value`` to the list parameter; False: set the parameter to ``value``."""

    def __str__(self) -> str:
        if self.extend:
            return f"add {self.value!r} to {self.parameter}"
        return f"set {self.parameter}={self.value!r}"


def fix_for(cause: str | None, result: ProbeResult) -> PolicyFix | None:
    """The parameter change that removes ``cause`` for this result, or None when no parameter change can."""
    probe = result.probe
    if cause == Check.METHOD_NOT_ALLOWED:
        return PolicyFix("allow_methods", probe.method, extend=True)
    if cause in (Check.HEADER_NOT_ALLOWED, Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD):
        refused = result.preflight.refused_request_headers if result.preflight else []
        return PolicyFix("allow_headers", refused[0], extend=True) if refused else None
    if cause in (Check.WILDCARD_WITH_CREDENTIALS, Check.PREFLIGHT_WILDCARD_WITH_CREDENTIALS):
        return PolicyFix("allow_origins", [result.page_origin], extend=False)
    if cause in (Check.CREDENTIALS_NOT_TRUE, Check.PREFLIGHT_CREDENTIALS_NOT_TRUE):
        return PolicyFix("allow_credentials", True, extend=False)
    if cause in (Check.ORIGIN_MISMATCH, Check.PREFLIGHT_ORIGIN_MISMATCH, Check.PREFLIGHT_MISSING_ALLOW_ORIGIN) or (
        cause == Check.MISSING_ALLOW_ORIGIN and not any(exchange.error for exchange in result.requests)
    ):
        return PolicyFix("allow_origins", result.page_origin, extend=True)
    return None


def apply_fix(app: ASGIApp, fix: PolicyFix) -> None:
    """Change the app's CORSMiddleware parameters in place; the middleware stack is rebuilt on the next request."""
    stack = getattr(app, "user_middleware", None)
    entry = next((m for m in stack or () if getattr(m, "cls", None) is CORSMiddleware), None)
    if entry is None:
        raise PolicyFixError(
            f"cannot apply '{fix}': the app has no Starlette/FastAPI CORSMiddleware in app.user_middleware"
        )
    kwargs: dict[str, Any] = entry.kwargs
    if fix.extend:
        current = list(kwargs.get(fix.parameter, ()))
        kwargs[fix.parameter] = current if fix.value in current else [*current, fix.value]
    else:
        kwargs[fix.parameter] = fix.value
    # Starlette builds its middleware stack once, lazily; dropping it applies the new parameters.
    app.middleware_stack = None  # type: ignore[attr-defined]
