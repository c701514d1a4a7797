"""Starlette's (and FastAPI's) CORSMiddleware: read its keyword arguments from ``app.user_middleware``, change them.

https://www.starlette.io/middleware/#corsmiddleware. Starlette builds its middleware stack once, lazily, from
``app.user_middleware``; changing an entry's keyword arguments and dropping the built stack applies a change on the
next request.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from e2ekit._frameworks.base import Framework
from e2ekit._frameworks.policy import Change, CorsPolicy, Setting
from e2ekit._standard import Check, Facts

__all__ = ["STARLETTE_NAMES", "StarletteCORS", "cors_entry", "policy_from_arguments"]

STARLETTE_NAMES: Mapping[Setting, str] = {
    Setting.ORIGINS: "allow_origins",
    Setting.ORIGIN_PATTERNS: "allow_origin_regex",
    Setting.CREDENTIALS: "allow_credentials=True",
    Setting.METHODS: "allow_methods",
    Setting.HEADERS: "allow_headers",
    Setting.EXPOSE_HEADERS: "expose_headers",
}

# CORSMiddleware refuses a preflight with 400 and names the reason in the body ("Disallowed CORS method, headers").
_REFUSALS = {
    "method": Check.METHOD_NOT_ALLOWED,
    "headers": Check.HEADER_NOT_ALLOWED,
    "origin": Check.PREFLIGHT_ORIGIN_MISMATCH,
}


def cors_entry(app: object) -> Any | None:
    """The ``Middleware(CORSMiddleware, ...)`` entry of a Starlette app's ``user_middleware``, if there is one."""
    from starlette.middleware.cors import CORSMiddleware

    return next((m for m in getattr(app, "user_middleware", ()) if getattr(m, "cls", None) is CORSMiddleware), None)


def policy_from_arguments(arguments: Mapping[str, Any], *, where: str = "") -> CorsPolicy:
    """The policy CORSMiddleware(**arguments) enforces, with Starlette's defaults for what is not given."""
    regex = arguments.get("allow_origin_regex")
    return CorsPolicy(
        origins=tuple(arguments.get("allow_origins", ())),
        origin_patterns=() if regex is None else (str(regex),),
        credentials=bool(arguments.get("allow_credentials", False)),
        methods=tuple(arguments.get("allow_methods", ("GET",))),
        headers=tuple(arguments.get("allow_headers", ())),
        expose_headers=tuple(arguments.get("expose_headers", ())),
        where=where,
    )


class StarletteCORS(Framework):
    """``starlette.middleware.cors.CORSMiddleware``, also what ``fastapi.middleware.cors`` re-exports."""

    name = "Starlette CORSMiddleware"
    layer = "CORSMiddleware"
    redirect_hint = ", e.g. Starlette's redirect_slashes"
    outermost = "put CORSMiddleware outermost (first in middleware=[...], or the last add_middleware call)"

    def detect(self, app: object) -> CorsPolicy | None:
        if "starlette" not in sys.modules:
            return None
        from starlette.applications import Starlette
        from starlette.middleware.cors import CORSMiddleware

        if isinstance(app, CORSMiddleware):
            # A bare instance: its arguments are only kept in the headers it precomputed.
            return CorsPolicy(
                origins=tuple(app.allow_origins),
                origin_patterns=() if app.allow_origin_regex is None else (app.allow_origin_regex.pattern,),
                credentials=app.allow_credentials,
                methods=tuple(app.allow_methods),
                headers=("*",) if app.allow_all_headers else tuple(app.allow_headers),
                where="CORSMiddleware(app, ...)",
            )
        if not isinstance(app, Starlette):
            return None
        entry = cors_entry(app)
        if entry is None:
            return CorsPolicy(installed=False)
        return policy_from_arguments(entry.kwargs)

    def names(self, policy: CorsPolicy) -> Mapping[Setting, str]:
        return STARLETTE_NAMES

    def install(self, origin: str, policy: CorsPolicy) -> str:
        return f"add CORSMiddleware with allow_origins=['{origin}']"

    def exception(self, error: str, status: int) -> str:
        # Starlette's ServerErrorMiddleware answers outside every user middleware, so its 500 has no CORS headers.
        return (
            f"the {status} came from an exception raised outside CORSMiddleware ({error}): handle it or put "
            "CORSMiddleware outermost"
        )

    def preflight_refusal(self, facts: Facts) -> Check | None:
        return refusal_in_body(facts.body, "Disallowed CORS ")

    def apply(self, app: object, change: Change) -> bool:
        entry = cors_entry(app) if self.detect(app) is not None else None
        if entry is None:
            return False
        change_arguments(entry.kwargs, change)
        # Starlette builds its middleware stack once, lazily; dropping it applies the new arguments.
        app.middleware_stack = None  # type: ignore[attr-defined]
        return True


def refusal_in_body(body: str, prefix: str) -> Check | None:
    """The first refusal named in a body such as "Disallowed CORS method, headers" (Starlette, Litestar)."""
    if not body.startswith(prefix):
        return None
    for reason in body[len(prefix) :].split(","):
        check = _REFUSALS.get(reason.strip().lower())
        if check is not None:
            return check
    return None


def change_arguments(arguments: dict[str, Any], change: Change) -> None:
    """Apply ``change`` to CORSMiddleware-style keyword arguments (Starlette, and Litestar's CORSConfig fields)."""
    if change.setting is Setting.CREDENTIALS:
        arguments["allow_credentials"] = True
        return
    if change.setting is Setting.ORIGIN_PATTERNS:
        arguments["allow_origin_regex"] = change.value
        return
    key = {
        Setting.ORIGINS: "allow_origins",
        Setting.METHODS: "allow_methods",
        Setting.HEADERS: "allow_headers",
        Setting.EXPOSE_HEADERS: "expose_headers",
    }[change.setting]
    current = [item for item in arguments.get(key, ()) if item != change.replaces]
    arguments[key] = current if change.value in current else [*current, change.value]
