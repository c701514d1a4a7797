"""Following a redirect: which redirects a request may follow and how the request changes on the way.

https://fetch.spec.whatwg.org/#http-redirect-fetch
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urljoin, urlsplit

from e2ekit._probing.exchange import Exchange
from e2ekit._standard.checks import Check, Failure
from e2ekit._standard.request import FetchRequest
from e2ekit._standard.request_origin import has_credentials, is_http_url, is_same_origin
from e2ekit._standard.responses import effective_status, location

__all__ = ["MAX_REDIRECTS", "REQUEST_BODY_HEADERS", "follow_redirect"]

MAX_REDIRECTS = 20
REQUEST_BODY_HEADERS = frozenset({"content-encoding", "content-language", "content-location", "content-type"})


def follow_redirect(request: FetchRequest, response: Exchange, *, page_origin: str) -> FetchRequest | Failure:
    """The request that follows redirect ``response`` with redirect mode "follow", or why it cannot."""
    status = effective_status(response)
    raw = location(response) or ""
    try:
        target = urljoin(request.url, raw)
        urlsplit(target).port  # only to raise ValueError for a malformed host or port
    except ValueError:
        return Failure(
            Check.REDIRECT_INVALID_LOCATION,
            f"the {status} redirect's Location '{raw}' is not a valid URL",
            "send an absolute http(s) URL in Location",
        )
    if not is_http_url(target):
        return Failure(
            Check.REDIRECT_NON_HTTP_SCHEME,
            f"the {status} redirect leads to '{target}', whose scheme is not http or https",
            "redirect to an http(s) URL",
        )
    if len(request.url_list) > MAX_REDIRECTS:
        return Failure(
            Check.TOO_MANY_REDIRECTS,
            f"the request was redirected more than {MAX_REDIRECTS} times, the last time to '{target}'",
            "break the redirect loop",
        )
    cross_origin = request.mode == "cors" and not is_same_origin(page_origin, target)
    if has_credentials(target) and (cross_origin or request.response_tainting == "cors"):
        return Failure(
            Check.REDIRECT_WITH_CREDENTIALS_IN_URL,
            f"the {status} redirect leads to '{target}', which carries a user name or password, and a cross-origin "
            "CORS request may not follow it",
            "redirect to a URL without a user name and password",
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
