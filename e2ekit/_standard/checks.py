"""The stable identifiers of every check a cross-origin fetch can fail, and a failure's explanation.

Identifiers are dotted, ``<stage>.<failure>``:

- ``cors-check.*``: the Fetch standard's CORS check (https://fetch.spec.whatwg.org/#cors-check) failed on a response
  to the request itself, a redirect hop or the final response.
- ``preflight.*``: the CORS-preflight fetch (#cors-preflight-fetch) failed. The CORS check failures keep their
  suffix here (``preflight.missing-allow-origin`` is ``cors-check.missing-allow-origin`` on the preflight response),
  so ``check.split(".", 1)[1]`` names the failure whatever the stage.
- ``redirect.*``: following a redirect failed (#http-redirect-fetch).
- ``mode.*``: the request's mode forbids the request (#main-fetch, #dom-request).
- ``request.*``: the request never got a usable response, or an engine said only that it blocked it.

A few identifiers come only from parsing console text, where an engine words several failures the same way; their
descriptions say so.

A Failure holds facts only: the check, a sentence on what failed, and the values it was decided on (Facts). How to
fix it depends on what serves the app, so the wording of fixes lives in ``e2ekit._frameworks``. Where real engines
depart from the standard is listed here too (ENGINE_DEVIATIONS), as measured by e2ekit's corpus.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from e2ekit._standard.request_origin import OriginSlip
from e2ekit._standard.sites import is_loopback_mixed_content

__all__ = [
    "CORS_CHECK_FAILURES",
    "ENGINE_DEVIATIONS",
    "Check",
    "Facts",
    "Failure",
    "check_named",
    "cors_check_failure",
    "known_deviation",
    "stricter_deviation",
]


class Check(StrEnum):
    """Every check identifier, each with a one-line ``description``. Members compare equal to their string."""

    description: str

    def __new__(cls, value: str, description: str) -> Check:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    MISSING_ALLOW_ORIGIN = (
        "cors-check.missing-allow-origin",
        "the response has no Access-Control-Allow-Origin header",
    )
    WILDCARD_WITH_CREDENTIALS = (
        "cors-check.wildcard-with-credentials",
        "Access-Control-Allow-Origin is '*' but the request's credentials mode is 'include'",
    )
    ORIGIN_MISMATCH = (
        "cors-check.origin-mismatch",
        "Access-Control-Allow-Origin names an origin other than the request's",
    )
    MULTIPLE_ALLOW_ORIGIN = (
        "cors-check.multiple-allow-origin",
        "Access-Control-Allow-Origin holds several values (several header lines or a list)",
    )
    INVALID_ALLOW_ORIGIN = (
        "cors-check.invalid-allow-origin",
        "Access-Control-Allow-Origin is not a URL-like origin at all (e.g. a bare host)",
    )
    CREDENTIALS_NOT_TRUE = (
        "cors-check.credentials-not-true",
        "credentials mode 'include' but Access-Control-Allow-Credentials is not exactly 'true'",
    )
    ORIGIN_NOT_ALLOWED = (
        "cors-check.origin-not-allowed",
        "console only: Access-Control-Allow-Origin missing, invalid or another origin (WebKit words all three alike)",
    )
    PREFLIGHT_MISSING_ALLOW_ORIGIN = (
        "preflight.missing-allow-origin",
        "the preflight response has no Access-Control-Allow-Origin header",
    )
    PREFLIGHT_WILDCARD_WITH_CREDENTIALS = (
        "preflight.wildcard-with-credentials",
        "the preflight response's Access-Control-Allow-Origin is '*' and the request includes credentials",
    )
    PREFLIGHT_ORIGIN_MISMATCH = (
        "preflight.origin-mismatch",
        "the preflight response's Access-Control-Allow-Origin names another origin",
    )
    PREFLIGHT_MULTIPLE_ALLOW_ORIGIN = (
        "preflight.multiple-allow-origin",
        "the preflight response's Access-Control-Allow-Origin holds several values",
    )
    PREFLIGHT_INVALID_ALLOW_ORIGIN = (
        "preflight.invalid-allow-origin",
        "the preflight response's Access-Control-Allow-Origin is not a URL-like origin",
    )
    PREFLIGHT_CREDENTIALS_NOT_TRUE = (
        "preflight.credentials-not-true",
        "the preflight response's Access-Control-Allow-Credentials is not 'true' and the request includes credentials",
    )
    PREFLIGHT_STATUS_NOT_OK = (
        "preflight.status-not-ok",
        "the preflight response's status is not an ok status (200-299)",
    )
    PREFLIGHT_REDIRECT = (
        "preflight.redirect",
        "the preflight response is a redirect, which a preflight never follows",
    )
    METHOD_NOT_ALLOWED = (
        "preflight.method-not-allowed",
        "Access-Control-Allow-Methods does not allow the request's method",
    )
    HEADER_NOT_ALLOWED = (
        "preflight.header-not-allowed",
        "Access-Control-Allow-Headers does not allow one of the request's headers",
    )
    AUTHORIZATION_NOT_COVERED_BY_WILDCARD = (
        "preflight.authorization-not-covered-by-wildcard",
        "Access-Control-Allow-Headers is '*', which never covers Authorization",
    )
    INVALID_ALLOW_METHODS = (
        "preflight.invalid-allow-methods",
        "Access-Control-Allow-Methods cannot be parsed as a comma-separated list of methods",
    )
    INVALID_ALLOW_HEADERS = (
        "preflight.invalid-allow-headers",
        "Access-Control-Allow-Headers cannot be parsed as a comma-separated list of header names",
    )
    REDIRECT_NOT_ALLOWED = (
        "redirect.not-allowed",
        "the response is a redirect and the request's redirect mode is 'error'",
    )
    REDIRECT_WITH_CREDENTIALS_IN_URL = (
        "redirect.cors-redirect-with-credentials-in-url",
        "a cross-origin CORS request is redirected to a URL with a user name or password",
    )
    REDIRECT_NON_HTTP_SCHEME = (
        "redirect.non-http-scheme",
        "a redirect leads to a URL whose scheme is not http or https",
    )
    REDIRECT_INVALID_LOCATION = (
        "redirect.invalid-location",
        "a redirect's Location header cannot be parsed as a URL",
    )
    TOO_MANY_REDIRECTS = (
        "redirect.too-many",
        "more than 20 redirects",
    )
    SAME_ORIGIN_MODE = (
        "mode.same-origin-cross-origin",
        "mode 'same-origin' but the URL is cross-origin",
    )
    NO_CORS_METHOD = (
        "mode.no-cors-method-not-safelisted",
        "mode 'no-cors' with a method other than GET, HEAD or POST: fetch() throws before sending",
    )
    NO_CORS_REDIRECT_MODE = (
        "mode.no-cors-redirect-not-follow",
        "mode 'no-cors' to another origin with a redirect mode other than 'follow'",
    )
    FORBIDDEN_METHOD = (
        "request.forbidden-method",
        "the method is CONNECT, TRACE or TRACK, which fetch() refuses",
    )
    SCHEME_NOT_HTTP = (
        "request.scheme-not-http",
        "a CORS request to a URL whose scheme is not http or https",
    )
    MIXED_CONTENT = (
        "request.mixed-content",
        "the page is https and the URL is http on a host that is not loopback: blocked as mixed content, never sent",
    )
    NOT_SENT = (
        "request.not-sent",
        "no response: the server saw no request the browser should have sent, or the engine says it did not succeed",
    )
    NO_RESPONSE = (
        "request.no-response",
        "the request reached the app and no response came back: the app never answered (the fetch timed out), or "
        "the server could not send the response it started",
    )
    PRIVATE_NETWORK = (
        "request.private-network",
        "console only: Chromium's Private Network Access blocked a request into a more private address space",
    )
    BLOCKED = (
        "request.blocked",
        "console only: the engine blocked the request without naming a check (WebKit's bare wrapper line)",
    )


CORS_CHECK_FAILURES = (
    "missing-allow-origin",
    "wildcard-with-credentials",
    "origin-mismatch",
    "multiple-allow-origin",
    "invalid-allow-origin",
    "credentials-not-true",
)
"""The failure suffixes the CORS check shares between the ``cors-check`` and ``preflight`` stages."""


def cors_check_failure(failure: str, *, preflight: bool) -> Check:
    """The identifier of CORS check ``failure`` (a suffix from CORS_CHECK_FAILURES) on a preflight or other response."""
    if failure not in CORS_CHECK_FAILURES:
        expected = ", ".join(CORS_CHECK_FAILURES)
        raise ValueError(f'CORS check failure "{failure}" is unknown: expected one of {expected}')
    return check_named(f"{'preflight' if preflight else 'cors-check'}.{failure}")


def check_named(identifier: str) -> Check:
    """The Check whose identifier is ``identifier``, e.g. ``"preflight.redirect"``."""
    try:
        return _BY_IDENTIFIER[identifier]
    except KeyError:
        raise ValueError(f'"{identifier}" is not a check identifier, e.g. "cors-check.missing-allow-origin"') from None


_BY_IDENTIFIER = {check.value: check for check in Check}


@dataclass(frozen=True)
class Facts:
    """The values a failed check was decided on; what is not known or does not apply is None (or empty)."""

    origin: str | None = None
    """The request's Origin: the page origin, or "null" once a redirect tainted the request."""
    url: str | None = None
    """The URL of the request whose response failed the check."""
    page_origin: str | None = None
    credentials: str | None = None
    """The request's credentials mode: "omit", "same-origin" or "include"."""
    method: str | None = None
    """The request's method, as fetch() sends it."""
    header: str | None = None
    """The request header the failure is about, spelled as the page wrote it."""
    unsafe_headers: tuple[str, ...] = ()
    """The request's CORS-unsafe header names, spelled as the page wrote them (what a preflight asks for)."""
    value: str | None = None
    """The offending response header value as sent (several lines joined with ", ")."""
    lines: int = 0
    """How many Access-Control-Allow-Origin lines the response had."""
    allowed: tuple[str, ...] | None = None
    """The parsed Access-Control-Allow-Methods or -Allow-Headers items; None when the header was absent."""
    allow_credentials: str | None = None
    """The response's Access-Control-Allow-Credentials value, None when absent."""
    slip: OriginSlip | None = None
    """How Access-Control-Allow-Origin differs from the request's origin, for an origin meant to be it."""
    status: int | None = None
    """The status the browser got."""
    response_header: str | None = None
    """The response header no server can send (its value holds CR, LF or NUL), spelled canonically; its value is
    ``value``."""
    error: str | None = None
    """The exception the app raised, e.g. "ValueError: boom"."""
    body: str = ""
    """The start of the response body, where servers say why they refused a preflight."""
    preflight: bool = False
    """Whether the failing response answered a preflight."""
    target: str | None = None
    """A redirect's target URL, resolved against the request URL."""
    token: str | None = None
    """The item of a header list that is not a token."""
    refusal: Failure | None = None
    """For a preflight with a non-ok status: what its own Allow-Methods and Allow-Headers refuse, if they do."""


