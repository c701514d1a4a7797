"""A cookie the target set earlier that did not go with a credentialed fetch: every cause that loopback http can
produce, in every engine, each result naming the rule that engine applied (ENGINE_COOKIE_POLICIES, measured) and the
fix. Where engines differ, the expectation is per engine, with the reason."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from e2ekit import Session

pytestmark = pytest.mark.e2e


async def login(request: Request) -> Response:
    response = PlainTextResponse("logged in")
    response.headers.append("set-cookie", request.query_params["cookie"])
    return response


async def me(request: Request) -> Response:
    if "sid" not in request.cookies:
        return JSONResponse({"detail": "Not authenticated"}, status_code=401)
    return JSONResponse({"user": "ada"})


def session_api(page: str) -> Starlette:
    """An API behind a session cookie: /login sets the cookie it is given, /api/me answers 401 without it."""
    cors = Middleware(CORSMiddleware, allow_origins=[page], allow_credentials=True)
    return Starlette(routes=[Route("/login", login), Route("/api/me", me)], middleware=[cors])


CROSS, SAME = "http://127.0.0.1", "http://localhost"
CAUSES = [
    pytest.param(
        "sid=abc123; Path=/",
        CROSS,
        CROSS,
        "include",
        # Chromium defaults a missing SameSite to Lax; Firefox has no Lax default but partitions third-party cookies
        # (Total Cookie Protection); WebKitGTK treats it as None and lets a site visited first-hand have its cookies.
        {"chromium": "cookie.samesite-default", "firefox": "cookie.third-party", "webkit": None},
        id="no-samesite-cross-site",  # https://github.com/fastapi/fastapi/issues/3267
    ),
    pytest.param(
        "sid=abc123; Path=/; SameSite=Lax",
        CROSS,
        CROSS,
        "include",
        dict.fromkeys(("chromium", "firefox", "webkit"), "cookie.samesite"),
        id="lax-cross-site",  # https://github.com/featbit/featbit/pull/872
    ),
    pytest.param(
        "sid=abc123; Path=/; SameSite=Strict",
        CROSS,
        CROSS,
        "include",
        dict.fromkeys(("chromium", "firefox", "webkit"), "cookie.samesite"),
        id="strict-cross-site",  # https://github.com/springfall2008/batpred/pull/2421
    ),
    pytest.param(
        "sid=abc123; Path=/; SameSite=None",
        CROSS,
        CROSS,
        "include",
        # Chromium and Firefox reject SameSite=None without Secure when it is set; WebKitGTK keeps and sends it.
        {
            "chromium": "cookie.samesite-none-without-secure",
            "firefox": "cookie.samesite-none-without-secure",
            "webkit": None,
        },
        id="none-without-secure",  # https://github.com/Sustainsys/Saml2/issues/1465
    ),
    pytest.param(
        "sid=abc123; Path=/; SameSite=None; Secure",
        CROSS,
        CROSS,
        "include",
        # Chromium and Firefox block third-party cookies; WebKit never kept a Secure cookie set over http.
        {"chromium": "cookie.third-party", "firefox": "cookie.third-party", "webkit": "cookie.secure-over-http"},
        id="none-secure-cross-site",  # https://github.com/fastapi/fastapi/issues/5837
    ),
    pytest.param(
        "sid=abc123; Path=/; Secure; SameSite=Lax",
        SAME,
        SAME,
        "include",
        # Chromium and Firefox treat http://localhost as secure; WebKit (and Safari) discard the Secure cookie.
        {"chromium": None, "firefox": None, "webkit": "cookie.secure-over-http"},
        id="secure-over-http",  # https://github.com/webcompat/web-bugs/issues/142566
    ),
    pytest.param(
        "sid=abc123; Path=/",
        SAME,
        CROSS,
        "include",
        dict.fromkeys(("chromium", "firefox", "webkit"), "cookie.host-mismatch"),
        id="host-mismatch",  # https://github.com/axios/axios/issues/1661
    ),
    pytest.param(
        "sid=abc123; Path=/",
        SAME,
        SAME,
        "same-origin",
        dict.fromkeys(("chromium", "firefox", "webkit"), "cookie.credentials-mode"),
        id="credentials-mode",  # https://github.com/JakeChampion/fetch/issues/639
    ),
    pytest.param(
        "sid=abc123; Path=/; Domain=localhost",
        CROSS,
        CROSS,
        "include",
        dict.fromkeys(("chromium", "firefox", "webkit"), "cookie.domain-rejected"),
        id="domain-rejected",  # https://github.com/theopensystemslab/planx-new/pull/691
    ),
    pytest.param(
        "sid=abc123; Path=/admin",
        SAME,
        SAME,
        "include",
        dict.fromkeys(("chromium", "firefox", "webkit"), "cookie.path-mismatch"),
        id="path-mismatch",
    ),
]


@pytest.mark.parametrize(("line", "login_host", "api_host", "credentials", "by_engine"), CAUSES)
def test_each_cookie_left_behind_is_explained_by_the_rule_the_engine_applied(
    e2e_session: Session,
    browser_name: str,
    line: str,
    login_host: str,
    api_host: str,
    credentials: str,
    by_engine: dict[str, str | None],
) -> None:
    page, api = e2e_session.origins("http://localhost", api_host)
    _, login_target = e2e_session.origins("http://localhost", login_host if login_host != api_host else str(api))
    app = session_api(str(page))
    e2e_session.visit(app, f"/login?cookie={quote(line)}", target_origin=str(login_target))

    result = e2e_session.fetch(app, "/api/me", page_origin=str(page), target_origin=str(api), credentials=credentials)

    expected = by_engine[browser_name]
    assert result.allowed
    assert result.cookie_sent is (expected is None)
    assert result.status == (200 if expected is None else 401)
    assert result.explanation is not None
    kinds = [caveat.kind for caveat in result.explanation.caveats]
    assert kinds == ([] if expected is None else [expected, "response.error-status"])
    if expected is not None:
        assert result.explanation.caveats[0].fix is not None
        assert (
            result.explanation.caveats[1].fix
            == "make the cookie reach the app (see above): the app answers 401 without it"
        )


def test_a_login_on_localhost_and_an_api_on_127_0_0_1_is_a_host_mismatch_in_every_engine_word_for_word(
    e2e_session: Session,
) -> None:
    """https://github.com/axios/axios/issues/1661: "when I open my frontend as http://localhost:8080 cookie is
    missing in request headers" (the API at http://127.0.0.1:9000)."""
    page, api = e2e_session.origins("http://localhost", "http://127.0.0.1")
    _, login_target = e2e_session.origins("http://localhost", "http://localhost")
    app = session_api(str(page))
    [login_exchange] = e2e_session.visit(
        app, f"/login?cookie={quote('sid=abc123; Path=/')}", target_origin=str(login_target)
    )

    result = e2e_session.fetch(app, "/api/me", page_origin=str(page), target_origin=str(api), credentials="include")

    assert result.explanation is not None
    cookie, status = result.explanation.caveats
    assert cookie.detail == (
        f"the GET /api/me request went without the cookie sid (no SameSite attribute) that {login_exchange.url} set "
        "earlier: a cookie belongs to the host localhost, ports aside, and this request goes to 127.0.0.1, another "
        "host (localhost and 127.0.0.1 are two hosts to a browser)"
    )
    assert cookie.fix == (
        "use one host name for the login and the API calls: call the API on localhost, where the cookie lives, or "
        "log in on 127.0.0.1"
    )
    assert status.detail == (
        "JavaScript read status 401 from GET /api/me: CORS let the page read it, but the app refused the request (it "
        'answered {"detail":"Not authenticated"})'
    )
    lines = str(result).splitlines()
    assert f"  but: {cookie.detail} [cookie.host-mismatch]" in lines
    assert f"    fix: {cookie.fix}" in lines
