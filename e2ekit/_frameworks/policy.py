"""A CORS policy as configured in an app, and a change to it, in no framework's terms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from e2ekit._standard import Facts

__all__ = ["Change", "CorsPolicy", "Setting"]


class Setting(StrEnum):
    """The parts of a CORS policy a fix changes."""

    ORIGINS = "origins"
    ORIGIN_PATTERNS = "origin-patterns"
    CREDENTIALS = "credentials"
    METHODS = "methods"
    HEADERS = "headers"
    EXPOSE_HEADERS = "expose-headers"


@dataclass(frozen=True)
class Change:
    """One change of a CORS policy in no framework's terms.

    ``value`` is the origin, method or header name to allow (empty for credentials); ``replaces`` is the configured
    value it takes the place of, such as ``"*"`` or an origin with a trailing slash.
    """

    setting: Setting
    value: str = ""
    replaces: str | None = None


@dataclass(frozen=True)
class CorsPolicy:
    """What an app's CORS implementation is configured to allow, the values as written.

    ``installed`` is False for an app of a known framework that has no CORS layer at all. ``credentials`` is None
    where the configuration cannot be read (a server reached by URL, hand-written headers). ``methods`` and
    ``headers`` are None when the implementation's default applies; ``("*",)`` means all. ``where`` names where the
    configuration lives, as the advice should point at it (``CORS(app, ...)``, ``@cross_origin on 'me'``).
    """

    installed: bool = True
    origins: tuple[str, ...] = ()
    origin_patterns: tuple[str, ...] = ()
    allow_all_origins: bool = False
    credentials: bool | None = False
    methods: tuple[str, ...] | None = None
    headers: tuple[str, ...] | None = None
    expose_headers: tuple[str, ...] = ()
    where: str = ""
    pattern_match: str = "fullmatch"
    """How the implementation matches ``origin_patterns``: ``"fullmatch"``, ``"match"`` (anchored at the start
    only, like ``re.match``) or ``"search"``."""

    def allows_origin(self, origin: str) -> bool:
        """Whether this configuration lets ``origin`` through (its header should name it, or '*')."""
        if self.allow_all_origins or "*" in self.origins or origin in self.origins:
            return True
        return any(_matches(pattern, origin, self.pattern_match) for pattern in self.origin_patterns)

    def needs_credentials(self, facts: Facts) -> bool:
        """Whether credentials must still be allowed for a credentialed request, from the configuration or, where
        that is unknown, from the response's Access-Control-Allow-Credentials."""
        if facts.credentials != "include":
            return False
        if self.credentials is None:
            return facts.allow_credentials != "true"
        return not self.credentials


def _matches(pattern: str, origin: str, how: str) -> bool:
    try:
        compiled = re.compile(pattern)
    except re.error:
        return False
    if how == "match":
        return compiled.match(origin) is not None
    if how == "search":
        return compiled.search(origin) is not None
    return compiled.fullmatch(origin) is not None
