"""The audit in every engine, against real CORS middleware: what a browser lets a hostile origin read is a finding,
what it blocks is none, and what the kit cannot try is skipped.

Whether the session cookie went with a credentialed request is read from e2ekit's table of measured engine cookie
behaviour (ENGINE_COOKIE_POLICIES): for a page over https. For a page over http on the target's site the table is
schemeful (http://app.example.com and https://api.example.com are two sites), which Chromium and WebKitGTK follow
but Firefox ESR 153 does not (it sends a SameSite-less cookie there), so those pages' cookies are not asserted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from e2ekit import AuditResult, Finding, Severity
from e2ekit._audit.attempts import AttemptKind
from e2ekit._audit.findings import Difference
from e2ekit._audit.hostile import SERVING_CAVEATS
from e2ekit._standard import ENGINE_COOKIE_POLICIES, parse_set_cookie, why_not_sent
from tests.apps import cors_app
from tests.serving.upstream_servers import running_server

pytestmark = pytest.mark.e2e

Audit = Callable[..., AuditResult]
APP_ORIGIN = "https://app.example.com"
TARGET = "https://api.example.com"
LOGIN_COOKIE = "sid=abc123; Path=/"
"""What tests.apps.login sets: no SameSite attribute."""
UNSERVABLE = "no page can be served on it: " + SERVING_CAVEATS["special-characters-extended"]
NO_CERTIFICATE = "the kit's certificate authority cannot issue a certificate for this host name"


def cookie_sent(engine: str, page: str) -> bool:
    """Whether the measured cookie table says ``engine`` sends the login cookie from ``page`` to the target."""
    cookie = parse_set_cookie(LOGIN_COOKIE, f"{TARGET}/login")
    assert cookie is not None
    reason = why_not_sent(
        cookie,
        request_url=f"{TARGET}/api",
        page_origin=page,
        credentials="include",
        policy=ENGINE_COOKIE_POLICIES[engine],
    )
    return reason is None


def tried(result: AuditResult) -> list[str]:
    """The hostile origins that every engine of the run tried."""
    skipped = {case.origin for case in result.skipped}
    return [hostile.origin for hostile in result.hostile if hostile.origin not in skipped]


def findings(result: AuditResult, severity: Severity, kind: AttemptKind | None = None) -> list[Finding]:
    return [f for f in result.findings if f.severity is severity and (kind is None or f.kind is kind)]


def skipped_reasons(result: AuditResult) -> dict[str, str]:
    return {case.origin: case.reason for case in result.skipped}


def expected_skips(result: AuditResult) -> dict[str, str]:
    """The kit cannot serve the special characters: a host with '_' gets no certificate, the others do not parse."""
    return {
        hostile.origin: NO_CERTIFICATE if hostile.category == "special-characters" else UNSERVABLE
        for hostile in result.hostile
        if hostile.category in ("special-characters", "special-characters-extended")
    }


def test_a_wildcard_with_credentials_lets_every_hostile_origin_read_credentialed_responses(
    e2e_audit: Audit, browser_name: str
) -> None:
    app = cors_app(allow_origins=["*"], allow_credentials=True)

    result = e2e_audit(app, [APP_ORIGIN], paths=["/api"], visits=["/login"])

    assert result.target == TARGET
    assert result.framework == "Starlette CORSMiddleware"
    assert skipped_reasons(result) == expected_skips(result)
    critical = findings(result, Severity.CRITICAL)
    assert [f.origin for f in critical] == tried(result)
    assert {f.kind for f in critical} == {AttemptKind.CREDENTIALED_READ}
    assert result.findings == tuple(critical)  # the reads without credentials are subsumed; no difference
    assert all(f.allowed_in == (browser_name,) and f.blocked_in == () for f in critical)
    https_pages = [f for f in critical if f.origin.startswith("https://")]
    assert [f.origin for f in https_pages if f.cookie_sent_in] == [
        f.origin for f in https_pages if cookie_sent(browser_name, f.origin)
    ]
    evil = critical[0]
    assert (evil.origin, evil.category) == ("https://evil.example", "arbitrary-origin")
    assert evil.request == "GET /api, credentials include"
    assert evil.target_url == f"{TARGET}/api"
    assert evil.response_headers == (
        ("access-control-allow-origin", "https://evil.example"),
        ("access-control-allow-credentials", "true"),
    )
    assert evil.header_view is not None and evil.header_view.reports_credentialed_read
    assert evil.fix == (
        "list the allowed origins exactly in allow_origins instead of '*': ['https://app.example.com'] ('*' with "
        "allow_credentials=True makes Starlette CORSMiddleware answer every origin by name)"
    )


def test_an_unescaped_dot_in_allow_origin_regex_lets_the_origins_crafted_for_it_read_and_no_other(
    e2e_audit: Audit, browser_name: str
) -> None:
    pattern = r"https://app.example.com"
    app = cors_app(allow_origin_regex=pattern, allow_credentials=True)

    # The origins a pattern for the host could let through by mistake; the exact-origin test below has the rest.
    categories = ["arbitrary-origin", "prefix-match", "suffix-match", "unescaped-dot", "regex-crafted"]

    result = e2e_audit(app, [APP_ORIGIN], paths=["/api"], categories=categories)

    crafted = [h.origin for h in result.hostile if h.category == "regex-crafted"]
    assert crafted == ["https://appxexample.com", "https://app.examplexcom", "https://appxexamplexcom"]
    assert [h for h in tried(result) if re.fullmatch(pattern, h)] == crafted  # what CORSMiddleware fullmatches
    critical = findings(result, Severity.CRITICAL)
    # The preflighted read is refused: allow_headers does not list X-Requested-With.
    assert [(f.origin, f.kind, f.allowed_in) for f in critical] == [
        (origin, AttemptKind.CREDENTIALED_READ, (browser_name,)) for origin in crafted
    ]
    assert result.findings == tuple(critical)
    assert critical[0].why == "an unescaped dot: '.' in 'https://app.example.com' matches any character, not only a dot"
    assert critical[0].fix == (
        "anchor and escape allow_origin_regex: 'https://app.example.com' also matches 'https://appxexample.com'; "
        r"use r'^https://app\.example\.com$'"
    )


def test_null_in_the_allow_list_lets_a_sandboxed_page_read_credentialed_responses_and_nothing_else(
    e2e_audit: Audit, browser_name: str
) -> None:
    app = cors_app(allow_origins=[APP_ORIGIN, "null"], allow_credentials=True)
    # The other hostile origins against the exact list are the next test's: here, those an http or port slip and
    # an unrelated site would show.
    categories = ["arbitrary-origin", "null", "http-origin", "other-port"]

    result = e2e_audit(app, [APP_ORIGIN], paths=["/api"], visits=["/login"], categories=categories)

    [null] = result.findings
    assert (null.severity, null.origin, null.category, null.kind) == (
        Severity.CRITICAL,
        "null",
        "null",
        AttemptKind.CREDENTIALED_READ,
    )
    assert null.allowed_in == (browser_name,)
    assert null.cookie_sent_in == ((browser_name,) if cookie_sent(browser_name, "null") else ())
    assert null.response_headers == (  # in wire order: CORSMiddleware adds the origin it allows last
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-origin", "null"),
    )
    assert null.summary == "a sandboxed page (origin null) read a response to a request made with the user's cookies"
    assert null.fix == (
        "remove 'null' from allow_origins: any page can get the origin null (a sandboxed iframe, a data: URL), so "
        "it never identifies your page"
    )
    assert tried(result) == ["https://evil.example", "null", "http://app.example.com", "https://app.example.com:8443"]


def test_an_exact_origin_policy_gives_no_finding_for_any_hostile_origin_or_request(
    e2e_audit: Audit, browser_name: str
) -> None:
    app = cors_app(
        allow_origins=[APP_ORIGIN],
        allow_credentials=True,
        allow_methods=["GET", "POST"],
        allow_headers=["X-Requested-With", "Content-Type"],
    )

    result = e2e_audit(app, [APP_ORIGIN], paths=["/api"], methods=["POST"], visits=["/login"])

    assert result.findings == ()
    assert skipped_reasons(result) == expected_skips(result)
    [engine] = result.engines
    assert (engine.engine, engine.tried) == (browser_name, 4 * len(tried(result)))


def test_a_wildcard_without_credentials_lets_every_hostile_origin_read_only_without_credentials(
    e2e_audit: Audit, browser_name: str
) -> None:
    app = cors_app(allow_origins=["*"])
    # '*' answers every origin alike: a cross-site, an opaque, a same-site and an http page stand for them all.
    categories = ["arbitrary-origin", "null", "sibling-subdomain", "http-origin"]

    result = e2e_audit(app, [APP_ORIGIN], paths=["/api"], visits=["/login"], categories=categories)

    assert tried(result) == ["https://evil.example", "null", "http://app.example.com", "https://evil.example.com"]
    assert [(f.severity, f.origin, f.kind) for f in result.findings] == [
        (Severity.INFORMATIONAL, origin, AttemptKind.UNCREDENTIALED_READ) for origin in tried(result)
    ]
    evil = result.findings[0]
    assert evil.response_headers == (("access-control-allow-origin", "*"),)
    assert evil.cookie_sent_in == ()
    assert evil.fix == (
        "list the allowed origins exactly in allow_origins instead of '*': ['https://app.example.com'] (keep '*' "
        "only for responses that are public)"
    )


def test_private_data_makes_a_read_without_credentials_critical(e2e_audit: Audit, browser_name: str) -> None:
    app = cors_app(allow_origins=["*"])

    result = e2e_audit(app, [APP_ORIGIN], paths=["/api"], private=True, categories=["arbitrary-origin"])

    [finding] = result.findings
    assert (finding.severity, finding.origin, finding.kind) == (
        Severity.CRITICAL,
        "https://evil.example",
        AttemptKind.UNCREDENTIALED_READ,
    )
    assert finding.summary == (
        "a page on https://evil.example read a response to a request made without credentials; the app's data is "
        "private, protected only by network position"
    )


@pytest.fixture
def django_regexes() -> Iterator[Callable[..., Any]]:
    pytest.importorskip("corsheaders")
    from django.test import override_settings

    from tests.frameworks import django_project

    overrides: list[Any] = []

    def configure(**settings: Any) -> Any:
        override = override_settings(**settings)
        override.enable()
        overrides.append(override)
        return django_project.application

    yield configure
    for override in overrides:
        override.disable()


def test_a_django_cors_headers_regex_without_an_end_anchor_lets_origins_that_start_with_the_allowed_one_read(
    e2e_audit: Audit, browser_name: str, django_regexes: Callable[..., Any]
) -> None:
    pattern = r"^https://app\.example\.com"
    app = django_regexes(CORS_ALLOWED_ORIGIN_REGEXES=[pattern], CORS_ALLOW_CREDENTIALS=True)

    result = e2e_audit(app, [APP_ORIGIN], paths=["/api/me"], categories=["arbitrary-origin", "regex-crafted"])

    assert result.framework == "django-cors-headers"
    assert skipped_reasons(result) == {
        "https://app.example.com_.evil.example": NO_CERTIFICATE,
        "https://app.example.com._.evil.example": NO_CERTIFICATE,
    }
    matched = [origin for origin in tried(result) if re.match(pattern, origin)]  # what corsheaders does
    assert matched == [
        "https://app.example.com:8443",
        "https://app.example.com.evil.example",
        "https://app.example.comevil.example",
    ]
    # django-cors-headers' default CORS_ALLOW_HEADERS lists x-requested-with: the preflighted read passes too.
    assert [(f.severity, f.origin, f.category, f.kind) for f in result.findings] == [
        (Severity.CRITICAL, origin, "regex-crafted", kind)
        for origin in matched
        for kind in (AttemptKind.CREDENTIALED_READ, AttemptKind.PREFLIGHTED_READ)
    ]
    assert all(f.cookie_sent_in == () for f in result.findings)  # no visit: no cookie to send
    preflighted = result.findings[1]
    assert preflighted.response_headers == (
        ("preflight access-control-allow-origin", "https://app.example.com:8443"),
        ("preflight access-control-allow-credentials", "true"),
        (
            "preflight access-control-allow-headers",
            "accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with",
        ),
        ("preflight access-control-allow-methods", "DELETE, GET, OPTIONS, PATCH, POST, PUT"),
        ("access-control-allow-origin", "https://app.example.com:8443"),
        ("access-control-allow-credentials", "true"),
    )
    assert result.findings[2].fix == (
        r"anchor and escape CORS_ALLOWED_ORIGIN_REGEXES: '^https://app\.example\.com' also matches "
        r"'https://app.example.com.evil.example'; use r'^https://app\.example\.com$'"
    )


def echo_origin(*, when: Callable[[Request], bool] = lambda request: True) -> Starlette:
    """An app that writes its CORS headers by hand, echoing any Origin with credentials allowed (``when`` says)."""

    async def me(request: Request) -> Response:
        origin = request.headers.get("origin")
        cors = {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true"}
        return JSONResponse({"user": "ada"}, headers=cors if origin and when(request) else {})

    return Starlette(routes=[Route("/api/me", me)])


def test_a_running_server_that_echoes_the_origin_is_critical_with_the_fix_in_response_headers(
    e2e_audit: Audit, browser_name: str
) -> None:
    with running_server(echo_origin()) as url:
        result = e2e_audit(url, [APP_ORIGIN], paths=["/api/me"], categories=["arbitrary-origin", "null"])

    assert result.framework == "response headers"
    assert [(f.severity, f.origin, f.kind, f.allowed_in) for f in result.findings] == [
        (Severity.CRITICAL, "https://evil.example", AttemptKind.CREDENTIALED_READ, (browser_name,)),
        (Severity.CRITICAL, "null", AttemptKind.CREDENTIALED_READ, (browser_name,)),
    ]
    assert [f.fix for f in result.findings] == [
        "send 'Access-Control-Allow-Origin' only when the request's Origin is exactly one of the allowed origins "
        "(https://app.example.com), never echoing it otherwise: the server answered 'https://evil.example' by name",
        "never send 'Access-Control-Allow-Origin: null': any page can get the origin null (a sandboxed iframe, a "
        "data: URL), so it never identifies your page",
    ]


def test_a_wildcard_with_credentials_written_by_hand_is_a_finding_of_header_only_scanners_that_no_browser_honours(
    e2e_audit: Audit, browser_name: str
) -> None:
    async def me(request: Request) -> Response:
        cors = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true"}
        return JSONResponse({"user": "ada"}, headers=cors)

    app = Starlette(routes=[Route("/api/me", me)])

    result = e2e_audit(app, [APP_ORIGIN], paths=["/api/me"], categories=["arbitrary-origin"])

    assert [(f.severity, f.kind, f.difference) for f in result.findings] == [
        (Severity.INFORMATIONAL, AttemptKind.UNCREDENTIALED_READ, None),
        (Severity.DIFFERENCE, AttemptKind.CREDENTIALED_READ, Difference.SCANNER_ONLY),
    ]
    scanner_only = result.findings[1]
    assert (scanner_only.allowed_in, scanner_only.blocked_in, scanner_only.fix) == ((), (browser_name,), None)
    assert scanner_only.summary == (
        "a header-only scanner reports that a page on https://evil.example can make a credentialed read; no browser "
        f"let it read the response (blocked in {browser_name})"
    )


def test_a_server_that_answers_browsers_only_is_a_finding_that_header_only_scanners_miss(
    e2e_audit: Audit, browser_name: str
) -> None:
    # A filter on User-Agent, as web application firewalls and bot rules have: the scanner is no browser.
    app = echo_origin(when=lambda request: "Mozilla/" in request.headers.get("user-agent", ""))

    result = e2e_audit(app, [APP_ORIGIN], paths=["/api/me"], categories=["arbitrary-origin"])

    assert [(f.severity, f.kind, f.difference) for f in result.findings] == [
        (Severity.CRITICAL, AttemptKind.CREDENTIALED_READ, None),
        (Severity.DIFFERENCE, AttemptKind.CREDENTIALED_READ, Difference.BROWSER_ONLY),
        (Severity.DIFFERENCE, AttemptKind.UNCREDENTIALED_READ, Difference.BROWSER_ONLY),
    ]
    browser_only = result.findings[1]
    assert browser_only.header_view is not None
    assert browser_only.header_view.describe(AttemptKind.CREDENTIALED_READ) == (
        "header-only: does not report a credentialed read (status 200, no access-control-allow-origin)"
    )


def test_an_https_hostile_page_against_an_http_target_is_skipped_as_mixed_content_never_called_safe(
    e2e_audit: Audit, browser_name: str
) -> None:
    app = cors_app(allow_origins=[APP_ORIGIN], allow_credentials=True)

    result = e2e_audit(
        app, [APP_ORIGIN], target_origin="http://api.example.com", paths=["/api"], categories=["arbitrary-origin"]
    )

    assert result.findings == ()
    [skipped] = result.skipped
    assert (skipped.origin, skipped.engines, len(skipped.requests)) == ("https://evil.example", (browser_name,), 3)
    assert skipped.reason == (
        "mixed content: the browser does not let an https page fetch an http target; audit an https target"
    )
    assert result.engines[0].tried == 0


def test_a_pattern_that_accepts_any_port_lets_a_page_on_another_port_read_and_no_bad_port_is_tried(
    e2e_audit: Audit, browser_name: str
) -> None:
    # Crafting from \d+ could give port 1, on the Fetch standard's list of bad ports: no browser loads a page there,
    # so the generator never offers it (a page that cannot exist is neither a finding nor a safe case).
    app = cors_app(allow_origin_regex=r"http://localhost:\d+")

    result = e2e_audit(app, ["http://localhost:3000"], paths=["/api"], categories=["regex-crafted"])

    assert [h.origin for h in result.hostile] == ["http://localhost:3001"]
    assert [(f.severity, f.origin) for f in result.findings] == [(Severity.INFORMATIONAL, "http://localhost:3001")]
    assert result.skipped == ()


def test_a_state_changing_request_the_user_names_is_critical_when_a_hostile_origin_can_send_it_and_read_the_answer(
    e2e_audit: Audit, browser_name: str
) -> None:
    app = cors_app(allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])

    result = e2e_audit(
        app, [APP_ORIGIN], paths=["/api"], methods=["PUT"], visits=["/login"], categories=["sibling-subdomain"]
    )

    assert [(f.severity, f.origin, f.kind, f.request) for f in result.findings] == [
        (Severity.CRITICAL, "https://evil.example.com", AttemptKind.CREDENTIALED_READ, "GET /api, credentials include"),
        (
            Severity.CRITICAL,
            "https://evil.example.com",
            AttemptKind.PREFLIGHTED_READ,
            "GET /api, credentials include, X-Requested-With: XMLHttpRequest",
        ),
        (
            Severity.CRITICAL,
            "https://evil.example.com",
            AttemptKind.STATE_CHANGE,
            "PUT /api, credentials include, Content-Type: application/json",
        ),
    ]
    put = result.findings[2]
    assert put.summary == (
        "a page on https://evil.example.com sent a state-changing request with the user's cookies and read the response"
    )
    # A sibling subdomain is the target's own site: the login cookie goes with it in every engine (SameSite).
    assert put.cookie_sent_in == ((browser_name,) if cookie_sent(browser_name, "https://evil.example.com") else ())
    assert put.verdicts[0].status == 200
