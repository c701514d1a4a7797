"""Firefox's CORS console messages (security.properties, nsCORSListenerProxy.cpp), both directions.

Firefox does not say whether the failing response answered a preflight: its CORS check messages read back as
``cors-check.*`` even when rendered for ``preflight.*``.
"""

from __future__ import annotations

import re

from e2ekit._standard.checks import Check, cors_check_failure
from e2ekit._wordings.parsed_message import ParsedMessage, build_report, line_around
from e2ekit._wordings.templates import MessageValues, Template, Wording, find_wordings

__all__ = ["ENGINE", "WORDINGS", "find_reports", "render_message"]

ENGINE = "firefox"

_BLOCKED = Template(
    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: "
)
# CORSNotSupportingCredentials alone quotes the URL.
_BLOCKED_QUOTED = Template(_BLOCKED.text.replace("{url}", "‘{url}’"))
_WARNING = Template(
    "Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource "
    "at {url} soon. (Reason: "
)
_STATUS = re.compile(r"\)\.?\s+Status\s+code:\s+(?P<status>\d+|\(null\))")

_DOES_NOT_MATCH = "CORS header ‘Access-Control-Allow-Origin’ does not match ‘{allow_origin_value}’"
_HEADER_NOT_ALLOWED = (
    "header ‘{header}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response"
)
_CORS_CHECK_REASONS = {
    "missing-allow-origin": ("CORS header ‘Access-Control-Allow-Origin’ missing", True),
    "origin-mismatch": (_DOES_NOT_MATCH, False),
    "invalid-allow-origin": (_DOES_NOT_MATCH, False),
    "multiple-allow-origin": ("Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed", False),
    "wildcard-with-credentials": (
        "Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’",
        False,
    ),
    "credentials-not-true": ("expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’", False),
}


def _cors_check_wordings() -> tuple[Wording, ...]:
    wordings = []
    for failure, (text, status) in _CORS_CHECK_REASONS.items():
        check = cors_check_failure(failure, preflight=False)
        reported = Check.ORIGIN_MISMATCH if failure == "invalid-allow-origin" else None
        wordings.append(Wording(check, Template(text), reported=reported, status=status))
        wordings.append(
            Wording(
                cors_check_failure(failure, preflight=True), Template(text), reported=reported or check, status=status
            )
        )
    return tuple(wordings)


WORDINGS = _cors_check_wordings() + (
    Wording(Check.METHOD_NOT_ALLOWED, Template("Did not find method in CORS header ‘Access-Control-Allow-Methods’")),
    Wording(Check.HEADER_NOT_ALLOWED, Template(_HEADER_NOT_ALLOWED)),
    Wording(
        Check.HEADER_NOT_ALLOWED,
        Template("missing token ‘{header}’ in CORS header ‘Access-Control-Allow-Headers’ from CORS preflight channel"),
        parse_only=True,
    ),
    Wording(
        Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD,
        Template(_HEADER_NOT_ALLOWED.replace("{header}", "authorization")),
        reported=Check.HEADER_NOT_ALLOWED,
    ),
    Wording(
        Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD,
        Template(
            "When the `Access-Control-Allow-Headers` is `*`, the `Authorization` header is not covered. To "
            "include the `Authorization` header, it must be explicitly listed in CORS header "
            "`Access-Control-Allow-Headers`"
        ),
        parse_only=True,
    ),
    Wording(
        Check.INVALID_ALLOW_METHODS,
        Template("invalid token ‘{quoted_value}’ in CORS header ‘Access-Control-Allow-Methods’"),
    ),
    Wording(
        Check.INVALID_ALLOW_HEADERS,
        Template("invalid token ‘{quoted_value}’ in CORS header ‘Access-Control-Allow-Headers’"),
    ),
    Wording(Check.PREFLIGHT_STATUS_NOT_OK, Template("CORS preflight response did not succeed"), status=True),
    Wording(Check.PREFLIGHT_STATUS_NOT_OK, Template("CORS preflight channel did not succeed"), parse_only=True),
    # Only the preflight listener refuses redirects (nsCORSPreflightListener::AsyncOnChannelRedirect).
    Wording(Check.PREFLIGHT_REDIRECT, Template("CORS request external redirect not allowed")),
    Wording(Check.SCHEME_NOT_HTTP, Template("CORS request not http")),
    Wording(Check.NOT_SENT, Template("CORS request did not succeed"), status=True),
    Wording(Check.BLOCKED, Template("CORS disabled"), parse_only=True),
    Wording(Check.BLOCKED, Template("CORS header ‘Origin’ cannot be added"), parse_only=True),
)


# Not a CORS message: Firefox prints it alone. Measured with Firefox ESR 153.8.
_STANDALONE_WORDINGS = (Wording(Check.MIXED_CONTENT, Template("Blocked loading mixed active content “{url}”")),)
WORDINGS += _STANDALONE_WORDINGS


def _wrapper(wording: Wording) -> Template:
    if wording.template.text.startswith("When the"):
        return _WARNING
    if wording.reads_as is Check.WILDCARD_WITH_CREDENTIALS:
        return _BLOCKED_QUOTED
    return _BLOCKED


def render_message(wording: Wording, values: MessageValues) -> str:
    """The console message for ``wording`` filled with ``values``; Firefox's typographic quotes are kept."""
    fields = values.fields(wording.defaults)
    if wording in _STANDALONE_WORDINGS:
        return wording.template.render(fields, engine=ENGINE, check=wording.check)
    if wording.status and "status" not in fields:
        fields["status"] = "(null)"  # what Firefox prints when no response arrived
    text = "".join(
        template.render(fields, engine=ENGINE, check=wording.check)
        for template in (_wrapper(wording), wording.template)
    )
    return text + (f"). Status code: {fields['status']}." if wording.status else ").")


_PATTERNS = tuple(
    (wording, re.compile(f"{_wrapper(wording).regex}{wording.template.regex}(?:{_STATUS.pattern}|\\))"))
    for wording in WORDINGS
    if wording.reported is None and wording not in _STANDALONE_WORDINGS
) + tuple((wording, re.compile(wording.template.regex)) for wording in _STANDALONE_WORDINGS)


def find_reports(text: str) -> list[tuple[int, int, ParsedMessage]]:
    """Every Firefox CORS message in ``text`` as (start, end, report)."""
    reports = []
    for match, wording in find_wordings(text, _PATTERNS):
        raw = line_around(text, match.start(), match.end())
        report = build_report(ENGINE, wording.check, match.groupdict(), api=None, preflight=False, raw=raw)
        reports.append((match.start(), match.end(), report))
    return reports
