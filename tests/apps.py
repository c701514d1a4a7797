"""Small app builders shared by the tests: a Starlette app with the given CORSMiddleware settings."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from e2ekit._standard import ENGINE_COOKIE_POLICIES, parse_set_cookie, why_not_sent


async def echo(request: Request) -> Response:
    return JSONResponse({"method": request.method, "cookie": request.headers.get("cookie")})


async def login(request: Request) -> Response:
    response = PlainTextResponse("logged in")
    response.headers["set-cookie"] = "sid=abc123; Path=/"  # no SameSite attribute on purpose
    return response


# Whether each engine sends login()'s cookie (no SameSite attribute) with a credentialed cross-site fetch, from a
# page on localhost to a target on 127.0.0.1, as e2ekit's one table of measured engine cookie behaviour says:
# Chromium treats the missing attribute as Lax, Firefox ESR keeps it out of another site's requests (Total Cookie
# Protection), WebKitGTK sends it (docs/engines.md). Every engine sends it same-site.
SAMESITE_UNSET_SENT_CROSS_SITE = {
    engine: why_not_sent(
        parse_set_cookie("sid=abc123; Path=/", "http://127.0.0.1/login"),  # type: ignore[arg-type]
        request_url="http://127.0.0.1/api",
        page_origin="http://localhost",
        credentials="include",
        policy=policy,
    )
    is None
    for engine, policy in ENGINE_COOKIE_POLICIES.items()
}


def cors_app(**cors: Any) -> Starlette:
    """An app with /api (GET, PUT, POST, DELETE) and /login, behind CORSMiddleware(**cors) when cors is given."""
    middleware = [Middleware(CORSMiddleware, **cors)] if cors else []
    routes = [Route("/api", echo, methods=["GET", "PUT", "POST", "DELETE"]), Route("/login", login)]
    return Starlette(routes=routes, middleware=middleware)


wildcard_app = cors_app(allow_origins=["*"])
"""For tests that name the app by import string: ``"tests.apps:wildcard_app"``."""
