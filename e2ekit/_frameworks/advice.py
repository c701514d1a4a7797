"""From a failed check's facts to the fix: the changes of the CORS policy that remove it, and one sentence.

The sentences are the same for every framework; where they name a setting, the CORS layer or a change, they ask the
framework (``Framework.word``, ``names``, ``layer``), so the advice speaks the settings of what serves the app.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from e2ekit._frameworks.policy import Change, CorsPolicy, Setting
from e2ekit._standard import OPAQUE_ORIGIN, Check, Facts, Failure, OriginSlip, header_defect, origin_slip, shown_value

if TYPE_CHECKING:
    from e2ekit._frameworks.base import Framework

__all__ = ["advise", "changes_for", "configured_slip", "partial_pattern"]

_SLIPS = {
    OriginSlip.TRAILING_SLASH: "without the trailing slash",
    OriginSlip.PATH: "without the path",
    OriginSlip.CASE: "in lower case as browsers send it",
    OriginSlip.SERIALISATION: "exactly as browsers serialise it",
    OriginSlip.NO_SCHEME: "with its scheme",
    OriginSlip.OTHER_SCHEME: "with the page's scheme",
}
_ORIGIN_FAILURES = ("missing-allow-origin", "origin-mismatch", "invalid-allow-origin", "wildcard-with-credentials")


def configured_slip(policy: CorsPolicy, origin: str) -> tuple[str, OriginSlip] | None:
    """A configured origin that was meant to be ``origin`` but is written another way, and how it differs."""
    for value in policy.origins:
        slip = origin_slip(value, origin)
        if slip is not None and slip in _SLIPS:
            return value, slip
    return None


def partial_pattern(policy: CorsPolicy, origin: str) -> tuple[str, str] | None:
    r"""A configured origin pattern written without the scheme or the port that ``origin`` has (so the match the
    implementation makes fails), and the pattern that matches all of it.

    Only those two omissions count: a pattern that matches the start of another host (``127\.0\.0\.1`` in
    ``127.0.0.10``) refuses that origin on purpose.
    """
    if policy.allows_origin(origin):
        return None
    for pattern in policy.origin_patterns:
        try:
            found = re.search(pattern, origin)
        except re.error:
            continue
        if found is None:
            continue
        start, end = found.span()
        before, after = origin[:start], origin[end:]
        if before in ("", "http://", "https://") and _PORT.fullmatch(after) and (before or after):
            return pattern, re.escape(before) + pattern + re.escape(after)
    return None


_PORT = re.compile(r"(:\d+)?")


def changes_for(framework: Framework, failure: Failure, policy: CorsPolicy) -> list[Change]:
    """The changes of ``policy`` that remove ``failure``; empty when none does (a client-side fix, an exception)."""
    facts = failure.facts
    check = failure.check
    suffix = check.split(".", 1)[1]
    if check in (Check.METHOD_NOT_ALLOWED, Check.HEADER_NOT_ALLOWED, Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD):
        return _list_changes(check, facts)
    if check == Check.PREFLIGHT_STATUS_NOT_OK:
        refusal = facts.refusal
        if refusal is not None:
            return _list_changes(refusal.check, refusal.facts)
        return _refused_changes(framework, facts, policy)
    if (
        facts.origin is None
        or facts.origin == OPAQUE_ORIGIN
        or suffix not in (*_ORIGIN_FAILURES, "credentials-not-true")
    ):
        return []
    origin = facts.origin
    credentials = [Change(Setting.CREDENTIALS)] if policy.needs_credentials(facts) else []
    if suffix == "wildcard-with-credentials":
        return [Change(Setting.ORIGINS, origin, replaces="*"), *credentials]
    if suffix == "credentials-not-true":
        if facts.value is not None and facts.value.strip().lower() == "true":
            return []
        wildcard = [Change(Setting.ORIGINS, origin, replaces="*")] if _allows_all(policy) else []
        return [*wildcard, Change(Setting.CREDENTIALS)]
    if suffix == "missing-allow-origin":
        if facts.error or not policy.installed:
            return []
        refused = _refused_changes(framework, facts, policy)
        if refused or policy.allows_origin(origin):
            return refused
    slipped = configured_slip(policy, origin)
    if slipped is not None:
        return [Change(Setting.ORIGINS, origin, replaces=slipped[0]), *credentials]
    partial = partial_pattern(policy, origin)
    if partial is not None:
        return [Change(Setting.ORIGIN_PATTERNS, partial[1], replaces=partial[0]), *credentials]
    return [Change(Setting.ORIGINS, origin), *credentials]


def _allows_all(policy: CorsPolicy) -> bool:
    return policy.allow_all_origins or "*" in policy.origins


def _list_changes(check: Check, facts: Facts) -> list[Change]:
    method = facts.method or ""
    if check == Check.METHOD_NOT_ALLOWED:
        if method != method.upper() and method.upper() in (facts.allowed or ()):
            return []  # fetch() sent the method as written: the page has to change, not the server
        return [Change(Setting.METHODS, method)]
    if check in (Check.HEADER_NOT_ALLOWED, Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD) and facts.header:
        return [Change(Setting.HEADERS, facts.header)]
    return []


def _refused_changes(framework: Framework, facts: Facts, policy: CorsPolicy) -> list[Change]:
    """The changes for a preflight the framework refused and said why in the body (e.g. "Disallowed CORS method")."""
    if not facts.preflight:
        return []
    refused = framework.preflight_refusal(facts)
    if refused == Check.METHOD_NOT_ALLOWED and facts.method:
        return [Change(Setting.METHODS, facts.method)]
    if refused == Check.HEADER_NOT_ALLOWED:
        names = [name for name in facts.unsafe_headers if not _lists_header(policy, name)]
        return [Change(Setting.HEADERS, names[0])] if names else []
    return []


def _lists_header(policy: CorsPolicy, name: str) -> bool:
    listed = {item.lower() for item in policy.headers or ()}
    return "*" in listed or name.lower() in listed


def advise(framework: Framework, failure: Failure, policy: CorsPolicy) -> str | None:
    """One sentence on how to fix ``failure``, in the terms of ``framework`` configured with ``policy``."""
    facts = failure.facts
    check = failure.check
    suffix = check.split(".", 1)[1]
    sentence = _FIXED.get(check)
    if sentence is not None:
        return sentence
    if check in _REQUEST_FIXES:
        return _REQUEST_FIXES[check](framework, facts, policy)
    if suffix in _ORIGIN_FAILURES and facts.origin == OPAQUE_ORIGIN:
        return _opaque_origin_fix(framework, facts, policy)
    if suffix == "missing-allow-origin":
        return _missing_fix(framework, failure, policy)
    if suffix == "wildcard-with-credentials":
        return _worded(framework, failure, policy) + " when credentials are included"
    if suffix in ("origin-mismatch", "invalid-allow-origin"):
        return _mismatch_fix(framework, facts, policy)
    if suffix == "multiple-allow-origin":
        return _multiple_fix(framework, facts, policy)
    if suffix == "credentials-not-true":
        value = facts.value
        if value is not None and value.strip().lower() == "true":
            return f"send Access-Control-Allow-Credentials as exactly 'true', not '{value}'"
        return _worded(framework, failure, policy)
    if check == Check.PREFLIGHT_STATUS_NOT_OK:
        return _status_fix(framework, failure, policy)
    if check == Check.METHOD_NOT_ALLOWED:
        return _method_fix(framework, facts, policy)
    if check in (Check.HEADER_NOT_ALLOWED, Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD):
        return _header_fix(framework, check, facts, policy)
    if check in (Check.INVALID_ALLOW_METHODS, Check.INVALID_ALLOW_HEADERS):
        header, example = (
            ("Access-Control-Allow-Methods", "'GET, POST, PUT'")
            if check == Check.INVALID_ALLOW_METHODS
            else ("Access-Control-Allow-Headers", "'X-Token, X-Trace'")
        )
        return f"send {header} as comma-separated names, e.g. {example}" + _as_layer_does(framework)
    if check == Check.PREFLIGHT_REDIRECT:
        if not _moves_the_same_resource(facts.url, facts.target):
            return _auth_layer_fix(framework, f"redirected it to '{_path_of(facts.target)}'")
        return (
            f"fetch '{facts.target}' directly, the URL the server redirects to (or stop the redirect"
            f"{framework.redirect_hint})"
        )
    return None


_AUTH_STATUSES = (401, 403)


def _path_of(url: str | None) -> str:
    parts = urlsplit(url or "")
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _moves_the_same_resource(url: str | None, target: str | None) -> bool:
    """Whether a redirect only moves the requested resource (a trailing slash added or dropped, another scheme or
    host): fetching the target directly then fixes it. A redirect to another path (a login page) does not."""
    if url is None or target is None:
        return True
    before, after = urlsplit(url).path or "/", urlsplit(target).path or "/"
    return before.rstrip("/") == after.rstrip("/")


def _auth_layer_fix(framework: Framework, what: str) -> str:
    """A preflight an authentication layer answered: it never reached the CORS handling, and no request the page
    can make would carry the credentials such a layer wants, because browsers never send them with a preflight."""
    cors = framework.layer or "CORS handling"
    return (
        f"let OPTIONS preflights through the authentication layer that {what}: browsers never send cookies or "
        f"Authorization with a preflight, so it never reached {cors}; or {framework.outermost}, so that {cors} "
        "answers preflights before authentication does"
    )


def _worded(framework: Framework, failure: Failure, policy: CorsPolicy) -> str:
    return framework.configuration(changes_for(framework, failure, policy), policy)


def _as_layer_does(framework: Framework) -> str:
    return f", as {framework.layer} does" if framework.layer else ""


_FIXED = {
    Check.REDIRECT_WITH_CREDENTIALS_IN_URL: "redirect to a URL without a user name and password",
    Check.REDIRECT_NON_HTTP_SCHEME: "redirect to an http(s) URL",
    Check.REDIRECT_INVALID_LOCATION: "send an absolute http(s) URL in Location",
    Check.TOO_MANY_REDIRECTS: "break the redirect loop",
    Check.SAME_ORIGIN_MODE: "use mode 'cors' for a cross-origin URL",
    Check.NO_CORS_REDIRECT_MODE: "use redirect 'follow' with mode 'no-cors'",
    Check.FORBIDDEN_METHOD: "use another method: browsers never send CONNECT, TRACE or TRACK from fetch()",
    Check.SCHEME_NOT_HTTP: "serve the API over http or https",
    Check.MIXED_CONTENT: "serve the API over https: an https page can fetch http only from a loopback host",
}
"""Fixes that are the same whatever serves the app: they change the page's request or the redirect."""


