"""Which cookies go with a request, and why one the target set earlier did not.

A fetch() carries cookies only when its credentials mode lets it (Fetch: "include" for another origin, "same-origin"
or "include" for the page's own), and then only the cookies whose own rules match the request (RFC 6265bis,
https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html): the host or Domain, the Path, Secure, and
SameSite against the page's site. Where the rules leave the choice to the browser (the SameSite a cookie without the
attribute gets, whether SameSite=None needs Secure, whether loopback http counts as secure, third-party cookies),
ENGINE_COOKIE_POLICIES records what each engine does, as measured: the one place these facts live.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from e2ekit._probing.exchange import Exchange
from e2ekit._standard.caveats import Caveat, CaveatFacts, CaveatKind
from e2ekit._standard.request_origin import OPAQUE_ORIGIN, is_same_origin
from e2ekit._standard.sites import is_potentially_trustworthy, site_of

__all__ = [
    "ENGINE_COOKIE_POLICIES",
    "EngineCookiePolicy",
    "SetCookie",
    "cookie_caveats",
    "cookies_set",
    "is_cross_site",
    "parse_set_cookie",
    "sent_cookie_names",
    "why_not_sent",
]

_SAMESITE_VALUES = {"lax": "Lax", "strict": "Strict", "none": "None"}


@dataclass(frozen=True)
class SetCookie:
    """A cookie as one Set-Cookie line set it, and the URL of the response that carried the line."""

    name: str
    value: str
    set_by: str
    domain: str | None = None
    """The Domain attribute without a leading dot, lower-cased; None for a host-only cookie."""
    path: str | None = None
    secure: bool = False
    same_site: str | None = None
    """"Lax", "Strict" or "None" as the attribute says; None when the attribute is absent (or not one of those)."""
    expired: bool = False
    """Max-Age <= 0 or an Expires in the past: the line deletes the cookie."""

    @property
    def host(self) -> str:
        """The host of the response that set the cookie."""
        return (urlsplit(self.set_by).hostname or "").lower()

    @property
    def attributes(self) -> str:
        """The attributes that decide where the cookie goes, as written: "SameSite=Lax; Secure", "no SameSite"."""
        parts = [f"SameSite={self.same_site}" if self.same_site else "no SameSite attribute"]
        if self.secure:
            parts.append("Secure")
        if self.domain:
            parts.append(f"Domain={self.domain}")
        return "; ".join(parts)

    def domain_matches(self, host: str) -> bool:
        """Whether the cookie would go to ``host`` (RFC 6265bis "domain-match"; a host-only cookie needs the host)."""
        host = host.lower()
        if self.domain is None:
            return host == self.host
        return host == self.domain or (host.endswith("." + self.domain) and not _is_ip(host))

    def path_matches(self, path: str) -> bool:
        """RFC 6265bis "path-match" of the request path against the cookie's path (or its default path)."""
        cookie_path = self.path if self.path and self.path.startswith("/") else _default_path(self.set_by)
        if path == cookie_path:
            return True
        return path.startswith(cookie_path) and (cookie_path.endswith("/") or path[len(cookie_path)] == "/")


def parse_set_cookie(line: str, set_by: str, *, now: datetime | None = None) -> SetCookie | None:
    """The cookie one Set-Cookie line sets, or None for a line without ``name=value``."""
    pair, *attributes = line.split(";")
    name, equals, value = pair.partition("=")
    if not equals or not name.strip():
        return None
    fields: dict[str, str] = {}
    for attribute in attributes:
        key, _, attribute_value = attribute.partition("=")
        fields[key.strip().lower()] = attribute_value.strip()
    return SetCookie(
        name=name.strip(),
        value=value.strip(),
        set_by=set_by,
        domain=fields["domain"].lstrip(".").lower() or None if "domain" in fields else None,
        path=fields.get("path") or None,
        secure="secure" in fields,
        same_site=_SAMESITE_VALUES.get(fields.get("samesite", "").lower()),
        expired=_is_expired(fields, now or datetime.now(UTC)),
    )


