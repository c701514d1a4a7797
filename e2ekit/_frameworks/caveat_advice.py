"""From a caveat's facts to the fix: what makes the page get what it wanted, in the terms of what serves the app.

A header JavaScript cannot read is fixed in the CORS layer's expose setting. A cookie that did not go with the
request is fixed where the request is made (the credentials mode), in the cookie's own attributes, or in where the
page and the API are served; an error status is the app's own answer, not CORS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from e2ekit._frameworks.policy import Change, CorsPolicy, Setting
from e2ekit._standard import ENGINE_COOKIE_POLICIES, Caveat, CaveatFacts, CaveatKind

if TYPE_CHECKING:
    from e2ekit._frameworks.base import Framework

__all__ = ["advise_caveat"]

_SAME_SITE = (
    "serve the page and the API from the same site (the same host name here, e.g. both on localhost; in production "
    "the same registrable domain, such as app.example.com and api.example.com)"
)


def advise_caveat(framework: Framework, caveat: Caveat, policy: CorsPolicy) -> str | None:
    """One sentence on how to fix ``caveat``, in the terms of ``framework`` configured with ``policy``; None where
    e2ekit knows no fix."""
    facts = caveat.facts
    kind = caveat.kind
    if kind is CaveatKind.HEADER_NOT_EXPOSED:
        return _expose_fix(framework, facts, policy)
    if kind is CaveatKind.ERROR_STATUS:
        return _status_fix(framework, facts, policy)
    wording = _COOKIE_FIXES.get(kind)
    return None if wording is None else wording(framework, facts, policy)


def _expose_fix(framework: Framework, facts: CaveatFacts, policy: CorsPolicy) -> str:
    name = framework.names(policy)[Setting.EXPOSE_HEADERS]
    listed = ", ".join(f"'{header}'" for header in facts.headers)
    if (facts.expose_headers or "").strip() == "*" and facts.credentials == "include":
        return f"list {listed} in {name} instead of '*', which is a literal name when credentials are included"
    return framework.configuration([Change(Setting.EXPOSE_HEADERS, header) for header in facts.headers], policy)


def _status_fix(framework: Framework, facts: CaveatFacts, policy: CorsPolicy) -> str | None:
    status = facts.status or 0
    target = f"{facts.method} {_path(facts.request_url)}"
    if facts.cookie_missing:
        return f"make the cookie reach the app (see above): the app answers {status} without it"
    if status in (401, 403):
        if facts.credentials_sent:
            return f"the app refused the credentials the request carried: this {status} is the app's answer, not CORS"
        if facts.credentials != "include":
            allowed = _credentials_allowed(framework, facts, policy)
            return (
                "send the credentials the app expects: call fetch() with credentials: 'include' for its session "
                f"cookie{f' ({allowed})' if allowed else ''}, or an Authorization header"
            )
        return (
            "the request carried no cookie and no Authorization header: log in first in the same browser (e2ekit "
            "check --visit /login, session.visit(app, '/login')), or send the Authorization header the app expects"
        )
    if facts.error:
        return f"handle the exception in the app ({facts.error}): CORS let the page read the {status}"
    if status == 404:
        return f"check the URL: the app has no route for {target}"
    if status == 405:
        return f"check the method: the app's route for {_path(facts.request_url)} does not accept {facts.method}"
    return None


def _credentials_allowed(framework: Framework, facts: CaveatFacts, policy: CorsPolicy) -> str:
    """What the server must still allow for a credentialed request, in the framework's settings ("" for nothing)."""
    changes = []
    if policy.allow_all_origins or "*" in policy.origins:
        origin = facts.page_origin or "the page origin"
        changes.append(framework.word(Change(Setting.ORIGINS, origin, replaces="*"), policy))
    if policy.credentials is False:
        changes.append(framework.word(Change(Setting.CREDENTIALS), policy))
    return f"the server must then allow credentials: {' and '.join(changes)}" if changes else ""


def _path(url: str | None) -> str:
    parts = urlsplit(url or "")
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _host(url: str | None) -> str:
    return (urlsplit(url or "").hostname or "").lower()


