"""When a CORS request needs a preflight, and whether the preflight response lets the request through.

https://fetch.spec.whatwg.org/#cors-preflight-fetch
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urljoin

from e2ekit._probing.exchange import Exchange
from e2ekit._standard.checks import Check, Failure
from e2ekit._standard.cors_check import cors_check, exception_fix
from e2ekit._standard.header_lists import HeaderListError, header_list_values
from e2ekit._standard.responses import effective_status, is_ok_status, is_redirect, location
from e2ekit._standard.safelist import is_safelisted_method, unsafe_header_names

__all__ = ["check_preflight", "needs_preflight"]

Headers = Sequence[tuple[str, str]]


def needs_preflight(method: str, headers: Headers) -> bool:
    """A CORS request needs a preflight for a method other than GET, HEAD, POST or any CORS-unsafe header."""
    return not is_safelisted_method(method) or bool(unsafe_header_names(headers))


def check_preflight(
    response: Exchange, *, method: str, headers: Headers, origin: str, credentials: str, page_origin: str
) -> Failure | None:
    """Whether ``response`` to a preflight lets a ``method`` request with ``headers`` through; None when it does.

    The standard asks for the CORS check and an ok status together; like Chromium this reports a redirect first,
    then the CORS check, then the status, so that a Starlette 400 without Access-Control-Allow-Origin (origin not
    allowed) is blamed on the origin.
    """
    status = effective_status(response)
    if is_redirect(response):
        target = urljoin(response.url, location(response) or "")
        return Failure(
            Check.PREFLIGHT_REDIRECT,
            f"the preflight response was a {status} redirect to '{target}', and a preflight never follows redirects",
            f"fetch '{target}' directly, the URL the server redirects to (or stop the redirect, e.g. Starlette's "
            "redirect_slashes)",
        )
    failure = cors_check(response, origin=origin, credentials=credentials, page_origin=page_origin, preflight=True)
    if failure is not None:
        return failure
    if not is_ok_status(status):
        return Failure(
            Check.PREFLIGHT_STATUS_NOT_OK,
            f"the preflight response's status was {status}, not an ok status (200-299)",
            _status_fix(response, method, headers, credentials),
        )
    try:
        methods = header_list_values(response, "access-control-allow-methods")
    except HeaderListError as error:
        return _invalid_list(Check.INVALID_ALLOW_METHODS, "Access-Control-Allow-Methods", error, "'GET, POST, PUT'")
    try:
        names = header_list_values(response, "access-control-allow-headers")
    except HeaderListError as error:
        return _invalid_list(Check.INVALID_ALLOW_HEADERS, "Access-Control-Allow-Headers", error, "'X-Token, X-Trace'")
    return _method_failure(method, methods, credentials) or _header_failure(headers, names, credentials)


def _status_fix(response: Exchange, method: str, headers: Headers, credentials: str) -> str:
    if response.error:
        return exception_fix(response.error, effective_status(response))
    # Starlette's CORSMiddleware refuses a preflight with a 400 that still lists what it allows: name what is missing.
    try:
        methods = header_list_values(response, "access-control-allow-methods")
        names = header_list_values(response, "access-control-allow-headers")
    except HeaderListError:
        methods = names = None
    refused = _method_failure(method, methods, credentials) if methods is not None else None
    if refused is None and (methods is not None or names is not None):
        refused = _header_failure(headers, names, credentials)
    if refused is not None and refused.fix is not None:
        return refused.fix
    return (
        "answer the OPTIONS preflight with a 2xx status; CORSMiddleware does when the origin, method and headers "
        "are allowed"
    )


def _invalid_list(check: Check, header: str, error: HeaderListError, example: str) -> Failure:
    return Failure(
        check,
        f"the preflight response's {header} '{error.value}' cannot be parsed: '{error.token}' is not a token",
        f"send {header} as comma-separated names, e.g. {example}, as CORSMiddleware does",
    )


def _shown(header: str, items: tuple[str, ...] | None) -> str:
    if items is None:
        return f"had no {header} header"
    return f"sent {header} '{', '.join(items)}'"


def _method_failure(method: str, methods: tuple[str, ...] | None, credentials: str) -> Failure | None:
    allowed = methods or ()
    include = credentials == "include"
    # Method names match case-sensitively: fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT.
    if method in allowed or is_safelisted_method(method) or ("*" in allowed and not include):
        return None
    seen = _shown("Access-Control-Allow-Methods", methods)
    if "*" in allowed:
        fix = f"list '{method}' in allow_methods instead of '*', which is literal when credentials are included"
    elif method.upper() in allowed and method != method.upper():
        fix = (
            f"call fetch() with method '{method.upper()}': fetch() sends '{method}' as written, and method names "
            "match case-sensitively"
        )
    elif any(item.upper() == method for item in allowed):
        fix = f"list '{method}' in allow_methods in upper case: method names match case-sensitively"
    else:
        fix = f"add '{method}' to allow_methods"
    return Failure(Check.METHOD_NOT_ALLOWED, f"the preflight response {seen}, which does not allow {method}", fix)


def _header_failure(headers: Headers, names: tuple[str, ...] | None, credentials: str) -> Failure | None:
    allowed = {name.lower() for name in names or ()}
    wildcard = "*" in allowed and credentials != "include"
    spelled = {name.lower(): name for name, _ in reversed(headers)}
    seen = _shown("Access-Control-Allow-Headers", names)
    # Authorization is a "CORS non-wildcard request-header name": only its own name in the list allows it.
    if "authorization" in spelled and "authorization" not in allowed:
        name = spelled["authorization"]
        if wildcard:
            return Failure(
                Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD,
                f"the preflight response {seen}, and '*' never covers {name}",
                f"add '{name}' to allow_headers (Authorization is not covered by '*')",
            )
        return _header_refused(name, seen, "*" in allowed)
    if wildcard:
        return None
    for unsafe in unsafe_header_names(headers):
        if unsafe not in allowed:
            return _header_refused(spelled[unsafe], seen, "*" in allowed)
    return None


def _header_refused(name: str, seen: str, literal_wildcard: bool) -> Failure:
    if literal_wildcard:
        fix = f"list '{name}' in allow_headers instead of '*', which is literal when credentials are included"
    else:
        fix = f"add '{name}' to allow_headers"
    return Failure(Check.HEADER_NOT_ALLOWED, f"the preflight response {seen}, which does not allow {name}", fix)