def _is_expired(fields: Mapping[str, str], now: datetime) -> bool:
    if "max-age" in fields:
        try:
            return int(fields["max-age"]) <= 0
        except ValueError:
            return False
    if "expires" in fields:
        try:
            expires = parsedate_to_datetime(fields["expires"])
        except (TypeError, ValueError):
            return False
        return (expires if expires.tzinfo else expires.replace(tzinfo=UTC)) <= now
    return False


def _default_path(url: str) -> str:
    path = urlsplit(url).path
    if not path.startswith("/") or path.count("/") == 1:
        return "/"
    return path[: path.rindex("/")]


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def cookies_set(exchanges: Sequence[Exchange]) -> list[SetCookie]:
    """The cookies ``exchanges`` left in the jar, in the order they were set: a later line for the same name, host
    and path replaces an earlier one, and a line that expires the cookie deletes it."""
    jar: dict[tuple[str, str, str], SetCookie] = {}
    for exchange in exchanges:
        for line in exchange.response_header_values("set-cookie"):
            cookie = parse_set_cookie(line, exchange.url)
            if cookie is None:
                continue
            key = (cookie.name, cookie.domain or cookie.host, cookie.path or _default_path(cookie.set_by))
            jar.pop(key, None)
            if not cookie.expired:
                jar[key] = cookie
    return list(jar.values())


def sent_cookie_names(exchange: Exchange) -> set[str]:
    """The names of the cookies a request's Cookie header carried."""
    header = exchange.cookie or ""
    return {pair.partition("=")[0].strip() for pair in header.split(";") if pair.strip()}


def is_cross_site(page_origin: str, url: str, *, schemeful: bool = True) -> bool:
    """Whether a request to ``url`` from a page at ``page_origin`` is cross-site (schemeful, as for SameSite, with the
    registrable domain from the Public Suffix List; ``schemeful=False`` compares the registrable domains only, as
    engines without schemeful same-site do); a page with an opaque origin is cross-site with every URL."""
    page, target = site_of(page_origin), site_of(url)
    if page is None or target is None:
        return True
    return page != target if schemeful else page[1] != target[1]


@dataclass(frozen=True)
class EngineCookiePolicy:
    """What one engine does where the cookie rules leave the choice to the browser, as measured by e2ekit."""

    label: str
    """The engine and the version measured, e.g. "Chromium 156"."""
    samesite_default: str
    """The SameSite a cookie without the attribute gets: "Lax" or "None"."""
    none_requires_secure: bool
    """Whether a SameSite=None cookie without Secure is rejected when it is set."""
    secure_on_loopback_http: bool
    """Whether http://localhost and http://127.0.0.1 count as secure for Secure cookies."""
    third_party_cookies: bool
    """Whether a cookie the target set (visited first-hand) goes with a request from a page on another site when its
    SameSite allows it."""
    third_party_policy: str = ""
    """Why third-party cookies stay off, in one clause, when they do."""
    schemeful_same_site: bool = True
    """Whether a page on http://app.example.com is cross-site with https://api.example.com for cookies (schemeful
    same-site), or same-site because the registrable domains match."""
    samesite_default_reason: str = ""


ENGINE_COOKIE_POLICIES: Mapping[str, EngineCookiePolicy] = {
    # Measured on Debian 12 with page http://localhost:P and API http://127.0.0.1:Q (cross-site) or
    # http://localhost:R (same-site); the cookie set in a top-level visit to the API's /login. The scenarios of
    # scenarios/cookies.toml and tests/explanations/test_cookie_caveats.py assert each row.
    "chromium": EngineCookiePolicy(
        label="Chromium 156",
        samesite_default="Lax",
        none_requires_secure=True,
        secure_on_loopback_http=True,
        # With the profile preference profile.cookie_controls_mode = 0 the same build sends a SameSite=None; Secure
        # cookie cross-site; by default it does not.
        third_party_cookies=False,
        third_party_policy="Chromium 156 blocks third-party cookies by default (its cookie controls), so a site's "
        "cookie never goes with a request from a page on another site",
    ),
    "firefox": EngineCookiePolicy(
        label="Firefox ESR 153.8",
        # With network.cookie.cookieBehavior = 0 it sends a cookie without SameSite cross-site: no Lax default.
        samesite_default="None",
        none_requires_secure=True,
        secure_on_loopback_http=True,
        third_party_cookies=False,
        # A page on http://app.example.test gets the cookie https://api.example.test set (Secure; SameSite=Lax):
        # network.cookie.sameSite.schemeful is off in this build.
        schemeful_same_site=False,
        third_party_policy="Firefox's Total Cookie Protection (network.cookie.cookieBehavior = 5, the default) keeps "
        "a jar of cookies per top-level site, so the cookie the API set when visited first-hand is not in the jar of "
        "requests from a page on another site",
    ),
    "webkit": EngineCookiePolicy(
        label="WebKitGTK 2.50.6",
        samesite_default="None",
        none_requires_secure=False,
        secure_on_loopback_http=False,
        # WebKitGTK lets a site the user visited first-hand receive its cookies in a third-party context; Safari
        # blocks all third-party cookies by default (Intelligent Tracking Prevention).
        third_party_cookies=True,
        # Like Firefox: the http page of a domain gets the Lax cookie its https API set.
        schemeful_same_site=False,
    ),
}
"""Each engine's measured cookie behaviour on loopback http, by engine name."""


