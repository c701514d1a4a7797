"""flask-cors: ``CORS(app, ...)`` registers an after-request function that closes over its resolved options per
resource; ``@cross_origin(...)`` wraps a view and resolves its keyword arguments on every request.

https://flask-cors.readthedocs.io/. Both keep their options in closures, not on the app, so the configuration is
read from (and a change written to) the functions flask-cors registered. Under ``origins='*'`` flask-cors echoes
the request's origin unless ``send_wildcard=True``, and it compares origins case-insensitively.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

from e2ekit._frameworks.base import Framework
from e2ekit._frameworks.policy import Change, CorsPolicy, Setting

__all__ = ["FlaskCORS"]

_OPTION = {
    Setting.ORIGINS: "origins",
    Setting.ORIGIN_PATTERNS: "origins",
    Setting.METHODS: "methods",
    Setting.HEADERS: "allow_headers",
    Setting.EXPOSE_HEADERS: "expose_headers",
}


class FlaskCORS(Framework):
    """flask-cors on a Flask app: the ``CORS`` extension or the ``cross_origin`` decorator."""

    name = "flask-cors"
    layer = "flask-cors"
    outermost = "let flask-cors handle the error responses too (CORS(app, ...) does unless intercept_exceptions=False)"

    def detect(self, app: object) -> CorsPolicy | None:
        if "flask" not in sys.modules:
            return None
        from flask import Flask

        if not isinstance(app, Flask):
            return None
        resources = _extension_resources(app)
        if resources:
            return _policy(resources[0][1], where="CORS(app, ...)")
        decorated = _decorated_views(app)
        if decorated:
            endpoint, raw = decorated[0]
            from flask_cors.core import get_cors_options

            with app.app_context():
                options = get_cors_options(app, raw)
            return _policy(options, where=f"@cross_origin(...) on '{endpoint}'")
        return CorsPolicy(installed=False)

    def names(self, policy: CorsPolicy) -> Mapping[Setting, str]:
        where = policy.where or "CORS(app, ...)"
        return {
            Setting.ORIGINS: f"origins in {where}",
            Setting.ORIGIN_PATTERNS: f"origins in {where}",
            Setting.CREDENTIALS: f"supports_credentials=True in {where}",
            Setting.METHODS: f"methods in {where}",
            Setting.HEADERS: f"allow_headers in {where}",
            Setting.EXPOSE_HEADERS: f"expose_headers in {where}",
        }

    def install(self, origin: str, policy: CorsPolicy) -> str:
        return f"add CORS(app, origins=['{origin}']) (from flask_cors import CORS)"

    def apply(self, app: object, change: Change) -> bool:
        if self.detect(app) is None:
            return False
        resources = _extension_resources(app)
        for index, (pattern, options) in enumerate(resources):
            resources[index] = (pattern, _changed_options(options, change))
        for _, raw in _decorated_views(app):
            _change_raw(raw, change)
        return bool(resources) or bool(_decorated_views(app))


def _closure(function: Callable[..., Any], name: str) -> Any:
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    cell = cells.get(name)
    return None if cell is None else cell.cell_contents


def _extension_resources(app: Any) -> list[tuple[Any, Any]]:
    """The (path pattern, resolved options) list that CORS(app, ...)'s after-request function closes over."""
    for functions in app.after_request_funcs.values():
        for function in functions:
            if (
                getattr(function, "__module__", "") == "flask_cors.extension"
                and function.__name__ == "cors_after_request"
            ):
                resources = _closure(function, "resources")
                if isinstance(resources, list):
                    return resources
    return []


def _decorated_views(app: Any) -> list[tuple[str, dict[str, Any]]]:
    """(endpoint, keyword arguments) of every view wrapped by @cross_origin(...)."""
    found = []
    for endpoint, view in app.view_functions.items():
        if getattr(view, "__module__", "") == "flask_cors.decorator" or (
            getattr(view, "__code__", None) is not None and "_options" in view.__code__.co_freevars
        ):
            raw = _closure(view, "_options")
            if isinstance(raw, dict):
                found.append((endpoint, raw))
    return found


def _policy(options: Any, *, where: str) -> CorsPolicy:
    origins = [o for o in options.origins if isinstance(o, str)]
    patterns = [o.pattern for o in options.origins if isinstance(o, re.Pattern) and o.pattern != ".*"]
    headers = [h.pattern if isinstance(h, re.Pattern) else str(h) for h in options.allow_headers]
    return CorsPolicy(
        origins=tuple(["*"] if options.allow_all_origins else []) + tuple(origins),
        origin_patterns=tuple(patterns),
        allow_all_origins=options.allow_all_origins,
        credentials=options.supports_credentials,
        methods=None if options.methods is None else tuple(m.strip() for m in options.methods.split(",")),
        headers=tuple("*" if h == ".*" else h for h in headers),
        expose_headers=() if not options.expose_headers else tuple(options.expose_headers.split(", ")),
        where=where,
        pattern_match="match",
    )


def _changed_options(options: Any, change: Change) -> Any:
    """Resolved flask-cors options (a frozen dataclass) with ``change`` applied."""
    if change.setting is Setting.CREDENTIALS:
        return dataclasses.replace(options, supports_credentials=True)
    if change.setting in (Setting.ORIGINS, Setting.ORIGIN_PATTERNS):
        value: Any = re.compile(change.value) if change.setting is Setting.ORIGIN_PATTERNS else change.value
        kept = [o for o in options.origins if not _is_replaced(o, change.replaces)]
        return dataclasses.replace(
            options,
            origins=[*kept, value],
            allow_all_origins=options.allow_all_origins and change.replaces != "*",
        )
    if change.setting is Setting.METHODS:
        methods = [m.strip() for m in (options.methods or "").split(",") if m.strip()]
        return dataclasses.replace(options, methods=", ".join(sorted({*methods, change.value})))
    if change.setting is Setting.HEADERS:
        return dataclasses.replace(options, allow_headers=[*options.allow_headers, change.value])
    exposed = [h for h in (options.expose_headers or "").split(", ") if h]
    return dataclasses.replace(options, expose_headers=", ".join(sorted({*exposed, change.value})))


def _is_replaced(origin: Any, replaces: str | None) -> bool:
    if replaces is None:
        return False
    if replaces == "*" and isinstance(origin, re.Pattern):
        return bool(origin.pattern == ".*")
    return bool(getattr(origin, "pattern", origin) == replaces)


def _change_raw(raw: dict[str, Any], change: Change) -> None:
    """Apply ``change`` to @cross_origin's keyword arguments, which flask-cors resolves on every request."""
    if change.setting is Setting.CREDENTIALS:
        raw["supports_credentials"] = True
        return
    from flask_cors.core import DEFAULT_OPTIONS

    key = _OPTION[change.setting]
    current = raw.get(key, DEFAULT_OPTIONS.get(key))
    items = [current] if isinstance(current, str) else list(current or ())
    items = [item for item in items if item != change.replaces]
    raw[key] = items if change.value in items else [*items, change.value]