def _redirect_not_allowed(framework: Framework, facts: Facts, policy: CorsPolicy) -> str:
    return f"fetch '{facts.target}' directly or use redirect 'follow'"


def _no_cors_method(framework: Framework, facts: Facts, policy: CorsPolicy) -> str:
    return "use mode 'cors' and " + framework.word(Change(Setting.METHODS, facts.method or ""), policy)


def _no_response(framework: Framework, facts: Facts, policy: CorsPolicy) -> str | None:
    name, value = facts.response_header, facts.value or ""
    if name is not None:
        if header_defect(name, "") is not None:  # the name itself cannot be sent
            return f"send the header under a valid name: '{shown_value(name)}' is not a token"
        fix = (
            f"make the app set {name} to a value a server can send: '{shown_value(value)}' {header_defect(name, value)}"
        )
        if "\r" in value or "\n" in value:
            fix += "; send a second header as a header of its own, not after a line break in a value"
        return fix
    if facts.error is not None:
        return None  # the server refused the response for a reason e2ekit does not word: the detail quotes it
    request = (
        f"the preflight OPTIONS {_path_of(facts.url)}" if facts.preflight else f"{facts.method} {_path_of(facts.url)}"
    )
    return (
        f"make the app answer {request}: its handler blocks or never returns (a blocking call such as time.sleep, "
        "a lock or a read without a timeout, or an await that never completes); if it is only slow, allow it longer "
        "with the fetch timeout"
    )


