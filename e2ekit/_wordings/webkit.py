"""WebKit's CORS console messages (CrossOriginAccessControl.cpp, CrossOriginPreflightResultCache.cpp).

Safari prints the reason on one line and "Fetch API cannot load <url> due to access control checks." on the next,
often followed by "Failed to load resource: <the reason again>"; a report pairs a wrapper line with the reason
nearest before it (or, failing that, with the echo after it) and drops the echo. WebKit words a missing, invalid
or mismatched Access-Control-Allow-Origin alike and never says whether a CORS check failed on a preflight.
"""

from __future__ import annotations

import re

from e2ekit._standard.checks import Check, cors_check_failure
from e2ekit._wordings.parsed_message import ParsedMessage, build_report
from e2ekit._wordings.templates import MessageValues, Template, Wording, find_wordings

__all__ = ["ENGINE", "WORDINGS", "find_reports", "render_message"]

ENGINE = "webkit"

_CANNOT_LOAD = Template(" cannot load {url} due to access control checks.")
_WRAPPER_PATTERN = re.compile(rf"(?P<kind>Fetch\s+API|XMLHttpRequest){_CANNOT_LOAD.regex}")
_APIS = {"fetch": "Fetch API", "xhr": "XMLHttpRequest"}
_REDIRECTION = Template("Cross-origin redirection to {url} denied by Cross-Origin Resource Sharing policy: ")
_STATUS = r"(?:\s+Status\s+code:\s+(?P<status>\d+))?"

_ORIGIN_NOT_ALLOWED = "Origin {origin} is not allowed by Access-Control-Allow-Origin."
_CORS_CHECK_REASONS = {
    "missing-allow-origin": _ORIGIN_NOT_ALLOWED,
    "origin-mismatch": _ORIGIN_NOT_ALLOWED,
    "invalid-allow-origin": _ORIGIN_NOT_ALLOWED,
    "wildcard-with-credentials": "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.",
    "multiple-allow-origin": "Access-Control-Allow-Origin cannot contain more than one origin.",
    "credentials-not-true": 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".',
}
_PREFLIGHT_NOT_SUCCESSFUL = "Preflight response is not successful."


def _cors_check_wordings() -> tuple[Wording, ...]:
    wordings = [Wording(Check.ORIGIN_NOT_ALLOWED, Template(_ORIGIN_NOT_ALLOWED), status=True)]
    for failure, text in _CORS_CHECK_REASONS.items():
        check = cors_check_failure(failure, preflight=False)
        shared = Check.ORIGIN_NOT_ALLOWED if text == _ORIGIN_NOT_ALLOWED else None
        status = shared is not None
        wordings.append(Wording(check, Template(text), reported=shared, status=status))
        wordings.append(
            Wording(
                cors_check_failure(failure, preflight=True), Template(text), reported=shared or check, status=status
            )
        )
    return tuple(wordings)


WORDINGS = _cors_check_wordings() + (
    Wording(Check.PREFLIGHT_STATUS_NOT_OK, Template(_PREFLIGHT_NOT_SUCCESSFUL), status=True),
    Wording(
        Check.PREFLIGHT_REDIRECT,
        Template(_PREFLIGHT_NOT_SUCCESSFUL),
        reported=Check.PREFLIGHT_STATUS_NOT_OK,
        status=True,
    ),
    Wording(Check.METHOD_NOT_ALLOWED, Template("Method {method} is not allowed by Access-Control-Allow-Methods.")),
    Wording(
        Check.HEADER_NOT_ALLOWED,
        Template("Request header field {header} is not allowed by Access-Control-Allow-Headers."),
    ),
    Wording(
        Check.INVALID_ALLOW_METHODS,
        Template("Header Access-Control-Allow-Methods has an invalid value: {quoted_value}"),
    ),
    Wording(
        Check.INVALID_ALLOW_HEADERS,
        Template("Header Access-Control-Allow-Headers has an invalid value: {quoted_value}"),
    ),
    Wording(
        Check.REDIRECT_NON_HTTP_SCHEME,
        Template("not allowed to follow a cross-origin CORS redirection with non CORS scheme"),
    ),
    Wording(Check.REDIRECT_WITH_CREDENTIALS_IN_URL, Template("redirection URL {quoted_value} has credentials")),
    Wording(Check.NO_CORS_METHOD, Template("TypeError: Method must be GET, POST or HEAD in no-cors mode.")),
    # MixedContentChecker.cpp: WebKitGTK 2.50.6 blocks the request (measured) but its console cannot be read over
    # WebDriver, so the wording is the source's; newer Safari words it as the parse-only line.
    Wording(
        Check.MIXED_CONTENT,
        Template("[blocked] The page at {origin} was not allowed to run insecure content from {url}."),
    ),
    Wording(
        Check.MIXED_CONTENT,
        Template(
            "[blocked] The page at {origin} requested insecure content from {url}. This content was blocked and "
            "must be served over HTTPS."
        ),
        parse_only=True,
    ),
)
_UNWRAPPED = (Check.NO_CORS_METHOD, Check.MIXED_CONTENT)