def _is_secure(url: str, policy: EngineCookiePolicy) -> bool:
    scheme = urlsplit(url).scheme
    # Loopback http is potentially trustworthy (Secure Contexts); whether an engine lets Secure cookies use it is
    # the engine's choice.
    return scheme == "https" or (
        scheme == "http" and policy.secure_on_loopback_http and is_potentially_trustworthy(url)
    )


def why_not_sent(
    cookie: SetCookie, *, request_url: str, page_origin: str, credentials: str, policy: EngineCookiePolicy
) -> CaveatKind | None:
    """The first rule that keeps ``cookie`` off the request, in the order a browser applies them; None when every
    rule lets it go (then the engine did something e2ekit does not know)."""
    same_origin = page_origin != OPAQUE_ORIGIN and is_same_origin(page_origin, request_url)
    if credentials == "omit" or (credentials != "include" and not same_origin):
        return CaveatKind.COOKIE_CREDENTIALS_MODE
    if cookie.domain is not None and not cookie.domain_matches(cookie.host):
        return CaveatKind.COOKIE_DOMAIN_REJECTED
    parts = urlsplit(request_url)
    if not cookie.domain_matches(parts.hostname or ""):
        return CaveatKind.COOKIE_HOST_MISMATCH
    if not cookie.path_matches(parts.path or "/"):
        return CaveatKind.COOKIE_PATH_MISMATCH
    if cookie.secure and not (_is_secure(cookie.set_by, policy) and _is_secure(request_url, policy)):
        return CaveatKind.COOKIE_SECURE_OVER_HTTP
    if cookie.same_site == "None" and not cookie.secure and policy.none_requires_secure:
        return CaveatKind.COOKIE_NONE_WITHOUT_SECURE
    if not is_cross_site(page_origin, request_url, schemeful=policy.schemeful_same_site):
        return None
    if cookie.same_site in ("Lax", "Strict"):
        return CaveatKind.COOKIE_SAMESITE
    if cookie.same_site is None and policy.samesite_default != "None":
        return CaveatKind.COOKIE_SAMESITE_DEFAULT
    if not policy.third_party_cookies:
        return CaveatKind.COOKIE_THIRD_PARTY
    return None


def cookie_caveats(
    request: Exchange, earlier: Sequence[Exchange], *, page_origin: str, credentials: str, engine: str
) -> list[Caveat]:
    """A caveat for each cookie that ``earlier`` exchanges of the session set and ``request`` went without."""
    sent = sent_cookie_names(request)
    caveats = []
    for cookie in cookies_set(earlier):
        if cookie.name in sent:
            continue
        caveats.append(_cookie_caveat(cookie, request, page_origin=page_origin, credentials=credentials, engine=engine))
    return caveats


