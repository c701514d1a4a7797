"""What the page gets besides the verdict: a response JavaScript can read that is likely not what the page wanted.

A fetch() the CORS check allows can still leave the app broken, and a blocked one can have a cause outside CORS.
Each caveat has a stable identifier, ``<subject>.<what>``:

- ``response.*``: the response JavaScript read: a header it cannot read (not exposed), an error status.
- ``cookie.*``: a cookie the target set earlier in the session did not go with the request, one identifier per
  reason (the credentials mode, the host, the path, Secure, SameSite, the engine's third-party cookie policy).

A Caveat holds facts only, like a Failure (e2ekit._standard.checks): the fix is worded in e2ekit._frameworks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from e2ekit._standard.cookies import SetCookie

__all__ = ["Caveat", "CaveatFacts", "CaveatKind", "caveat_named"]


class CaveatKind(StrEnum):
    """Every caveat identifier, each with a one-line ``description``. Members compare equal to their string."""

    description: str

    def __new__(cls, value: str, description: str) -> CaveatKind:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    HEADER_NOT_EXPOSED = (
        "response.header-not-exposed",
        "the response sent a header JavaScript cannot read: Access-Control-Expose-Headers does not list it",
    )
    ERROR_STATUS = (
        "response.error-status",
        "JavaScript read an error status (400-599): CORS allowed the response, the app refused or failed",
    )
    COOKIE_CREDENTIALS_MODE = (
        "cookie.credentials-mode",
        "the request's credentials mode keeps cookies off it ('include' is needed for another origin)",
    )
    COOKIE_HOST_MISMATCH = (
        "cookie.host-mismatch",
        "the cookie belongs to another host than the request's (localhost and 127.0.0.1 are two hosts)",
    )
    COOKIE_DOMAIN_REJECTED = (
        "cookie.domain-rejected",
        "the cookie's Domain attribute does not cover the host that set it, so the browser never stored it",
    )
    COOKIE_PATH_MISMATCH = (
        "cookie.path-mismatch",
        "the cookie's Path does not cover the request's path",
    )
    COOKIE_SECURE_OVER_HTTP = (
        "cookie.secure-over-http",
        "the cookie is Secure and the request (or the response that set it) is plain http, which this engine "
        "does not treat as secure",
    )
    COOKIE_NONE_WITHOUT_SECURE = (
        "cookie.samesite-none-without-secure",
        "the cookie has SameSite=None without Secure, which this engine rejects when it is set",
    )
    COOKIE_SAMESITE = (
        "cookie.samesite",
        "the cookie's SameSite (Lax or Strict) keeps it off a request from a page on another site",
    )
    COOKIE_SAMESITE_DEFAULT = (
        "cookie.samesite-default",
        "the cookie has no SameSite attribute, which this engine treats as Lax: it stays off cross-site requests",
    )
    COOKIE_THIRD_PARTY = (
        "cookie.third-party",
        "the engine's third-party cookie policy keeps a site's cookie off requests from a page on another site",
    )
    COOKIE_NOT_SENT = (
        "cookie.not-sent",
        "the cookie did not go with the request, for a reason e2ekit does not know",
    )


def caveat_named(identifier: str) -> CaveatKind:
    """The CaveatKind whose identifier is ``identifier``, e.g. ``"cookie.samesite"``."""
    try:
        return _BY_IDENTIFIER[identifier]
    except KeyError:
        raise ValueError(f'"{identifier}" is not a caveat identifier, e.g. "response.header-not-exposed"') from None


_BY_IDENTIFIER = {kind.value: kind for kind in CaveatKind}


@dataclass(frozen=True)
class CaveatFacts:
    """The values a caveat was decided on; what does not apply is None (or empty)."""

    engine: str | None = None
    """The engine the result is from: cookie rules differ by engine."""
    page_origin: str | None = None
    request_url: str | None = None
    """The URL of the request the caveat is about (the actual request, not a preflight)."""
    method: str | None = None
    credentials: str | None = None
    headers: tuple[str, ...] = ()
    """The response headers JavaScript cannot read, spelled as commonly written ("Content-Disposition")."""
    expose_headers: str | None = None
    """The response's Access-Control-Expose-Headers as sent, None when absent."""
    status: int | None = None
    body: str = ""
    error: str | None = None
    """The exception the app raised, e.g. "RuntimeError: boom"."""
    cookie: SetCookie | None = None
    """The cookie that did not go with the request."""
    cross_site: bool = False
    """Whether the page's site differs from the request's (an opaque page is cross-site with everything)."""
    sending_engines: tuple[str, ...] = ()
    """The other engines whose measured cookie policy sends this cookie with this request."""
    cookie_missing: bool = False
    """For an error status: the request went without a cookie the target set earlier (a cookie caveat says why)."""
    credentials_sent: bool = False
    """For an error status: the request carried a Cookie or an Authorization header."""


@dataclass(frozen=True)
class Caveat:
    """One caveat: its identifier, one sentence on what the page got, citing the values seen, and the facts."""

    kind: CaveatKind
    detail: str
    facts: CaveatFacts = CaveatFacts()
