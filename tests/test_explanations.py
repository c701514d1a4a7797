"""Every browser result carries the Fetch-standard explanation: the failing check, each engine's wording, the fix."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from e2ekit import Session, Verdict
from e2ekit._serving.asgi import Receive, Scope, Send
from e2ekit._standard import known_deviation
from e2ekit._wordings import render
from tests.apps import cors_app


def test_the_wildcard_explanation_agrees_with_the_engine_and_renders_its_console_message_exactly(
    e2e_session: Session, browser_name: str
) -> None:
    result = e2e_session.fetch(cors_app(allow_origins=["*"]), "/api", credentials="include")

    explanation = result.explanation
    assert explanation is not None
    assert (explanation.allowed, explanation.agrees) == (False, True)
    assert explanation.check == "cors-check.wildcard-with-credentials"
    # The app's CORSMiddleware does not allow credentials either: the fix names both changes it needs.
    assert explanation.fix == (
        f"list the page origin ('{result.page_origin}') instead of '*' in allow_origins and set "
        "allow_credentials=True when credentials are included"
    )
    assert sorted(explanation.messages) == ["chromium", "firefox", "webkit"]
    if result.console is not None:
        assert explanation.messages[browser_name] in result.console


def test_a_refused_put_preflight_is_explained_with_the_method_to_add(e2e_session: Session) -> None:
    app = cors_app(allow_origins=["*"])

    result = e2e_session.fetch(app, "/api", method="PUT", headers={"Content-Type": "application/json"}, body="{}")

    assert result.explanation is not None
    assert result.explanation.check == "preflight.status-not-ok"
    assert result.explanation.detail == "the preflight response's status was 400, not an ok status (200-299)"
    assert result.explanation.fix == "add 'PUT' to allow_methods"
    assert result.explanation.agrees


def test_a_500_from_an_exception_outside_cors_is_explained_with_the_exception(e2e_session: Session) -> None:
    def fail(request: Request) -> Response:
        raise ValueError("boom")

    app = Starlette(routes=[Route("/api", fail)], middleware=[Middleware(CORSMiddleware, allow_origins=["*"])])

    result = e2e_session.fetch(app, "/api")

    assert result.explanation is not None
    assert result.explanation.check == "cors-check.missing-allow-origin"
    assert result.explanation.fix == (
        "the 500 came from an exception raised outside CORSMiddleware (ValueError: boom): handle it or put "
        "CORSMiddleware outermost"
    )
    assert result.explanation.agrees


def test_an_allowed_request_has_no_failing_check_and_no_fix(e2e_session: Session) -> None:
    result = e2e_session.fetch(cors_app(allow_origins=["*"]), "/api")

    assert result.explanation is not None
    assert (result.explanation.allowed, result.explanation.check, result.explanation.fix) == (True, None, None)
    assert result.explanation.messages == {}


def test_an_engine_that_lets_a_wildcard_cover_authorization_is_named_as_departing_from_the_standard(
    e2e_session: Session, browser_name: str
) -> None:
    async def wildcard_everything(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-allow-headers", b"*"),
            (b"access-control-allow-methods", b"*"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    result = e2e_session.fetch(wildcard_everything, "/api", headers={"Authorization": "Bearer x"})

    assert result.preflight is not None
    assert result.allowed
    assert result.explanation is not None
    assert result.explanation.allowed is False
    assert result.explanation.check == "preflight.authorization-not-covered-by-wildcard"
    assert result.explanation.agrees is False
    assert result.explanation.engine_behaviour == known_deviation(result.explanation.check, browser_name)
    assert f"  note: the Fetch standard predicts BLOCKED: {result.explanation.engine_behaviour}" in str(result)


@pytest.mark.parametrize("redirected", [pytest.param(False, id="direct"), pytest.param(True, id="redirected")])
def test_an_engine_that_blocks_http_on_loopback_from_an_https_page_is_named_by_its_mixed_content_rule(
    e2e_session: Session, browser_name: str, redirected: bool
) -> None:
    # http on a loopback host is potentially trustworthy, so the standard lets an https page fetch it; an engine
    # with a known stricter rule (ENGINE_DEVIATIONS) blocks it as mixed content before sending it, also when an
    # https response redirects there.
    page, api = e2e_session.origins("https://localhost", "http://127.0.0.1")
    secure = e2e_session.origins("https://localhost", "https://127.0.0.1")[1]
    routes = [
        Route("/api", lambda request: RedirectResponse(f"{api}/data")),
        Route("/data", lambda request: PlainTextResponse("ok")),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(CORSMiddleware, allow_origins=["*"])])
    path, target = ("/api", secure) if redirected else ("/data", api)
    result = e2e_session.fetch(app, path, page_origin=page, target_origin=target)
    refused = f"{api}/data"
    deviation = known_deviation("request.mixed-content", browser_name)

    assert result.explanation is not None
    if deviation is None:
        assert (result.verdict, result.body, result.explanation.agrees) == (Verdict.ALLOWED, "ok", True)
        assert result.requests[-1].url == refused
        return
    assert result.verdict is Verdict.BLOCKED
    assert [exchange.url for exchange in result.exchanges] == ([f"{secure}/api"] if redirected else [])
    assert (result.explanation.allowed, result.explanation.check, result.explanation.agrees) == (True, None, False)
    assert result.explanation.detail == (
        f"nothing reached the server for '{refused}', http on a loopback host, which the Fetch standard lets an "
        "https page fetch (a loopback host is potentially trustworthy, so the request is not mixed content)"
    )
    assert result.explanation.engine_behaviour == deviation
    assert result.explanation.messages == {
        browser_name: render("request.mixed-content", browser_name, url=refused, origin=str(page))
    }
    assert f"  note: the Fetch standard predicts ALLOWED: {deviation}" in str(result).splitlines()