_REQUEST_FIXES = {
    Check.REDIRECT_NOT_ALLOWED: _redirect_not_allowed,
    Check.NO_CORS_METHOD: _no_cors_method,
    Check.NO_RESPONSE: _no_response,
}


def _missing_fix(framework: Framework, failure: Failure, policy: CorsPolicy) -> str:
    facts = failure.facts
    origin = facts.origin or ""
    status = facts.status
    if facts.error:
        return framework.exception(facts.error, status or 500)
    if facts.preflight and status in (404, 405):
        return f"{framework.install(origin, policy)}: the {status} shows that nothing answered the OPTIONS preflight"
    if not policy.installed:
        return framework.install(origin, policy)
    refused = _refused_changes(framework, facts, policy)
    if refused:
        return framework.configuration(refused, policy)
    if facts.preflight and status in _AUTH_STATUSES and framework.preflight_refusal(facts) is None:
        return _auth_layer_fix(framework, f"answered it {status}")
    slipped = configured_slip(policy, origin)
    if slipped is not None:
        return _slip_fix(framework, policy, slipped[0], slipped[1], origin, facts)
    partial = partial_pattern(policy, origin)
    if partial is not None:
        pattern, whole = partial
        return (
            f"{framework.names(policy)[Setting.ORIGIN_PATTERNS]} '{pattern}' matches only part of '{origin}' and "
            f"{framework.layer} matches the whole origin: write '{whole}'"
        )
    if policy.allows_origin(origin) and framework.layer:
        answer = "preflight" if facts.preflight else "response"
        return (
            f"{framework.layer} allows '{origin}', so the {answer}'s {status} without CORS headers came from a "
            f"layer outside it: {framework.outermost}"
        )
    return _worded(framework, failure, policy)


