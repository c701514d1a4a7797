"""Chromium's CORS console messages (Blink's cors_error_string.cc and fetch_manager.cc), both directions."""

from __future__ import annotations

import re

from e2ekit._standard.checks import Check, cors_check_failure
from e2ekit._wordings.parsed_message import ParsedMessage, build_report, line_around
from e2ekit._wordings.templates import MessageValues, Template, Wording, find_wordings

__all__ = ["ENGINE", "WORDINGS", "find_reports", "render_message"]

ENGINE = "chromium"

_ACCESS_TO = Template("Access to {kind} at '{url}' ")
_REDIRECTED_FROM = Template("(redirected from '{redirected_from}') ")
_BLOCKED = Template("from origin '{origin}' has been blocked by CORS policy: ")
_PREFLIGHT = Template("Response to preflight request doesn't pass access control check: ")
_FETCH_API = Template("Fetch API cannot load {url}. ")
_KINDS = {"fetch": "fetch", "xhr": "XMLHttpRequest"}

_NO_CORS_HINT = {
    "fetch": " If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource "
    "with CORS disabled."
}
_VALID_VALUE_HINT = {"fetch": " Have the server send the header with a valid value."}
_XHR_HINT = {
    "xhr": " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials "
    "attribute."
}
_CORS_CHECK_REASONS = {
    "missing-allow-origin": (
        "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        _NO_CORS_HINT,
    ),
    "wildcard-with-credentials": (
        "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the "
        "request's credentials mode is 'include'.",
        _XHR_HINT,
    ),
    "origin-mismatch": (
        "The 'Access-Control-Allow-Origin' header has a value '{allow_origin_value}' that is not "
        "equal to the supplied origin.",
        _VALID_VALUE_HINT,
    ),
    "multiple-allow-origin": (
        "The 'Access-Control-Allow-Origin' header contains multiple values "
        "'{allow_origin_value}', but only one is allowed.",
        _VALID_VALUE_HINT,
    ),
    "invalid-allow-origin": (
        "The 'Access-Control-Allow-Origin' header contains the invalid value '{allow_origin_value}'.",
        _VALID_VALUE_HINT,
    ),
    "credentials-not-true": (
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '{quoted_value}' which must "
        "be 'true' when the request's credentials mode is 'include'.",
        _XHR_HINT,
    ),
}
_HEADER_NOT_ALLOWED = (
    "Request header field {header} is not allowed by Access-Control-Allow-Headers in preflight response."
)

# After "Access to ... has been blocked by CORS policy: "; preflight failures of the CORS check add _PREFLIGHT.
_BLOCKED_WORDINGS = tuple(
    Wording(cors_check_failure(failure, preflight=preflight), Template(text), preflight_prefix=preflight, hints=hints)
    for failure, (text, hints) in _CORS_CHECK_REASONS.items()
    for preflight in (False, True)
) + (
    Wording(Check.PREFLIGHT_STATUS_NOT_OK, Template("It does not have HTTP ok status."), preflight_prefix=True),
    Wording(
        Check.PREFLIGHT_REDIRECT, Template("Redirect is not allowed for a preflight request."), preflight_prefix=True
    ),
    Wording(
        Check.METHOD_NOT_ALLOWED,
        Template("Method {method} is not allowed by Access-Control-Allow-Methods in preflight response."),
    ),
    Wording(Check.HEADER_NOT_ALLOWED, Template(_HEADER_NOT_ALLOWED)),
    # Older versions, and trimmed pastes, end these two without "in preflight response".
    Wording(
        Check.METHOD_NOT_ALLOWED,
        Template("Method {method} is not allowed by Access-Control-Allow-Methods."),
        parse_only=True,
    ),
    Wording(
        Check.HEADER_NOT_ALLOWED,
        Template("Request header field {header} is not allowed by Access-Control-Allow-Headers."),
        parse_only=True,
    ),
    # Blink reports the Authorization-not-covered error under its own lower-cased name, like any refused header.
    Wording(
        Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD,
        Template(_HEADER_NOT_ALLOWED.replace("{header}", "authorization")),
        reported=Check.HEADER_NOT_ALLOWED,
    ),
    Wording(
        Check.INVALID_ALLOW_METHODS,
        Template("Cannot parse Access-Control-Allow-Methods response header field in preflight response."),
    ),
    Wording(
        Check.INVALID_ALLOW_HEADERS,
        Template("Cannot parse Access-Control-Allow-Headers response header field in preflight response."),
    ),
    Wording(
        Check.SCHEME_NOT_HTTP,
        Template("Cross origin requests are only supported for protocol schemes: {quoted_value}."),
        defaults={"quoted_value": "chrome, chrome-extension, chrome-untrusted, data, http, https, isolated-app"},
    ),
    Wording(
        Check.REDIRECT_WITH_CREDENTIALS_IN_URL,
        Template(
            "Redirect location '{quoted_value}' contains a username and password, which is disallowed for "
            "cross-origin requests."
        ),
    ),
    Wording(
        Check.PRIVATE_NETWORK,
        Template(
            "No 'Access-Control-Allow-Private-Network' header was present in the preflight response for this "
            "private network request targeting the `{quoted_value}` address space."
        ),
        preflight_prefix=True,
        defaults={"quoted_value": "local"},
    ),
    Wording(
        Check.PRIVATE_NETWORK,
        Template("Permission was denied for this request to access the `{quoted_value}` address space."),
        parse_only=True,
    ),
)
# After "Fetch API cannot load <url>. ", which newer versions leave out.
_FETCH_API_WORDINGS = (
    Wording(
        Check.SAME_ORIGIN_MODE,
        Template('Request mode is "same-origin" but the URL\'s origin is not same as the request origin {origin}.'),
    ),
    Wording(Check.NO_CORS_REDIRECT_MODE, Template('Request mode is "no-cors" but the redirect mode is not "follow".')),
)
_MIXED_CONTENT = (
    "Mixed Content: The page at '{origin}' was loaded over HTTPS, but requested an insecure {kind} '{url}'. This "
    "request has been blocked; the content must be served over HTTPS."
)
_STANDALONE_WORDINGS = (
    # Measured with Chromium 156; it quotes the page's URL, which reads back as the page origin.
    Wording(Check.MIXED_CONTENT, Template(_MIXED_CONTENT.replace("{kind}", "resource"))),
    Wording(
        Check.MIXED_CONTENT, Template(_MIXED_CONTENT.replace("{kind}", "XMLHttpRequest endpoint")), parse_only=True
    ),
    Wording(
        Check.NO_CORS_METHOD,
        Template("TypeError: Failed to execute 'fetch' on 'Window': '{method}' is unsupported in no-cors mode."),
    ),
    Wording(
        Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD,
        Template(
            "Authorization will not be covered by the wildcard symbol (*) in CORS "
            "Access-Control-Allow-Headers handling."
        ),
        parse_only=True,
    ),
)
WORDINGS = _BLOCKED_WORDINGS + _FETCH_API_WORDINGS + _STANDALONE_WORDINGS


