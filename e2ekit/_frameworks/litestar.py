"""Litestar's CORSConfig: ``Litestar(cors_config=CORSConfig(...))``; its middleware reads the config object on every
request, through cached properties, so a change is applied by setting the field and dropping the caches.

https://docs.litestar.dev/latest/usage/middleware/builtin-middleware.html#cors. Litestar refuses a preflight with
400 and names the reasons in the body ("Disallowed CORS method, Origin"), without CORS headers.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from e2ekit._frameworks.base import Framework
from e2ekit._frameworks.policy import Change, CorsPolicy, Setting
from e2ekit._frameworks.starlette import change_arguments, refusal_in_body
from e2ekit._standard import Check, Facts

__all__ = ["LitestarCORS"]

_NAMES: Mapping[Setting, str] = {
    Setting.ORIGINS: "allow_origins in CORSConfig",
    Setting.ORIGIN_PATTERNS: "allow_origin_regex in CORSConfig",
    Setting.CREDENTIALS: "allow_credentials=True in CORSConfig",
    Setting.METHODS: "allow_methods in CORSConfig",
    Setting.HEADERS: "allow_headers in CORSConfig",
    Setting.EXPOSE_HEADERS: "expose_headers in CORSConfig",
}
_FIELDS = (
    "allow_origins",
    "allow_credentials",
    "allow_methods",
    "allow_headers",
    "allow_origin_regex",
    "expose_headers",
)


class LitestarCORS(Framework):
    """``litestar.config.cors.CORSConfig`` on a Litestar app."""

    name = "Litestar CORSConfig"
    layer = "Litestar's CORS middleware"
    outermost = "let the request reach Litestar's CORS middleware (it wraps the app's exception handlers)"

    def detect(self, app: object) -> CorsPolicy | None:
        if "litestar" not in sys.modules:
            return None
        from litestar import Litestar

        if not isinstance(app, Litestar):
            return None
        config = app.cors_config
        if config is None:
            return CorsPolicy(installed=False)
        regex = config.allow_origin_regex
        return CorsPolicy(
            origins=tuple(config.allow_origins),
            origin_patterns=() if regex is None else (regex,),
            credentials=config.allow_credentials,
            methods=tuple(str(m) for m in config.allow_methods),
            headers=tuple(config.allow_headers),
            expose_headers=tuple(config.expose_headers),
            where="CORSConfig",
        )

    def names(self, policy: CorsPolicy) -> Mapping[Setting, str]:
        return _NAMES

    def install(self, origin: str, policy: CorsPolicy) -> str:
        return f"pass cors_config=CORSConfig(allow_origins=['{origin}']) to Litestar(...)"

    def preflight_refusal(self, facts: Facts) -> Check | None:
        return refusal_in_body(facts.body, "Disallowed CORS ")

    def apply(self, app: object, change: Change) -> bool:
        policy = self.detect(app)
        if policy is None or not policy.installed:
            return False
        config = app.cors_config  # type: ignore[attr-defined]
        arguments: dict[str, Any] = {name: getattr(config, name) for name in _FIELDS}
        change_arguments(arguments, change)
        for name, value in arguments.items():
            setattr(config, name, value)
        config.allow_headers = [h.lower() for h in config.allow_headers]  # as CORSConfig.__post_init__ does
        # The headers and the origin regex are cached properties, computed once from the fields.
        for cached in [name for name in vars(config) if name not in _FIELDS and name != "max_age"]:
            del vars(config)[cached]
        return True
