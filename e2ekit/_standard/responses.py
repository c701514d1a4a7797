"""Responses as the browser receives them: the effective status, redirects, and following a redirect.

https://fetch.spec.whatwg.org/#main-fetch and #http-redirect-fetch
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urljoin, urlsplit

from e2ekit._probing.exchange import Exchange
from e2ekit._standard.checks import Check, Facts, Failure
from e2ekit._standard.request import FetchRequest
from e2ekit._standard.request_origin import has_credentials, is_http_url, is_same_origin

__all__ = [
    "MAX_REDIRECTS",
    "REDIRECT_STATUSES",
    "REQUEST_BODY_HEADERS",
    "effective_status",
    "follow_redirect",
    "is_ok_status",
    "is_redirect",
    "location",
    "name_response",
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