@dataclass(frozen=True)
class Failure:
    """A failed check, one sentence on what failed, citing the values seen, and the facts it was decided on."""

    check: Check
    detail: str
    facts: Facts = Facts()


ENGINE_DEVIATIONS: Mapping[Check, Mapping[str, str]] = {
    # Fetch, "CORS-preflight fetch": "*" in Access-Control-Allow-Headers does not match `Authorization`.
    Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD: {
        "chromium": "Chromium 156 still lets '*' in Access-Control-Allow-Headers cover Authorization (the exclusion "
        "is announced as a deprecation, not enforced), and logs nothing to the console",
        "firefox": "Firefox ESR 153 still lets '*' in Access-Control-Allow-Headers cover Authorization",
        "webkit": "WebKitGTK 2.50 lets '*' in Access-Control-Allow-Headers cover Authorization (WebKit never "
        "implemented the exclusion)",
    },
    # Secure Contexts, "Is origin potentially trustworthy?": http on a loopback host is, so it is not mixed content.
    Check.MIXED_CONTENT: {
        "webkit": "WebKitGTK 2.50 also blocks http requests to loopback hosts (localhost, 127.0.0.1, ::1) from an "
        "https page as mixed content, which Chromium and Firefox allow: use https for the local API too",
    },
}
"""Where engines depart from the standard: the model predicts the standard, and a result whose engine did otherwise
names the engine behaviour behind the difference."""


def known_deviation(check: str | None, engine: str) -> str | None:
    """The engine behaviour that makes ``engine`` differ from the standard on ``check``, if e2ekit knows one."""
    if check is None:
        return None
    by_engine = ENGINE_DEVIATIONS.get(check_named(check))
    return None if by_engine is None else by_engine.get(engine)


def stricter_deviation(engine: str, page_origin: str, urls: Sequence[str]) -> Check | None:
    """The check ``engine`` is known to fail where the standard passes it, for a fetch from ``page_origin`` that went
    to ``urls`` (the URL, then each redirect's target); None if no known deviation applies.

    The standard lets such a fetch through, so it names no check: the deviation is found from the request itself,
    not from a predicted failure.
    """
    if engine in ENGINE_DEVIATIONS[Check.MIXED_CONTENT] and any(
        is_loopback_mixed_content(page_origin, url) for url in urls
    ):
        return Check.MIXED_CONTENT
    return None
