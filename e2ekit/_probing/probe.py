"""A probe: one ``fetch()`` call that a page makes to the target origin."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CREDENTIALS_MODES", "FETCH_MODES", "REDIRECT_MODES", "Probe", "ProbeError", "parse_header"]

CREDENTIALS_MODES = ("omit", "same-origin", "include")
FETCH_MODES = ("cors", "no-cors", "same-origin")
REDIRECT_MODES = ("follow", "error", "manual")


class ProbeError(ValueError):
    """A probe was described with a value fetch() does not accept."""


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
            raise ProbeError(f'probe path "{self.path}" must start with "/", e.g. "/api/items"')
        if not self.method or not self.method.isascii() or any(c in self.method for c in ' ()<>@,;:\\"/[]?={}\t'):
            raise ProbeError(f'probe method "{self.method}" is not an HTTP method token, e.g. "GET" or "PUT"')
        _check_choice("credentials", self.credentials, CREDENTIALS_MODES)
        _check_choice("mode", self.mode, FETCH_MODES)
        _check_choice("redirect", self.redirect, REDIRECT_MODES)
        if self.body is not None and self.method in ("GET", "HEAD"):
            raise ProbeError(f"probe method {self.method} cannot have a body; fetch() rejects it")

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


# fetch() upper-cases these method names itself; others keep their case (Fetch standard, "normalize a method").
_NORMALIZED = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        expected = ", ".join(f'"{choice}"' for choice in choices)
        raise ProbeError(f'probe {name} "{value}" is not valid: expected one of {expected}')


def parse_header(text: str) -> tuple[str, str]:
    """Split ``"Name: value"`` into a pair; raise ProbeError naming the text otherwise."""
    name, colon, value = text.partition(":")
    if not colon or not name.strip() or name != name.strip():
        raise ProbeError(f'header "{text}" must be written as "Name: value", e.g. "Authorization: Bearer x"')
    return name, value.strip()