def render_message(wording: Wording, values: MessageValues) -> str:
    """The reason line for ``wording`` and, for a blocked load, the wrapper line Safari prints after it."""
    fields = values.fields(wording.defaults)
    reason = wording.template.render(fields, engine=ENGINE, check=wording.check)
    if wording.status:
        reason += f" Status code: {values.status}" if values.status is not None else ""
    if wording.check in _UNWRAPPED:
        return reason
    if values.api not in _APIS:
        raise ValueError(f'api "{values.api}" has no WebKit wording: expected one of {", ".join(_APIS)}')
    return f"{reason}\n{_APIS[values.api]}" + _CANNOT_LOAD.render(fields, engine=ENGINE, check=wording.check)


def _redirection(wording: Wording) -> str:
    # A reason that names the URL itself (mixed content) is never preceded by the redirection clause.
    return "" if "url" in wording.template.fields else f"(?:{_REDIRECTION.regex})?"


_PATTERNS = tuple(
    (wording, re.compile(f"{_redirection(wording)}{wording.template.regex}{_STATUS if wording.status else ''}"))
    for wording in WORDINGS
    if wording.reported is None
)


_ECHO = re.compile(r"Failed\s+to\s+load\s+resource:\s*$")


def _is_echo(text: str, start: int) -> bool:
    """Whether the reason at ``start`` repeats one after "Failed to load resource:", which follows its wrapper."""
    return _ECHO.search(text, max(0, start - 40), start) is not None


def find_reports(text: str) -> list[tuple[int, int, ParsedMessage]]:
    """Every WebKit CORS message in ``text`` as (start, end, report), a wrapper line and its reason as one."""
    reasons = find_wordings(text, _PATTERNS)
    wrappers = list(_WRAPPER_PATTERN.finditer(text))
    used: set[int] = set()
    reports = []
    for index, wrapper in enumerate(wrappers):
        after_previous = wrappers[index - 1].end() if index else 0
        before_next = wrappers[index + 1].start() if index + 1 < len(wrappers) else len(text)
        before = [
            i
            for i, (m, _) in enumerate(reasons)
            if i not in used
            and after_previous <= m.start()
            and m.end() <= wrapper.start()
            and not _is_echo(text, m.start())
        ]
        after = [
            i
            for i, (m, _) in enumerate(reasons)
            if i not in used and wrapper.end() <= m.start() and m.end() <= before_next and _is_echo(text, m.start())
        ]
        chosen = before[-1] if before else after[0] if after else None
        api = "xhr" if wrapper.group("kind") == "XMLHttpRequest" else "fetch"
        if chosen is None:
            raw = " ".join(wrapper.group(0).split())
            report = build_report(ENGINE, Check.BLOCKED, wrapper.groupdict(), api=api, preflight=False, raw=raw)
            reports.append((wrapper.start(), wrapper.end(), report))
            continue
        used.add(chosen)
        match, wording = reasons[chosen]
        groups = {**match.groupdict(), "url": wrapper.group("url")}
        if match.group("url") is not None:
            groups.update(url=match.group("url"), redirected_from=wrapper.group("url"))
        raw = " ".join(f"{match.group(0)} {wrapper.group(0)}".split())
        start, end = min(match.start(), wrapper.start()), max(match.end(), wrapper.end())
        reports.append((start, end, build_report(ENGINE, wording.check, groups, api=api, preflight=False, raw=raw)))
    paired = {" ".join(reasons[i][0].group(0).split()) for i in used}
    for index, (match, wording) in enumerate(reasons):
        raw = " ".join(match.group(0).split())
        if index in used or raw in paired:
            continue  # "Failed to load resource: <reason>" repeats a reason already reported
        report = build_report(ENGINE, wording.check, match.groupdict(), api=None, preflight=False, raw=raw)
        reports.append((match.start(), match.end(), report))
    return sorted(reports, key=lambda found: found[0])
