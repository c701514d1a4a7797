"""Origins of URLs and of requests: serialisation, same-origin comparison and the redirect-tainted origin.

https://html.spec.whatwg.org/multipage/browsers.html#origin and https://fetch.spec.whatwg.org/#origin-header
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from itertools import pairwise
from urllib.parse import urlsplit

__all__ = [
    "OPAQUE_ORIGIN",
    "OriginSlip",
    "has_credentials",
    "is_http_url",
    "is_redirect_tainted",
    "is_same_origin",
    "origin_of",
    "origin_slip",
    "request_origin",
]

OPAQUE_ORIGIN = "null"
"""How an opaque origin serialises (a sandboxed page, a data: URL, a redirect-tainted request)."""

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}


def origin_of(url: str) -> str:
    """The serialised origin of ``url``: ``scheme://host[:port]`` with the default port left out, or "null".

    Only special schemes other than file have a tuple origin; every other URL's origin is opaque. An already
    serialised origin comes back unchanged, so this also normalises a page origin given by the caller.
    """
    if url == OPAQUE_ORIGIN:
        return url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return OPAQUE_ORIGIN
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in _DEFAULT_PORTS or not host:
        return OPAQUE_ORIGIN
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def is_same_origin(first: str, second: str) -> bool:
    """Whether two URLs or serialised origins are same origin; an opaque origin is same origin with nothing here.

    Two opaque origins are same origin only when they are the same object, which serialised strings cannot show.
    """
    first_origin, second_origin = origin_of(first), origin_of(second)
    return first_origin != OPAQUE_ORIGIN and first_origin == second_origin


def is_redirect_tainted(page_origin: str, url_list: Sequence[str]) -> bool:
    """Whether a request has a redirect-tainted origin (Fetch, "request has a redirect-tainted origin").

    It does once a redirect leaves an origin that is neither the previous URL's nor the request's own: A -> B -> A
    and A -> B -> C taint, A -> A -> B does not.
    """
    for previous, url in pairwise(url_list):
        if not is_same_origin(url, previous) and not is_same_origin(page_origin, previous):
            return True
    return False


def request_origin(page_origin: str, url_list: Sequence[str]) -> str:
    """The Origin header value the request carries (Fetch, "serializing a request origin")."""
    if is_redirect_tainted(page_origin, url_list):
        return OPAQUE_ORIGIN
    return origin_of(page_origin)


def has_credentials(url: str) -> bool:
    """Whether ``url`` carries a user name or password (Fetch, "includes credentials")."""
    parts = urlsplit(url)
    return bool(parts.username) or parts.password is not None


def is_http_url(url: str) -> bool:
    """Whether ``url``'s scheme is an HTTP(S) scheme, the only ones CORS requests and redirects may use."""
    return urlsplit(url).scheme.lower() in ("http", "https")


class OriginSlip(StrEnum):
    """How a written origin differs from the origin a browser sends, for a value that was meant to be it."""

    TRAILING_SLASH = "trailing-slash"
    PATH = "path"
    CASE = "case"
    SERIALISATION = "serialisation"
    """The same origin written another way, e.g. with its default port."""
    NO_SCHEME = "no-scheme"
    OTHER_SCHEME = "other-scheme"
    OTHER_ORIGIN = "other-origin"


def origin_slip(value: str, origin: str) -> OriginSlip | None:
    """How ``value`` (an allow-list entry or an Access-Control-Allow-Origin value) differs from ``origin``, the
    serialised origin a browser sends; None when they are equal. Origins match only character for character."""
    if value == origin:
        return None
    if value.rstrip("/") == origin:
        return OriginSlip.TRAILING_SLASH
    if value.lower() == origin:
        return OriginSlip.CASE
    named = origin_of(value)
    if named == origin:
        parts = urlsplit(value)
        return OriginSlip.PATH if parts.path.strip("/") or parts.query else OriginSlip.SERIALISATION
    if origin != OPAQUE_ORIGIN:
        scheme, host = origin.split("://", 1)
        if "://" not in value and origin_of(f"{scheme}://{value}") == origin:
            return OriginSlip.NO_SCHEME
        if named != OPAQUE_ORIGIN and named.split("://", 1)[1] == host:
            return OriginSlip.OTHER_SCHEME
    return OriginSlip.OTHER_ORIGIN
