"""The CORS check on one response: Access-Control-Allow-Origin against the request's origin, and credentials.

https://fetch.spec.whatwg.org/#cors-check. The standard only compares the header with the serialised origin; the
finer failures (multiple values, an invalid value) follow Chromium's diagnostics, and the facts name the slip
(a trailing slash, a missing scheme, ...) so that whoever words the fix can be specific.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from e2ekit._probing.exchange import Exchange
from e2ekit._standard.checks import Facts, Failure, cors_check_failure
from e2ekit._standard.request_origin import origin_slip
from e2ekit._standard.responses import effective_status, is_redirect, name_response
from e2ekit._standard.safelist import unsafe_header_names

__all__ = ["cors_check", "response_facts"]

_URL_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def response_facts(
    response: Exchange,
    *,
    origin: str,
    credentials: str,
    page_origin: str,
    preflight: bool,
    method: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
) -> Facts:
    """What a failure on ``response`` is decided on, before the check adds its own values."""
    return Facts(
        url=response.url,
        origin=origin,
        page_origin=page_origin,
        credentials=credentials,
        method=method or response.method,
        unsafe_headers=_spelled_unsafe(headers),
        status=effective_status(response),
        error=response.error,
        body=response.response_body,
        preflight=preflight,
        allow_credentials=response.response_header("access-control-allow-credentials"),
    )


def _spelled_unsafe(headers: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    spelled = {name.lower(): name for name, _ in reversed(headers)}
    return tuple(spelled[name] for name in unsafe_header_names(headers))


def cors_check(
    response: Exchange,
    *,
    origin: str,
    credentials: str,
    page_origin: str,
    preflight: bool = False,
    method: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
) -> Failure | None:
    """The CORS check of ``response`` for a request whose Origin is ``origin``, or None when it passes.

    ``page_origin`` is the page's own origin; it differs from ``origin`` only once a redirect tainted the request.
    ``method`` and ``headers`` are the request's, recorded in the facts of a failure.
    """
    values = [value.strip() for value in response.response_header_values("access-control-allow-origin")]
    subject = name_response(response, preflight=preflight)
    facts = response_facts(
        response,
        origin=origin,
        credentials=credentials,
        page_origin=page_origin,
        preflight=preflight,
        method=method,
        headers=headers,
    )

    def failed(failure: str, detail: str, **found: Any) -> Failure:
        return Failure(cors_check_failure(failure, preflight=preflight), detail, replace(facts, **found))

    if not values:
        status = "" if is_redirect(response) else f" (status {effective_status(response)})"
        return failed("missing-allow-origin", f"{subject}{status} had no Access-Control-Allow-Origin header")
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
                value=value,
            )
        if len(values) > 1 or "," in value or " " in value:
            return failed(
                "multiple-allow-origin",
                f"{subject} sent Access-Control-Allow-Origin '{value}', several values where exactly one origin is "
                "allowed",
                value=value,
                lines=len(values),
            )
        if _URL_LIKE.match(value) is None:
            return failed(
                "invalid-allow-origin",
                f"{subject} sent Access-Control-Allow-Origin '{value}', which is not an origin; the request's origin "
                f"is '{origin}'",
                value=value,
                slip=origin_slip(value, origin),
            )
        return failed(
            "origin-mismatch",
            f"{subject} sent Access-Control-Allow-Origin '{value}', not the request's origin '{origin}'",
            value=value,
            slip=origin_slip(value, origin),
        )
    if not include:
        return None
    allow_credentials = response.response_header("access-control-allow-credentials")
    if allow_credentials == "true":
        return None
    seen = "missing" if allow_credentials is None else f"'{allow_credentials}'"
    return failed(
        "credentials-not-true",
        f"{subject} had Access-Control-Allow-Credentials {seen}, but the request's credentials mode is 'include', "
        "which needs exactly 'true'",
        value=allow_credentials,
    )