def _slip_fix(framework: Framework, policy: CorsPolicy, value: str, slip: OriginSlip, origin: str, facts: Facts) -> str:
    name = framework.names(policy)[Setting.ORIGINS]
    sentence = f"list the origin {_SLIPS[slip]} in {name}: '{origin}', not '{value}'"
    if policy.needs_credentials(facts):
        sentence += f", and {framework.word(Change(Setting.CREDENTIALS), policy)}"
    return sentence


def _mismatch_fix(framework: Framework, facts: Facts, policy: CorsPolicy) -> str:
    origin = facts.origin or ""
    value = facts.value or ""
    slip = facts.slip
    if slip is not None and slip in _SLIPS:
        return f"list the origin {_SLIPS[slip]}: '{origin}', not '{value}'"
    added = framework.word(Change(Setting.ORIGINS, origin), policy)
    return f"{added} (the response named '{value}', a different origin)"


def _opaque_origin_fix(framework: Framework, facts: Facts, policy: CorsPolicy) -> str:
    name = framework.names(policy)[Setting.ORIGINS]
    if facts.page_origin != OPAQUE_ORIGIN:
        return (
            "request the redirect's target directly: a redirect to another origin made the request's origin 'null', "
            f"which {name} should not list"
        )
    return (
        f"serve the page from a real http(s) origin and list that origin in {name}: the page's origin is opaque "
        "('null'), e.g. a sandboxed iframe or a file: page; allowing 'null' is unsafe: every sandboxed iframe and "
        "file: page of any site sends it"
    )


def _multiple_fix(framework: Framework, facts: Facts, policy: CorsPolicy) -> str:
    layer = framework.layer or "the server"
    if facts.lines > 1:
        return (
            f"send Access-Control-Allow-Origin once: the response had {facts.lines} of them, so another layer (a "
            f"hand-set header or a proxy) adds it besides {layer}"
        )
    name = framework.names(policy)[Setting.ORIGINS]
    return (
        f"send only the request's origin, not a list: put the origins in {name} and {layer} echoes the one that matches"
    )


def _status_fix(framework: Framework, failure: Failure, policy: CorsPolicy) -> str:
    facts = failure.facts
    if facts.error:
        return framework.exception(facts.error, facts.status or 500)
    if facts.refusal is not None:
        refusal = advise(framework, facts.refusal, policy)
        if refusal is not None:
            return refusal
    refused = _refused_changes(framework, facts, policy)
    if refused:
        return framework.configuration(refused, policy)
    if facts.status in _AUTH_STATUSES and framework.preflight_refusal(facts) is None:
        return _auth_layer_fix(framework, f"answered it {facts.status}")
    answer = "answer the OPTIONS preflight with a 2xx status"
    if framework.layer:
        return f"{answer}; {framework.layer} does when the origin, method and headers are allowed"
    return answer


def _method_fix(framework: Framework, facts: Facts, policy: CorsPolicy) -> str:
    method = facts.method or ""
    allowed = facts.allowed or ()
    name = framework.names(policy)[Setting.METHODS]
    if "*" in allowed:
        return f"list '{method}' in {name} instead of '*', which is literal when credentials are included"
    if method.upper() in allowed and method != method.upper():
        return (
            f"call fetch() with method '{method.upper()}': fetch() sends '{method}' as written, and method names "
            "match case-sensitively"
        )
    if any(item.upper() == method for item in allowed):
        return f"list '{method}' in {name} in upper case: method names match case-sensitively"
    return framework.word(Change(Setting.METHODS, method), policy)


def _header_fix(framework: Framework, check: Check, facts: Facts, policy: CorsPolicy) -> str:
    header = facts.header or ""
    added = framework.word(Change(Setting.HEADERS, header), policy)
    if check == Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD:
        return f"{added} (Authorization is not covered by '*')"
    if "*" in (facts.allowed or ()):
        name = framework.names(policy)[Setting.HEADERS]
        return f"list '{header}' in {name} instead of '*', which is literal when credentials are included"
    return added
