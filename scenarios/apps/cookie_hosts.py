"""An API whose login sets its session cookie on the other loopback host name, as when a developer logs in at
http://localhost:8000 and the front end calls http://127.0.0.1:8000.

Used by ``app = "apps.cookie_hosts:login_on_localhost"``: ``/login`` on any host redirects (302) to ``/login/set`` on
``localhost`` at the same port, which sets ``sid``; ``/api`` echoes the Cookie header. CORSMiddleware allows any
page on localhost, with credentials.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

__all__ = ["login_on_localhost"]


async def login(request: Request) -> Response:
    return RedirectResponse(f"http://localhost:{request.url.port}/login/set", status_code=302)


async def set_cookie(request: Request) -> Response:
    response = PlainTextResponse("logged in on localhost")
    response.headers.append("set-cookie", "sid=abc123; Path=/; HttpOnly")
    return response


async def echo(request: Request) -> Response:
    return JSONResponse({"method": request.method, "cookie": request.headers.get("cookie")})


login_on_localhost = Starlette(
    routes=[Route("/login", login), Route("/login/set", set_cookie), Route("/api", echo)],
    middleware=[
        Middleware(
            CORSMiddleware, allow_origin_regex=r"http://localhost:\d+", allow_credentials=True, allow_methods=["*"]
        )
    ],
)
