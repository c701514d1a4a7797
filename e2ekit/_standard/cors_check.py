"""The CORS check on one response: Access-Control-Allow-Origin against the request's origin, and credentials.

https://fetch.spec.whatwg.org/#cors-check. The standard only compares the header with the serialised origin; the
finer failures (multiple values, an invalid value) follow Chromium's diagnostics so that fixes can be specific.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from e2ekit._probing.exchange import Exchange
from e2ekit._standard.checks import Failure, cors_check_failure
from e2ekit._standard.request_origin import OPAQUE_ORIGIN, origin_of
from e2ekit._standard.responses import effective_status, is_redirect, name_response

__all__ = ["cors_check", "exception_fix", "origin_fix"]

_URL_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def cors_check(
    response: Exchange, *, origin: str, credentials: str, page_origin: str, preflight: bool = False
) -> Failure | None:
    """The CORS check of ``response`` for a request whose Origin is ``origin``, or None when it passes.

    ``page_origin`` is the page's own origin; it differs from ``origin`` only once a redirect tainted the request.
    """
    values = [value.strip() for value in response.response_header_values("access-control-allow-origin")]
    subject = name_response(response, preflight=preflight)

    def failed(failure: str, detail: str, fix: str) -> Failure:
        return Failure(cors_check_failure(failure, preflight=preflight), detail, fix)

    if not values:
        status = "" if is_redirect(response) else f" (status {effective_status(response)})"
        return failed(
            "missing-allow-origin",
            f"{subject}{status} had no Access-Control-Allow-Origin header",
            _missing_fix(response, origin, page_origin, preflight),
        )
    value = ", ".join(values)
    include = credentials == "include"
    if value == "*" and not include:
        return None
    if value != origin:
        if value == "*":
            return failed(
                "wildcard-with-credentials",
                f"{subject} sent Access-Control-Allow-Origin '*', which the CORS check refuses when the request's "
                "credentials mode is 'include'",
                f"list the page origin ('{origin}') instead of '*' in allow_origins when credentials are included",
            )
        if len(values) > 1 or "," in value or " " in value:
            return failed(
                "multiple-allow-origin",
                f"{subject} sent Access-Control-Allow-Origin '{value}', several values where exactly one origin is "
                "allowed",
                _multiple_fix(len(values)),
            )
        if _URL_LIKE.match(value) is None:
            return failed(
                "invalid-allow-origin",
                f"{subject} sent Access-Control-Allow-Origin '{value}', which is not an origin; the request's origin "
                f"is '{origin}'",
                origin_fix(value, origin, page_origin),
            )
        return failed(
            "origin-mismatch",
            f"{subject} sent Access-Control-Allow-Origin '{value}', not the request's origin '{origin}'",
            origin_fix(value, origin, page_origin),
        )
    if not include:
        return None
    allow_credentials = response.response_header("access-control-allow-credentials")
    if allow_credentials == "true":
        return None
    seen = "missing" if allow_credentials is None else f"'{allow_credentials}'"
    if allow_credentials is not None and allow_credentials.strip().lower() == "true":
        fix = f"send Access-Control-Allow-Credentials as exactly 'true', not '{allow_credentials}'"
    else:
        fix = "set allow_credentials=True"
    return failed(
        "credentials-not-true",
        f"{subject} had Access-Control-Allow-Credentials {seen}, but the request's credentials mode is 'include', "
        "which needs exactly 'true'",
        fix,
    )


def _missing_fix(response: Exchange, origin: str, page_origin: str, preflight: bool) -> str:
    status = effective_status(response)
    if response.error:
        return exception_fix(response.error, status)
    if response.status is None:
        return (
            "the app finished without responding and the server's own 500 carries no CORS headers: make the "
            "endpoint return a response"
        )
    if origin == OPAQUE_ORIGIN:
        return _opaque_origin_fix(page_origin)
    if preflight and status in (404, 405):
        return (
            f"add CORSMiddleware with allow_origins=['{origin}']: the {status} shows that nothing answered the "
            "OPTIONS preflight"
        )
    return f"add '{origin}' to allow_origins"


def exception_fix(error: str, status: int) -> str:
    """The fix for a response the app's exception produced: Starlette's ServerErrorMiddleware answers outside
    CORSMiddleware, so its 500 carries no CORS headers."""
    return (
        f"the {status} came from an exception raised outside CORSMiddleware ({error}): handle it or put "
        "CORSMiddleware outermost"
    )


def _multiple_fix(lines: int) -> str:
    if lines > 1:
        return (
            f"send Access-Control-Allow-Origin once: the response had {lines} of them, so another layer (a hand-set "
            "header or a proxy) adds it besides CORSMiddleware"
        )
    return (
        "send only the request's origin, not a list: put the origins in allow_origins and CORSMiddleware echoes "
        "the one that matches"
    )


def _opaque_origin_fix(page_origin: str) -> str:
    if page_origin != OPAQUE_ORIGIN:
        return (
            "request the redirect's target directly: a redirect to another origin made the request's origin 'null', "
            "which allow_origins should not list"
        )
    return (
        "serve the page from an http(s) origin and list that in allow_origins: the page's origin is opaque ('null'), "
        "e.g. a sandboxed iframe or a file: page"
    )


def origin_fix(value: str, origin: str, page_origin: str) -> str:
    """How to make Access-Control-Allow-Origin ``value`` equal the request's ``origin``, naming the likely slip."""
    if origin == OPAQUE_ORIGIN:
        return _opaque_origin_fix(page_origin)
    if value.rstrip("/") == origin:
        return f"list the origin without the trailing slash: '{origin}', not '{value}'"
    if value.lower() == origin:
        return f"list the origin in lower case as browsers send it: '{origin}', not '{value}'"
    scheme, host = origin.split("://", 1)
    named = origin_of(value)
    if named == origin:
        parts = urlsplit(value)
        if parts.path.strip("/") or parts.query:
            return f"list the origin without the path: '{origin}', not '{value}'"
        return f"list the origin exactly as browsers serialise it: '{origin}', not '{value}'"
    if "://" not in value and origin_of(f"{scheme}://{value}") == origin:
        return f"list the origin with its scheme: '{origin}', not '{value}'"
    if named != OPAQUE_ORIGIN and named.split("://", 1)[1] == host:
        return f"list the origin with the page's scheme: '{origin}', not '{value}'"
    return f"add '{origin}' to allow_origins (the response named '{value}', a different origin)"
