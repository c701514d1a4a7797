"""When a CORS request needs a preflight, and whether the preflight response lets the request through.

https://fetch.spec.whatwg.org/#cors-preflight-fetch
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import urljoin

from e2ekit._errors import HeaderListError
from e2ekit._probing.exchange import Exchange
from e2ekit._standard.checks import Check, Facts, Failure
from e2ekit._standard.cors_check import cors_check, response_facts
from e2ekit._standard.header_lists import header_list_values
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
    then the CORS check, then the status, so that a 400 without Access-Control-Allow-Origin (a server refusing the
    origin) is blamed on the origin.
    """
    facts = response_facts(
        response,
        origin=origin,
        credentials=credentials,
        page_origin=page_origin,
        preflight=True,
        method=method,
        headers=headers,
    )
    status = effective_status(response)
    if is_redirect(response):
        target = urljoin(response.url, location(response) or "")
        return Failure(
            Check.PREFLIGHT_REDIRECT,
            f"the preflight response was a {status} redirect to '{target}', and a preflight never follows redirects",
            replace(facts, target=target, value=location(response)),
        )
    failure = cors_check(
        response,
        origin=origin,
        credentials=credentials,
        page_origin=page_origin,
        preflight=True,
        method=method,
        headers=headers,
    )
    if failure is not None:
        return failure
    if not is_ok_status(status):
        return Failure(
            Check.PREFLIGHT_STATUS_NOT_OK,
            f"the preflight response's status was {status}, not an ok status (200-299)",
            replace(facts, refusal=_listed_refusal(response, method, headers, facts)),
        )
    try:
        methods = header_list_values(response, "access-control-allow-methods")
    except HeaderListError as error:
        return _invalid_list(Check.INVALID_ALLOW_METHODS, "Access-Control-Allow-Methods", error, facts)
    try:
        names = header_list_values(response, "access-control-allow-headers")
    except HeaderListError as error:
        return _invalid_list(Check.INVALID_ALLOW_HEADERS, "Access-Control-Allow-Headers", error, facts)
    return _method_failure(method, methods, facts) or _header_failure(headers, names, facts)


def _listed_refusal(response: Exchange, method: str, headers: Headers, facts: Facts) -> Failure | None:
    """What a non-ok preflight response's own lists refuse: some servers (Starlette's CORSMiddleware) refuse a
    preflight with a 400 that still lists what they allow."""
    if response.error:
        return None
    try:
        methods = header_list_values(response, "access-control-allow-methods")
        names = header_list_values(response, "access-control-allow-headers")
    except HeaderListError:
        return None
    refused = _method_failure(method, methods, facts) if methods is not None else None
    if refused is None and (methods is not None or names is not None):
        refused = _header_failure(headers, names, facts)
    return refused


def _invalid_list(check: Check, header: str, error: HeaderListError, facts: Facts) -> Failure:
    return Failure(
        check,
        f"the preflight response's {header} '{error.value}' cannot be parsed: '{error.token}' is not a token",
        replace(facts, value=error.value, token=error.token),
    )


def _shown(header: str, items: tuple[str, ...] | None) -> str:
    if items is None:
        return f"had no {header} header"
    return f"sent {header} '{', '.join(items)}'"


def _method_failure(method: str, methods: tuple[str, ...] | None, facts: Facts) -> Failure | None:
    allowed = methods or ()
    include = facts.credentials == "include"
    # Method names match case-sensitively: fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT.
    if method in allowed or is_safelisted_method(method) or ("*" in allowed and not include):
        return None
    seen = _shown("Access-Control-Allow-Methods", methods)
    return Failure(
        Check.METHOD_NOT_ALLOWED,
        f"the preflight response {seen}, which does not allow {method}",
        replace(facts, method=method, allowed=methods, value=None if methods is None else ", ".join(methods)),
    )


def _header_failure(headers: Headers, names: tuple[str, ...] | None, facts: Facts) -> Failure | None:
    allowed = {name.lower() for name in names or ()}
    wildcard = "*" in allowed and facts.credentials != "include"
    spelled = {name.lower(): name for name, _ in reversed(headers)}
    seen = _shown("Access-Control-Allow-Headers", names)

    def refused(check: Check, name: str, detail: str) -> Failure:
        value = None if names is None else ", ".join(names)
        return Failure(check, detail, replace(facts, header=name, allowed=names, value=value))

    # Authorization is a "CORS non-wildcard request-header name": only its own name in the list allows it.
    if "authorization" in spelled and "authorization" not in allowed:
        name = spelled["authorization"]
        if wildcard:
            return refused(
                Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD,
                name,
                f"the preflight response {seen}, and '*' never covers {name}",
            )
        return refused(Check.HEADER_NOT_ALLOWED, name, f"the preflight response {seen}, which does not allow {name}")
    if wildcard:
        return None
    for unsafe in unsafe_header_names(headers):
        if unsafe not in allowed:
            name = spelled[unsafe]
            return refused(
                Check.HEADER_NOT_ALLOWED, name, f"the preflight response {seen}, which does not allow {name}"
            )
    return None
