"""django-cors-headers: its settings live in ``django.conf.settings``, read on every request, so a change is applied
by setting them.

https://github.com/adamchainz/django-cors-headers#configuration. The middleware compares an allowed origin's scheme
and host with the request's (a trailing slash does not matter), matches CORS_ALLOWED_ORIGIN_REGEXES with
``re.match`` (anchored at the start only), and answers every preflight 200, listing its methods and headers.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from e2ekit._frameworks.base import Framework
from e2ekit._frameworks.policy import Change, CorsPolicy, Setting

__all__ = ["DjangoCorsHeaders"]

_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"
_NAMES: Mapping[Setting, str] = {
    Setting.ORIGINS: "CORS_ALLOWED_ORIGINS",
    Setting.ORIGIN_PATTERNS: "CORS_ALLOWED_ORIGIN_REGEXES",
    Setting.CREDENTIALS: "CORS_ALLOW_CREDENTIALS = True",
    Setting.METHODS: "CORS_ALLOW_METHODS",
    Setting.HEADERS: "CORS_ALLOW_HEADERS",
    Setting.EXPOSE_HEADERS: "CORS_EXPOSE_HEADERS",
}
_DEFAULTS = {Setting.METHODS: "default_methods", Setting.HEADERS: "default_headers"}


class DjangoCorsHeaders(Framework):
    """``corsheaders.middleware.CorsMiddleware`` in a Django project's MIDDLEWARE (ASGI or WSGI handler)."""

    name = "django-cors-headers"
    layer = "django-cors-headers"
    redirect_hint = ", e.g. Django's APPEND_SLASH"
    outermost = f"put '{_MIDDLEWARE}' first in MIDDLEWARE, and check that CORS_URLS_REGEX covers the path"

    def detect(self, app: object) -> CorsPolicy | None:
        if "django" not in sys.modules:
            return None
        from django.conf import settings  # type: ignore[import-untyped]
        from django.core.handlers.base import BaseHandler  # type: ignore[import-untyped]

        if not isinstance(app, BaseHandler) or not settings.configured:
            return None
        if _MIDDLEWARE not in settings.MIDDLEWARE:
            return CorsPolicy(installed=False)
        from corsheaders.conf import conf

        patterns = tuple(getattr(p, "pattern", p) for p in conf.CORS_ALLOWED_ORIGIN_REGEXES)
        return CorsPolicy(
            origins=tuple(conf.CORS_ALLOWED_ORIGINS),
            origin_patterns=tuple(str(p) for p in patterns),
            allow_all_origins=conf.CORS_ALLOW_ALL_ORIGINS,
            credentials=conf.CORS_ALLOW_CREDENTIALS,
            methods=tuple(conf.CORS_ALLOW_METHODS),
            headers=tuple(conf.CORS_ALLOW_HEADERS),
            expose_headers=tuple(conf.CORS_EXPOSE_HEADERS),
            where="settings.py",
            pattern_match="match",
        )

    def names(self, policy: CorsPolicy) -> Mapping[Setting, str]:
        return _NAMES

    def word(self, change: Change, policy: CorsPolicy) -> str:
        if change.setting is Setting.ORIGINS and change.replaces == "*" and policy.allow_all_origins:
            return f"set CORS_ALLOWED_ORIGINS = ['{change.value}'] instead of CORS_ALLOW_ALL_ORIGINS = True"
        if change.setting in _DEFAULTS and not _is_set(_NAMES[change.setting]):
            # The setting is not in settings.py yet: extend the package's defaults rather than replace them.
            name, defaults = _NAMES[change.setting], _DEFAULTS[change.setting]
            return (
                f"set {name} = (*{defaults}, '{change.value}') in settings.py, with {defaults} from "
                "corsheaders.defaults"
            )
        return super().word(change, policy)

    def install(self, origin: str, policy: CorsPolicy) -> str:
        return f"add '{_MIDDLEWARE}' to MIDDLEWARE (first) and set CORS_ALLOWED_ORIGINS = ['{origin}']"

    def apply(self, app: object, change: Change) -> bool:
        policy = self.detect(app)
        if policy is None or not policy.installed:
            return False
        from django.conf import settings

        if change.setting is Setting.CREDENTIALS:
            settings.CORS_ALLOW_CREDENTIALS = True
            return True
        if change.setting is Setting.ORIGINS and change.replaces == "*" and policy.allow_all_origins:
            settings.CORS_ALLOW_ALL_ORIGINS = False
            settings.CORS_ORIGIN_ALLOW_ALL = False  # the old name, which corsheaders still reads
        current = {
            Setting.ORIGINS: policy.origins,
            Setting.ORIGIN_PATTERNS: policy.origin_patterns,
            Setting.METHODS: policy.methods or (),
            Setting.HEADERS: policy.headers or (),
            Setting.EXPOSE_HEADERS: policy.expose_headers,
        }[change.setting]
        items: list[Any] = [item for item in current if item != change.replaces]
        if change.value not in items:
            items.append(change.value)
        setattr(settings, _NAMES[change.setting], items)
        return True


def _is_set(name: str) -> bool:
    from django.conf import settings

    return hasattr(settings, name)
