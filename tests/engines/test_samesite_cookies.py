"""A cookie set without a SameSite attribute: which engines send it with a credentialed cross-site fetch.

The classic "works in Safari, fails in Chrome" report. Measured on Debian 12 (Chromium 156, Firefox ESR 153,
WebKitGTK 2.50): Chromium treats a missing SameSite as Lax, so a cross-site fetch() goes without the cookie; Firefox
does not send it either; WebKit treats a missing SameSite as None and sends it.
"""

from __future__ import annotations

import pytest

from e2ekit import Session, SiteRelation
from tests.apps import SAMESITE_UNSET_SENT_CROSS_SITE, cors_app

pytestmark = pytest.mark.e2e


def test_a_cookie_without_samesite_goes_cross_site_only_in_webkit_and_same_site_in_every_engine(
    e2e_session: Session, browser_name: str
) -> None:
    page, cross_site_target = e2e_session.origins("http://localhost", "http://127.0.0.1")
    _, same_site_target = e2e_session.origins("http://localhost", "http://localhost")
    app = cors_app(allow_origins=[str(page)], allow_credentials=True)

    [cross_site_login] = e2e_session.visit(app, "/login", target_origin=str(cross_site_target))
    cross_site = e2e_session.fetch(
        app, "/api", page_origin=str(page), target_origin=str(cross_site_target), credentials="include"
    )
    e2e_session.visit(app, "/login", target_origin=str(same_site_target))
    same_site = e2e_session.fetch(
        app, "/api", page_origin=str(page), target_origin=str(same_site_target), credentials="include"
    )

    assert cross_site_login.response_header("set-cookie") == "sid=abc123; Path=/"
    assert cross_site.relation is SiteRelation.CROSS_SITE
    assert cross_site.allowed
    assert cross_site.cookie_sent is SAMESITE_UNSET_SENT_CROSS_SITE[browser_name]
    assert cross_site.requests[0].cookie == ("sid=abc123" if SAMESITE_UNSET_SENT_CROSS_SITE[browser_name] else None)
    assert same_site.relation is SiteRelation.SAME_SITE
    assert same_site.allowed
    assert same_site.requests[0].cookie == "sid=abc123"


def test_a_lax_cookie_goes_from_an_http_page_to_an_https_api_of_the_same_domain_only_where_same_site_is_schemeless(
    e2e_session: Session, browser_name: str
) -> None:
    # The row of ENGINE_COOKIE_POLICIES under test is schemeful_same_site: http://app.example.test and
    # https://api.example.test share a registrable domain but not a scheme.
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from e2ekit._standard.cookies import ENGINE_COOKIE_POLICIES, SetCookie, why_not_sent

    def login(request: Request) -> PlainTextResponse:
        return PlainTextResponse("in", headers={"set-cookie": "sid=lax1; Path=/; Secure; SameSite=Lax"})

    def api(request: Request) -> PlainTextResponse:
        return PlainTextResponse(request.cookies.get("sid", "-"))

    page, target = "http://app.example.test", "https://api.example.test"
    app = Starlette(
        routes=[Route("/login", login), Route("/api", api)],
        middleware=[Middleware(CORSMiddleware, allow_origins=[page], allow_credentials=True)],
    )
    policy = ENGINE_COOKIE_POLICIES[browser_name]
    cookie = SetCookie(name="sid", value="lax1", set_by=f"{target}/login", path="/", secure=True, same_site="Lax")
    expected_sent = (
        why_not_sent(cookie, request_url=f"{target}/api", page_origin=page, credentials="include", policy=policy)
        is None
    )

    e2e_session.visit(app, "/login", target_origin=target)
    result = e2e_session.fetch(app, "/api", page_origin=page, target_origin=target, credentials="include")

    assert result.allowed
    assert expected_sent is not policy.schemeful_same_site
    assert result.cookie_sent is expected_sent
    assert result.body == ("lax1" if expected_sent else "-")
    assert [c.kind for c in result.explanation.caveats if c.kind.startswith("cookie.")] == (
        [] if expected_sent else ["cookie.samesite"]
    )