def _credentials_mode(framework: Framework, facts: CaveatFacts, policy: CorsPolicy) -> str:
    allowed = _credentials_allowed(framework, facts, policy)
    return (
        "call fetch() with credentials: 'include' (axios: withCredentials: true; XMLHttpRequest: withCredentials = "
        "true)" + (f"; {allowed}" if allowed else "")
    )


def _host_mismatch(framework: Framework, facts: CaveatFacts, policy: CorsPolicy) -> str:
    cookie = facts.cookie
    home = cookie.domain or cookie.host if cookie is not None else "the host that set it"
    return (
        f"use one host name for the login and the API calls: call the API on {home}, where the cookie lives, or "
        f"log in on {_host(facts.request_url)}"
    )


def _domain_rejected(framework: Framework, facts: CaveatFacts, policy: CorsPolicy) -> str:
    host = facts.cookie.host if facts.cookie is not None else "the host that sets it"
    return f"leave Domain out of the cookie (it then belongs to {host}), or name a domain that covers {host}"


def _path_mismatch(framework: Framework, facts: CaveatFacts, policy: CorsPolicy) -> str:
    return f"set Path=/ on the cookie (or a path that covers {_path(facts.request_url).split('?')[0]})"


def _secure_over_http(framework: Framework, facts: CaveatFacts, policy: CorsPolicy) -> str:
    return (
        "serve the page and the API over https, as in production, or leave Secure out of the cookie for local "
        "development over http"
    )


def _none_without_secure(framework: Framework, facts: CaveatFacts, policy: CorsPolicy) -> str:
    if not facts.cross_site:
        return "add Secure to the cookie (SameSite=None; Secure), or leave SameSite out for a same-site API"
    return (
        "add Secure to the cookie (SameSite=None; Secure) and serve the API over https; across sites it then still "
        f"needs third-party cookies, which {_blocking_engines()} block, so to work everywhere {_SAME_SITE}"
    )


def _samesite(framework: Framework, facts: CaveatFacts, policy: CorsPolicy) -> str:
    value = facts.cookie.same_site if facts.cookie is not None else "Lax"
    return (
        f"{_SAME_SITE}: a SameSite={value} cookie goes with every same-site request. SameSite=None; Secure over "
        f"https would let it cross sites only where third-party cookies are allowed ({_blocking_engines()} block them)"
    )


def _samesite_default(framework: Framework, facts: CaveatFacts, policy: CorsPolicy) -> str:
    return (
        f"{_SAME_SITE}; setting SameSite=None; Secure over https instead works only where third-party cookies are "
        f"allowed ({_blocking_engines()} block them)"
    )


def _third_party(framework: Framework, facts: CaveatFacts, policy: CorsPolicy) -> str:
    return f"{_SAME_SITE}: no SameSite value brings a cookie to another site where third-party cookies are blocked"


def _blocking_engines() -> str:
    """The engines that block third-party cookies by default, as a list in a sentence."""
    blocking = [policy.label for policy in ENGINE_COOKIE_POLICIES.values() if not policy.third_party_cookies]
    blocking.append("Safari")
    return ", ".join(blocking[:-1]) + f" and {blocking[-1]}"


_COOKIE_FIXES = {
    CaveatKind.COOKIE_CREDENTIALS_MODE: _credentials_mode,
    CaveatKind.COOKIE_HOST_MISMATCH: _host_mismatch,
    CaveatKind.COOKIE_DOMAIN_REJECTED: _domain_rejected,
    CaveatKind.COOKIE_PATH_MISMATCH: _path_mismatch,
    CaveatKind.COOKIE_SECURE_OVER_HTTP: _secure_over_http,
    CaveatKind.COOKIE_NONE_WITHOUT_SECURE: _none_without_secure,
    CaveatKind.COOKIE_SAMESITE: _samesite,
    CaveatKind.COOKIE_SAMESITE_DEFAULT: _samesite_default,
    CaveatKind.COOKIE_THIRD_PARTY: _third_party,
}