def _cookie_caveat(cookie: SetCookie, request: Exchange, *, page_origin: str, credentials: str, engine: str) -> Caveat:
    policy = ENGINE_COOKIE_POLICIES.get(engine)
    kind = (
        CaveatKind.COOKIE_NOT_SENT
        if policy is None
        else why_not_sent(
            cookie, request_url=request.url, page_origin=page_origin, credentials=credentials, policy=policy
        )
        or CaveatKind.COOKIE_NOT_SENT
    )
    sending = tuple(
        name
        for name, other in ENGINE_COOKIE_POLICIES.items()
        if name != engine
        and why_not_sent(
            cookie, request_url=request.url, page_origin=page_origin, credentials=credentials, policy=other
        )
        is None
    )
    facts = CaveatFacts(
        engine=engine,
        page_origin=page_origin,
        request_url=request.url,
        method=request.method,
        credentials=credentials,
        cookie=cookie,
        cross_site=is_cross_site(page_origin, request.url),
        sending_engines=sending,
    )
    return Caveat(kind, _detail(kind, cookie, request, facts, policy), facts)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _detail(
    kind: CaveatKind, cookie: SetCookie, request: Exchange, facts: CaveatFacts, policy: EngineCookiePolicy | None
) -> str:
    target = request.path + (f"?{request.query}" if request.query else "")
    head = (
        f"the {request.method} {target} request went without the cookie {cookie.name} ({cookie.attributes}) that "
        f"{cookie.set_by} set earlier"
    )
    page_host = "an opaque origin ('null')" if facts.page_origin == OPAQUE_ORIGIN else _host(facts.page_origin or "")
    sites = f"the page is on {page_host}, the request goes to {_host(request.url)}"
    if facts.cross_site and not is_cross_site(facts.page_origin or "", request.url, schemeful=False):
        scheme = urlsplit(request.url).scheme
        sites = (
            f"the page is on {facts.page_origin}, the request goes to {scheme}://{_host(request.url)}: the same domain "
            "over another scheme is another site (schemeful same-site)"
        )
    label = policy.label if policy is not None else facts.engine or "this engine"
    if kind is CaveatKind.COOKIE_CREDENTIALS_MODE:
        why = (
            f"its credentials mode is '{facts.credentials}', and a fetch() sends cookies to another origin only with "
            "credentials 'include'"
            if facts.credentials != "omit"
            else "its credentials mode is 'omit', which sends no cookies at all"
        )
    elif kind is CaveatKind.COOKIE_DOMAIN_REJECTED:
        why = (
            f"Domain={cookie.domain} does not cover {cookie.host}, the host that set it, so the browser rejected the "
            "cookie when it was set"
        )
    elif kind is CaveatKind.COOKIE_HOST_MISMATCH:
        where = f"Domain={cookie.domain}" if cookie.domain else f"the host {cookie.host}"
        why = (
            f"a cookie belongs to {where}, ports aside, and this request goes to {_host(request.url)}, another host "
            "(localhost and 127.0.0.1 are two hosts to a browser)"
        )
    elif kind is CaveatKind.COOKIE_PATH_MISMATCH:
        why = f"its Path={cookie.path} does not cover {request.path}"
    elif kind is CaveatKind.COOKIE_SECURE_OVER_HTTP:
        why = (
            f"it is Secure and {label} keeps Secure cookies for https only, even on localhost (Chromium and Firefox "
            "treat http://localhost and http://127.0.0.1 as secure)"
            if policy is not None and not policy.secure_on_loopback_http
            else "it is Secure, and plain http is not secure"
        )
    elif kind is CaveatKind.COOKIE_NONE_WITHOUT_SECURE:
        why = f"{label} rejects a SameSite=None cookie without Secure when it is set"
    elif kind is CaveatKind.COOKIE_SAMESITE:
        why = f"SameSite={cookie.same_site} keeps a cookie off a fetch() from a page on another site ({sites})"
    elif kind is CaveatKind.COOKIE_SAMESITE_DEFAULT:
        why = (
            f"{label} treats a cookie without SameSite as Lax, and a Lax cookie stays off a fetch() from a page on "
            f"another site ({sites})"
        )
    elif kind is CaveatKind.COOKIE_THIRD_PARTY:
        why = f"{policy.third_party_policy if policy else 'the engine blocks third-party cookies'} ({sites})"
    else:
        why = "e2ekit does not know why: every cookie rule it models lets the cookie go with this request"
    others = ""
    if facts.sending_engines:
        labels = [ENGINE_COOKIE_POLICIES[name].label for name in facts.sending_engines]
        others = f"; {' and '.join(labels)} {'sends' if len(labels) == 1 else 'send'} it"
    return f"{head}: {why}{others}"
