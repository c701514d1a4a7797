"""Responses as the browser receives them: the effective status, redirects, and following a redirect.

https://fetch.spec.whatwg.org/#main-fetch and #http-redirect-fetch
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from e2ekit._probing.exchange import Exchange, Headers
from e2ekit._standard.checks import Check, Facts, Failure
from e2ekit._standard.exposure import spelled_header
from e2ekit._standard.request import FetchRequest
from e2ekit._standard.request_origin import has_credentials, is_http_url, is_same_origin
from e2ekit._standard.safelist import is_token

__all__ = [
    "MAX_REDIRECTS",
    "REDIRECT_STATUSES",
    "REQUEST_BODY_HEADERS",
    "UnsendableHeader",
    "effective_status",
    "follow_redirect",
    "header_defect",
    "is_ok_status",
    "is_redirect",
    "location",
    "name_response",
    "shown_value",
    "unsendable_header",
]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_SERVER_ERROR = 500


def effective_status(exchange: Exchange) -> int:
    """The status the browser got: an app that finished without responding makes the server answer 500 itself."""
    return _SERVER_ERROR if exchange.status is None else exchange.status


def is_ok_status(status: int) -> bool:
    """An ok status is 200-299 (Fetch, "ok status"); a preflight needs one."""
    return 200 <= status <= 299


def location(exchange: Exchange) -> str | None:
    """The response's Location header, or None."""
    return exchange.response_header("location")


def is_redirect(exchange: Exchange) -> bool:
    """A redirect status with a Location header; a 3xx without Location is an ordinary response (Fetch, main fetch)."""
    return effective_status(exchange) in REDIRECT_STATUSES and location(exchange) is not None


def name_response(exchange: Exchange, *, preflight: bool) -> str:
    """A noun phrase for the response in sentences, e.g. "the preflight response" or "the response to PUT /api"."""
    if preflight:
        return "the preflight response"
    target = exchange.path + (f"?{exchange.query}" if exchange.query else "")
    if is_redirect(exchange):
        return f"the {effective_status(exchange)} redirect answering {exchange.method} {target}"
    return f"the response to {exchange.method} {target}"


_FORBIDDEN_IN_VALUES = {"\r": "CR", "\n": "LF", "\x00": "NUL", "\f": "a form feed", "\v": "a vertical tab"}
"""What a header value cannot hold (RFC 9110, section 5.5: CR, LF and NUL; the kit's HTTP/1.1 server, h11, refuses
the other line-breaking whitespace too)."""


def header_defect(name: str, value: str) -> str | None:
    """Why no HTTP/1.1 server can send header ``name: value`` ("holds CR and LF"), or None if one can."""
    if not is_token(name):
        return "is not a token as a header name must be"
    found = [word for character, word in _FORBIDDEN_IN_VALUES.items() if character in value]
    if found:
        return f"holds {' and '.join(found)}"
    if value != value.strip(" \t"):
        return "starts or ends with whitespace"
    return None


class UnsendableHeader(NamedTuple):
    """A response header no HTTP/1.1 server can send."""

    name: str
    """Spelled canonically ("Access-Control-Allow-Origin"), or as the app wrote it when it is not a token."""
    value: str
    defect: str
    """What is wrong, as ``header_defect`` words it."""
    of_name: bool
    """Whether the defect is in the name (else in the value)."""


def unsendable_header(headers: Headers) -> UnsendableHeader | None:
    """The first of ``headers`` that no HTTP/1.1 server can send, or None."""
    for name, value in headers:
        defect = header_defect(name, value)
        if defect is not None:
            of_name = not is_token(name)
            return UnsendableHeader(name if of_name else spelled_header(name), value, defect, of_name)
    return None


def shown_value(value: str) -> str:
    """``value`` with control characters escaped (CR as ``\\r``), to quote it on one line."""
    return "".join(
        character.encode("unicode_escape").decode("ascii")
        if ord(character) < 32 or ord(character) == 127
        else character
        for character in value
    )


MAX_REDIRECTS = 20
REQUEST_BODY_HEADERS = frozenset({"content-encoding", "content-language", "content-location", "content-type"})


def follow_redirect(request: FetchRequest, response: Exchange, *, page_origin: str) -> FetchRequest | Failure:
    """The request that follows redirect ``response`` with redirect mode "follow", or why it cannot."""
    status = effective_status(response)
    raw = location(response) or ""
    try:
        target = urljoin(request.url, raw)
        _ = urlsplit(target).port  # only to raise ValueError for a malformed host or port
    except ValueError:
        return Failure(
            Check.REDIRECT_INVALID_LOCATION,
            f"the {status} redirect's Location '{raw}' is not a valid URL",
            Facts(status=status, value=raw),
        )
    if not is_http_url(target):
        return Failure(
            Check.REDIRECT_NON_HTTP_SCHEME,
            f"the {status} redirect leads to '{target}', whose scheme is not http or https",
            Facts(status=status, value=raw, target=target),
        )
    if len(request.url_list) > MAX_REDIRECTS:
        return Failure(
            Check.TOO_MANY_REDIRECTS,
            f"the request was redirected more than {MAX_REDIRECTS} times, the last time to '{target}'",
            Facts(status=status, value=raw, target=target),
        )
    cross_origin = request.mode == "cors" and not is_same_origin(page_origin, target)
    if has_credentials(target) and (cross_origin or request.response_tainting == "cors"):
        return Failure(
            Check.REDIRECT_WITH_CREDENTIALS_IN_URL,
            f"the {status} redirect leads to '{target}', which carries a user name or password, and a cross-origin "
            "CORS request may not follow it",
            Facts(status=status, value=raw, target=target),
        )
    method, headers = request.method, request.headers
    # 301/302 turn POST into GET and 303 turns everything but HEAD into GET, dropping the body and its headers.
    if (status in (301, 302) and method == "POST") or (status == 303 and method not in ("GET", "HEAD")):
        method = "GET"
        headers = tuple((name, value) for name, value in headers if name.lower() not in REQUEST_BODY_HEADERS)
    if not is_same_origin(request.url, target):
        # Authorization, the only CORS non-wildcard request-header name, never crosses to another origin.
        headers = tuple((name, value) for name, value in headers if name.lower() != "authorization")
    return replace(request, method=method, headers=headers, url_list=(*request.url_list, target))
