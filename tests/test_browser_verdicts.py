"""What a real browser decides for the classic CORS configurations, next to what a header-only test sees."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from e2ekit import SAME_ORIGIN, EngineWorker, Session, SiteRelation, Topology, Verdict
from tests.apps import SAMESITE_UNSET_SENT_CROSS_SITE, cors_app

WILDCARD_MESSAGES = {
    "chromium": "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' "
    "when the request's credentials mode is 'include'.",
    "firefox": "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at",
    "webkit": "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.",
}
"""Each engine's wording of the failure, where the engine's backend can report console messages."""


def test_wildcard_origin_with_credentials_is_blocked_although_the_header_only_check_passes(
    e2e_session: Session, browser_name: str
) -> None:
    app = cors_app(allow_origins=["*"])

    # The test a typical suite writes: the CORS header is there, so it passes.
    page, _ = e2e_session.origins()
    response = TestClient(app, cookies={"sid": "abc123"}).get("/api", headers={"Origin": str(page)})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"

    # What the browser does with the same response when the page sends credentials.
    result = e2e_session.fetch(app, "/api", credentials="include")

    assert result.verdict is Verdict.BLOCKED
    assert result.relation is SiteRelation.CROSS_SITE
    assert result.reached_app
    assert result.requests[0].status == 200
    assert result.requests[0].response_header("access-control-allow-origin") == "*"
    if result.engine.console_capture:
        assert WILDCARD_MESSAGES[browser_name] in result.console_text
    else:  # e.g. WebKitGTK through WebDriver: no BiDi, so no console; unknown, not "no message"
        assert result.console is None


def test_exact_origin_with_credentials_is_allowed_and_a_samesite_unset_cookie_arrives_cross_site_only_in_webkit(
    e2e_session: Session, browser_name: str
) -> None:
    same_site_page, same_site_target = e2e_session.origins("http://localhost", "http://localhost")
    cross_site_page, cross_site_target = e2e_session.origins("http://localhost", "http://127.0.0.1")
    assert same_site_page == cross_site_page
    app = cors_app(allow_origins=[str(same_site_page)], allow_credentials=True)

    e2e_session.visit(app, "/login", target_origin=str(same_site_target))
    e2e_session.visit(app, "/login", target_origin=str(cross_site_target))
    same_site = e2e_session.fetch(
        app, "/api", page_origin=str(same_site_page), target_origin=str(same_site_target), credentials="include"
    )
    cross_site = e2e_session.fetch(
        app, "/api", page_origin=str(cross_site_page), target_origin=str(cross_site_target), credentials="include"
    )

    assert same_site.relation is SiteRelation.SAME_SITE
    assert same_site.allowed
    assert same_site.cookie_sent
    assert same_site.requests[0].cookie == "sid=abc123"
    assert same_site.requests[0].response_header("access-control-allow-credentials") == "true"
    assert cross_site.relation is SiteRelation.CROSS_SITE
    assert cross_site.allowed
    assert cross_site.cookie_sent is SAMESITE_UNSET_SENT_CROSS_SITE[browser_name]
    assert cross_site.requests[0].cookie == ("sid=abc123" if SAMESITE_UNSET_SENT_CROSS_SITE[browser_name] else None)
    assert cross_site.requests[0].response_header("access-control-allow-credentials") == "true"
    assert cross_site.header("content-type") == "application/json"


def test_put_with_json_against_the_default_allow_methods_fails_its_preflight_and_never_reaches_the_app(
    e2e_session: Session,
) -> None:
    app = cors_app(allow_origins=["*"])

    result = e2e_session.fetch(
        app, "/api", method="PUT", headers={"Content-Type": "application/json"}, body='{"name": "x"}'
    )

    assert result.verdict is Verdict.BLOCKED
    assert result.preflight is not None
    assert result.preflight.status == 400
    assert result.preflight.response_body == "Disallowed CORS method"
    assert result.preflight.request_header("access-control-request-method") == "PUT"
    assert result.preflight.request_header("access-control-request-headers") == "content-type"
    assert not result.reached_app
    assert [exchange.method for exchange in result.exchanges] == ["OPTIONS"]


def test_without_cors_middleware_a_cross_origin_get_is_blocked_after_reaching_the_app_and_a_same_origin_get_is_allowed(
    e2e_session: Session,
) -> None:
    app = cors_app()

    cross_origin = e2e_session.fetch(app, "/api")
    same_origin = e2e_session.fetch(app, "/api", target_origin=SAME_ORIGIN)

    assert cross_origin.verdict is Verdict.BLOCKED
    assert cross_origin.reached_app
    assert cross_origin.requests[0].status == 200
    assert cross_origin.requests[0].response_header("access-control-allow-origin") is None
    assert cross_origin.status is None
    assert same_origin.verdict is Verdict.ALLOWED
    assert same_origin.relation is SiteRelation.SAME_ORIGIN
    assert same_origin.status == 200
    assert same_origin.response_type == "basic"
    assert same_origin.body == '{"method":"GET","cookie":null}'


def test_an_allow_list_naming_localhost_3000_allows_a_page_served_at_exactly_that_origin(
    e2e_engine: EngineWorker,
) -> None:
    app = cors_app(allow_origins=["http://localhost:3000"])

    # A topology of its own frees port 3000 when the test ends (the run's topology keeps its servers to the end).
    with Topology() as topology, Session(e2e_engine, topology) as session:
        result = session.fetch(app, "/api", page_origin="http://localhost:3000")

    assert result.verdict is Verdict.ALLOWED
    assert result.page_origin == "http://localhost:3000"
    assert result.requests[0].origin == "http://localhost:3000"
    assert result.header("content-type") == "application/json"


def test_an_endpoint_that_raises_shows_the_500_it_sent_and_the_kit_keeps_running(e2e_session: Session) -> None:
    def fail(request: Request) -> Response:
        raise RuntimeError("database is down")

    app = Starlette(
        routes=[Route("/api", fail), Route("/ok", lambda request: Response("fine"))],
        middleware=[Middleware(CORSMiddleware, allow_origins=["*"])],
    )

    failed = e2e_session.fetch(app, "/api")
    after = e2e_session.fetch(app, "/ok")

    assert failed.verdict is Verdict.BLOCKED
    assert failed.requests[0].status == 500
    assert failed.requests[0].error == "RuntimeError: database is down"
    # Starlette's ServerErrorMiddleware answers outside CORSMiddleware, so the 500 carries no CORS header.
    assert failed.requests[0].response_header("access-control-allow-origin") is None
    assert after.verdict is Verdict.ALLOWED
    assert after.body == "fine"


def test_a_trailing_slash_redirect_is_followed_and_both_hops_are_attributed_to_the_probe(e2e_session: Session) -> None:
    app = Starlette(
        routes=[Route("/items/", lambda request: Response("items"))],
        middleware=[Middleware(CORSMiddleware, allow_origins=["*"])],
    )

    result = e2e_session.fetch(app, "/items?page=2")

    assert [(exchange.method, exchange.path, exchange.query, exchange.status) for exchange in result.exchanges] == [
        ("GET", "/items", "page=2", 307),
        ("GET", "/items/", "page=2", 200),
    ]
    assert result.exchanges[0].response_header("location") is not None
    assert result.verdict is Verdict.ALLOWED
    assert result.body == "items"


def test_the_app_can_be_named_by_import_string(e2e_session: Session) -> None:
    allowed = e2e_session.fetch("tests.apps:wildcard_app", "/api")
    blocked = e2e_session.fetch("tests.apps:wildcard_app", "/api", credentials="include")

    assert (allowed.verdict, blocked.verdict) == (Verdict.ALLOWED, Verdict.BLOCKED)
    assert allowed.body == '{"method":"GET","cookie":null}'
