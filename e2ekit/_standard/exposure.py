"""Which response headers JavaScript can read: the filtered responses of the Fetch standard.

https://fetch.spec.whatwg.org/#concept-filtered-response and #cors-safelisted-response-header-name
"""

from __future__ import annotations

from collections.abc import Sequence

from e2ekit._errors import HeaderListError
from e2ekit._probing.exchange import Exchange
from e2ekit._standard.header_lists import header_list_values

__all__ = [
    "BROWSER_RESPONSE_HEADERS",
    "FORBIDDEN_RESPONSE_HEADERS",
    "RESPONSE_TYPES",
    "SAFELISTED_RESPONSE_HEADERS",
    "hidden_headers",
    "readable_headers",
    "spelled_header",
]

SAFELISTED_RESPONSE_HEADERS = frozenset(
    {
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    }
)
FORBIDDEN_RESPONSE_HEADERS = frozenset({"set-cookie", "set-cookie2"})
BROWSER_RESPONSE_HEADERS = frozenset(
    {
        "accept-ranges",
        "age",
        "alt-svc",
        "clear-site-data",
        "connection",
        "content-encoding",
        "content-security-policy",
        "content-security-policy-report-only",
        "cross-origin-embedder-policy",
        "cross-origin-opener-policy",
        "cross-origin-resource-policy",
        "date",
        "etag",
        "keep-alive",
        "nel",
        "origin-agent-cluster",
        "permissions-policy",
        "proxy-authenticate",
        "referrer-policy",
        "report-to",
        "reporting-endpoints",
        "server",
        "strict-transport-security",
        "timing-allow-origin",
        "transfer-encoding",
        "vary",
        "via",
        "www-authenticate",
        "x-content-type-options",
        "x-frame-options",
        "x-xss-protection",
    }
)
"""Response headers addressed to the browser or the transport, not to the page's script: that JavaScript cannot read
them is never what broke a page, so a hidden one is not worth a caveat."""
RESPONSE_TYPES = ("basic", "cors", "opaque", "opaqueredirect")
"""Response types a fetch() that did not fail can resolve with, as ``Response.type`` reports them."""


def readable_headers(response: Exchange, *, response_type: str, credentials: str) -> tuple[str, ...]:
    """The lower-cased names of ``response``'s headers that ``Response.headers`` shows, in wire order.

    A basic response hides only Set-Cookie; a CORS response shows the safelisted names plus those listed in
    Access-Control-Expose-Headers, where ``*`` means all of them unless credentials are included; an opaque or
    opaque-redirect response shows none.
    """
    if response_type not in RESPONSE_TYPES:
        raise ValueError(f'response type "{response_type}" is unknown: expected one of {", ".join(RESPONSE_TYPES)}')
    present = list(dict.fromkeys(name.lower() for name, _ in response.response_headers))
    readable: set[str] | frozenset[str]
    if response_type == "basic":
        readable = set(present)
    elif response_type == "cors":
        readable = SAFELISTED_RESPONSE_HEADERS | _exposed(response, present, credentials)
    else:
        readable = set()
    return tuple(name for name in present if name in readable and name not in FORBIDDEN_RESPONSE_HEADERS)


def _exposed(response: Exchange, present: list[str], credentials: str) -> set[str]:
    try:
        listed = header_list_values(response, "access-control-expose-headers")
    except HeaderListError:
        return set()  # an unparsable list exposes nothing (Fetch, main fetch, the CORS-exposed header-name list)
    names = {name.lower() for name in listed or ()}
    # With credentials, "*" is the literal header name "*", not a wildcard.
    if "*" in names and credentials != "include":
        return set(present)
    return names


def hidden_headers(response: Exchange, readable: Sequence[str]) -> tuple[str, ...]:
    """The lower-cased names of ``response``'s headers a page's script would want but cannot read, in wire order:
    every header not in ``readable`` (the names ``Response.headers`` shows) but the CORS headers, Set-Cookie and
    BROWSER_RESPONSE_HEADERS."""
    shown = {name.lower() for name in readable}
    present = dict.fromkeys(name.lower() for name, _ in response.response_headers)
    return tuple(
        name
        for name in present
        if name not in shown
        and not name.startswith("access-control-")
        and name not in FORBIDDEN_RESPONSE_HEADERS
        and name not in BROWSER_RESPONSE_HEADERS
    )


def spelled_header(name: str) -> str:
    """A lower-cased header name as it is commonly written: "content-disposition" -> "Content-Disposition"."""
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))