def render_message(wording: Wording, values: MessageValues) -> str:
    """The console message for ``wording`` filled with ``values``."""
    fields = values.fields(wording.defaults)

    def fill(template: Template) -> str:
        return template.render(fields, engine=ENGINE, check=wording.check)

    reason = fill(wording.template)
    if wording in _FETCH_API_WORDINGS:
        return fill(_FETCH_API) + reason
    if wording in _STANDALONE_WORDINGS:
        return reason
    if values.api not in _KINDS:
        raise ValueError(f'api "{values.api}" has no Chromium wording: expected one of {", ".join(_KINDS)}')
    text = _ACCESS_TO.render({**fields, "kind": _KINDS[values.api]}, engine=ENGINE, check=wording.check)
    if values.redirected_from is not None:
        text += fill(_REDIRECTED_FROM)
    text += fill(_BLOCKED) + (_PREFLIGHT.text if wording.preflight_prefix else "")
    return text + reason + wording.hints.get(values.api, "")


def _pattern(wording: Wording) -> re.Pattern[str]:
    if wording in _FETCH_API_WORDINGS:
        return re.compile(f"(?:{_FETCH_API.regex})?{wording.template.regex}")
    if wording in _STANDALONE_WORDINGS:
        return re.compile(wording.template.regex)
    preflight = _PREFLIGHT.regex if wording.preflight_prefix else ""
    return re.compile(
        f"{_ACCESS_TO.regex}(?:{_REDIRECTED_FROM.regex})?{_BLOCKED.regex}{preflight}{wording.template.regex}"
    )


_PATTERNS = tuple((wording, _pattern(wording)) for wording in WORDINGS if wording.reported is None)
_APIS = {kind.lower(): api for api, kind in _KINDS.items()}


def find_reports(text: str) -> list[tuple[int, int, ParsedMessage]]:
    """Every Chromium CORS message in ``text`` as (start, end, report)."""
    reports = []
    for match, wording in find_wordings(text, _PATTERNS):
        groups = match.groupdict()
        kind = groups.get("kind")
        if kind is not None:
            api = _APIS.get(kind.lower())
        else:
            api = "fetch" if wording in _FETCH_API_WORDINGS or wording.check is Check.NO_CORS_METHOD else None
        raw = line_around(text, match.start(), match.end())
        report = build_report(ENGINE, wording.check, groups, api=api, preflight=wording.preflight_prefix, raw=raw)
        reports.append((match.start(), match.end(), report))
    return reports
