"""The request fetch() builds from a probe: what it refuses outright and which headers it silently drops.

https://fetch.spec.whatwg.org/#dom-request (the Request constructor) and #forbidden-request-header
"""

from __future__ import annotations

from dataclasses import dataclass

from e2ekit._probing.probe import Probe
from e2ekit._standard.checks import Check, Facts, Failure
from e2ekit._standard.safelist import SAFELISTED_METHODS, is_no_cors_safelisted_header

__all__ = [
    "FORBIDDEN_METHODS",
    "FORBIDDEN_REQUEST_HEADERS",
    "FetchRequest",
    "build_request",
    "is_forbidden_method",
    "is_forbidden_request_header",
]

FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})
FORBIDDEN_REQUEST_HEADERS = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
_FORBIDDEN_PREFIXES = ("proxy-", "sec-")
_METHOD_OVERRIDES = frozenset({"x-http-method", "x-http-method-override", "x-method-override"})
_HTTP_WHITESPACE = "\t\n\r "


def is_forbidden_method(method: str) -> bool:
    """CONNECT, TRACE and TRACK in any case: the Request constructor throws a TypeError for them."""
    return method.upper() in FORBIDDEN_METHODS


def is_forbidden_request_header(name: str, value: str) -> bool:
    """Whether fetch() drops this header without a word (the Headers guard "request")."""
    lowered = name.lower()
    if lowered in FORBIDDEN_REQUEST_HEADERS or lowered.startswith(_FORBIDDEN_PREFIXES):
        return True
    # A method-override header is forbidden only when it smuggles a forbidden method.
    return lowered in _METHOD_OVERRIDES and any(is_forbidden_method(item.strip()) for item in value.split(","))


@dataclass(frozen=True)
class FetchRequest:
    """A request as fetch() sends it: the probe's method and kept headers, and the URLs it has visited so far."""

    method: str
    headers: tuple[tuple[str, str], ...]
    url_list: tuple[str, ...]
    credentials: str
    mode: str
    redirect: str
    response_tainting: str = "basic"
    """"basic" until the request first leaves the page's origin, then "cors" or "opaque" for good (main fetch)."""

    @property
    def url(self) -> str:
        """The request's current URL, the last one it was redirected to."""
        return self.url_list[-1]


def build_request(probe: Probe, target_url: str) -> FetchRequest | Failure:
    """The request ``fetch(target_url, probe)`` starts, or the Failure of a fetch() that throws before sending."""
    if is_forbidden_method(probe.method):
        return Failure(
            Check.FORBIDDEN_METHOD,
            f"fetch() throws a TypeError for the forbidden method {probe.method} before sending anything",
            Facts(method=probe.method, credentials=probe.credentials),
        )
    if probe.mode == "no-cors" and probe.method not in SAFELISTED_METHODS:
        return Failure(
            Check.NO_CORS_METHOD,
            f"fetch() throws a TypeError for method {probe.method} with mode 'no-cors', which allows only GET, HEAD "
            "and POST",
            Facts(method=probe.method, credentials=probe.credentials),
        )
    headers = []
    for name, value in probe.headers:
        value = value.strip(_HTTP_WHITESPACE)
        if is_forbidden_request_header(name, value):
            continue
        if probe.mode == "no-cors" and not is_no_cors_safelisted_header(name, value):
            continue
        headers.append((name, value))
    return FetchRequest(probe.method, tuple(headers), (target_url,), probe.credentials, probe.mode, probe.redirect)
