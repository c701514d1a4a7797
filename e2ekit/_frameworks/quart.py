"""quart-cors: ``cors(app, allow_origin=..., allow_credentials=True, ...)`` registers an after-request function (a
``functools.partial`` of its keyword arguments); a keyword left None falls back to ``app.config["QUART_CORS_*"]``.

https://github.com/pgjones/quart-cors. Note ``allow_origin``, singular. quart-cors raises ValueError at request time
for ``allow_origin='*'`` with ``allow_credentials=True``, which Quart turns into a 500 without CORS headers.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from e2ekit._frameworks.base import Framework
from e2ekit._frameworks.policy import Change, CorsPolicy, Setting
from e2ekit._standard import Failure

__all__ = ["QuartCORS"]

_KEYWORDS = {
    Setting.ORIGINS: "allow_origin",
    Setting.ORIGIN_PATTERNS: "allow_origin",
    Setting.CREDENTIALS: "allow_credentials",
    Setting.METHODS: "allow_methods",
    Setting.HEADERS: "allow_headers",
    Setting.EXPOSE_HEADERS: "expose_headers",
}
_WILDCARD_ERROR = "Cannot allow credentials with wildcard allowed origins"


class QuartCORS(Framework):
    """quart-cors's ``cors(app, ...)`` on a Quart app."""

    name = "quart-cors"
    layer = "quart-cors"
    outermost = "let quart-cors add its headers to the error responses too"

    def detect(self, app: object) -> CorsPolicy | None:
        if "quart" not in sys.modules:
            return None
        from quart import Quart

        if not isinstance(app, Quart):
            return None
        keywords = _keywords(app)
        if keywords is None:
            return CorsPolicy(installed=False)
        value = {key: _setting(app, keywords, key) for key in set(_KEYWORDS.values())}
        origins = _items(value["allow_origin"])
        return CorsPolicy(
            origins=tuple(o for o in origins if isinstance(o, str)),
            origin_patterns=tuple(o.pattern for o in origins if isinstance(o, re.Pattern)),
            credentials=bool(value["allow_credentials"]),
            methods=tuple(_items(value["allow_methods"])),
            headers=tuple(_items(value["allow_headers"])),
            expose_headers=tuple(h for h in _items(value["expose_headers"]) if h),
            where="cors(app, ...)",
            pattern_match="match",
        )

    def names(self, policy: CorsPolicy) -> Mapping[Setting, str]:
        return {
            Setting.ORIGINS: "allow_origin in cors(app, ...)",
            Setting.ORIGIN_PATTERNS: "allow_origin in cors(app, ...)",
            Setting.CREDENTIALS: "allow_credentials=True in cors(app, ...)",
            Setting.METHODS: "allow_methods in cors(app, ...)",
            Setting.HEADERS: "allow_headers in cors(app, ...)",
            Setting.EXPOSE_HEADERS: "expose_headers in cors(app, ...)",
        }

    def install(self, origin: str, policy: CorsPolicy) -> str:
        return f"wrap the app: app = cors(app, allow_origin=['{origin}']) (from quart_cors import cors)"

    def advice(self, failure: Failure, policy: CorsPolicy) -> str | None:
        facts = failure.facts
        if _is_wildcard_error(failure, policy):
            # quart-cors raised inside Quart, which answered 500 itself: name the exception the user never saw.
            change = Change(Setting.ORIGINS, facts.origin or "", replaces="*")
            return (
                f"quart-cors raises ValueError ('{_WILDCARD_ERROR}') for allow_origin '*' with "
                f"allow_credentials=True, so the {facts.status} carries no CORS headers: {self.word(change, policy)}"
            )
        return super().advice(failure, policy)

    def changes(self, failure: Failure, policy: CorsPolicy) -> list[Change]:
        if _is_wildcard_error(failure, policy):
            return [Change(Setting.ORIGINS, failure.facts.origin or "", replaces="*")]
        return super().changes(failure, policy)

    def apply(self, app: object, change: Change) -> bool:
        if self.detect(app) is None or _keywords(app) is None:
            return False
        key = _KEYWORDS[change.setting]
        for functions in (app.after_request_funcs, app.before_websocket_funcs):  # type: ignore[attr-defined]
            for scope, registered in functions.items():
                functions[scope] = [_changed(app, f, key, change) for f in registered]
        return True


def _is_wildcard_error(failure: Failure, policy: CorsPolicy) -> bool:
    facts = failure.facts
    return (
        failure.check.endswith("missing-allow-origin")
        and facts.status == 500
        and "*" in policy.origins
        and bool(policy.credentials)
    )


def _is_cors_partial(function: Any) -> bool:
    return isinstance(function, functools.partial) and getattr(function.func, "__module__", "") == "quart_cors"


def _keywords(app: Any) -> dict[str, Any] | None:
    for function in app.after_request_funcs.get(None, []):
        if _is_cors_partial(function):
            return dict(function.keywords)
    return None


def _setting(app: Any, keywords: Mapping[str, Any], key: str) -> Any:
    from quart_cors import DEFAULTS

    value = keywords.get(key)
    if value is not None:
        return value
    config_key = f"QUART_CORS_{key.upper()}"
    return app.config.get(config_key, DEFAULTS[config_key])


def _items(value: Any) -> list[Any]:
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, (str, re.Pattern)):
        return [value]
    return list(value) if isinstance(value, Iterable) else [value]


def _changed(app: Any, function: Any, key: str, change: Change) -> Any:
    if not _is_cors_partial(function) or key not in function.keywords:
        return function
    keywords = dict(function.keywords)
    if change.setting is Setting.CREDENTIALS:
        keywords[key] = True
    else:
        value: Any = re.compile(change.value) if change.setting is Setting.ORIGIN_PATTERNS else change.value
        current = [item for item in _items(_setting(app, keywords, key)) if item != change.replaces]
        keywords[key] = current if value in current else [*current, value]
    return functools.partial(function.func, *function.args, **keywords)
