"""A probe: one ``fetch()`` call that a page makes to the target origin."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from e2ekit._errors import ProbeError
from e2ekit._serving.marker import MARKER

__all__ = ["CREDENTIALS_MODES", "FETCH_MODES", "REDIRECT_MODES", "Probe", "parse_header"]

CREDENTIALS_MODES = ("omit", "same-origin", "include")
FETCH_MODES = ("cors", "no-cors", "same-origin")
REDIRECT_MODES = ("follow", "error", "manual")


@dataclass(frozen=True)
class Probe:
    """The arguments of one ``fetch(target + path, {method, headers, body, credentials, mode, redirect})``.

    ``headers`` may be given as a mapping or as pairs; it is stored as a tuple of pairs in the given order.
    """

    path: str = "/"
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = field(default=())
    body: str | None = None
    credentials: str = "same-origin"
    mode: str = "cors"
    redirect: str = "follow"

    def __post_init__(self) -> None:
        headers: Any = self.headers
        pairs = tuple(headers.items()) if isinstance(headers, Mapping) else tuple(tuple(pair) for pair in headers)
        object.__setattr__(self, "headers", pairs)
        object.__setattr__(self, "method", self.method.upper() if self.method.upper() in _NORMALIZED else self.method)
        if not self.path.startswith("/"):
            raise _error("path", self.path, 'a path starting with "/", e.g. "/api/items"')
        if re.search(rf"[?&]{MARKER}=", self.path):
            raise _error("path", self.path, f"a path without the query parameter {MARKER}, which e2ekit reserves")
        if not _TOKEN.fullmatch(self.method):
            raise _error("method", self.method, 'an HTTP method token, e.g. "GET" or "PUT"')
        for name, value in self.headers:
            _check_header(name, value)
        _check_choice("credentials", self.credentials, CREDENTIALS_MODES)
        _check_choice("mode", self.mode, FETCH_MODES)
        _check_choice("redirect", self.redirect, REDIRECT_MODES)
        if self.body is not None and self.method in ("GET", "HEAD"):
            raise _error("body", self.body, f"no body with method {self.method} (fetch() rejects it)")

    def header(self, name: str) -> str | None:
        """The request header ``name`` as the probe sets it (case-insensitive), or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "method": self.method,
            "headers": [list(pair) for pair in self.headers],
            "body": self.body,
            "credentials": self.credentials,
            "mode": self.mode,
            "redirect": self.redirect,
        }


# RFC 9110 token: what a method and a header name may be made of.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _check_header(name: str, value: str) -> None:
    # fetch() throws a TypeError for these before anything is sent (Headers, "validate"): e2ekit refuses them upfront.
    if not isinstance(name, str) or not _TOKEN.fullmatch(name):
        raise _error("headers", name, "a header name made of letters, digits and -, e.g. X-Api-Key")
    if not isinstance(value, str) or any(c in value for c in "\r\n\0") or any(ord(c) > 0xFF for c in value):
        raise _error(
            f"headers.{name}", value, "text without CR, LF, NUL or characters beyond U+00FF (fetch() refuses them)"
        )
    # Imported here: the Fetch model builds on Probe itself.
    from e2ekit._standard.request import is_forbidden_request_header

    if is_forbidden_request_header(name, value):
        raise _error(
            f"headers.{name}",
            value,
            "a header a page may set; this is a forbidden request header, which the browser drops without a word "
            "(to send a cookie, let the target set it, e.g. with a visit, and use credentials include)",
        )


# fetch() upper-cases these method names itself; others keep their case (Fetch standard, "normalize a method").
_NORMALIZED = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise _error(name, value, "one of " + ", ".join(f'"{choice}"' for choice in choices))


def _error(argument: str, value: object, expected: str) -> ProbeError:
    return ProbeError(
        f"probe {argument} {value!r}: expected {expected}", argument=argument, value=value, expected=expected
    )


def parse_header(text: str) -> tuple[str, str]:
    """Split ``"Name: value"`` into a pair; raise ProbeError naming the text otherwise."""
    name, colon, value = text.partition(":")
    if not colon or not name.strip() or name != name.strip():
        raise ProbeError(
            f'header {text!r} must be written as "Name: value", e.g. "Authorization: Bearer x"',
            argument="header",
            value=text,
            expected='"Name: value", e.g. "Authorization: Bearer x"',
        )
    return name, value.strip()
