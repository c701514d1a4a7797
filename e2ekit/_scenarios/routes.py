"""The built-in endpoints every scenario app serves (see scenarios/README.md for the list)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from e2ekit._scenarios.model import CookieSetup

__all__ = ["ALL_METHODS", "CUSTOM_HEADER", "DOWNLOAD_DISPOSITION", "ROUTE_PATHS", "builtin_routes"]

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
# OPTIONS is left out on purpose: a preflight that gets past CORSMiddleware (or has none) reaches the router and
# gets 405, as in a FastAPI app.
DOWNLOAD_DISPOSITION = 'attachment; filename="report.csv"'
CUSTOM_HEADER = ("x-request-id", "e2ekit-42")
ROUTE_PATHS = ("/api", "/items/", "/error", "/download", "/custom", "/login")
"""Paths with a route; any other path (e.g. /missing) is the router's 404, and /items redirects to /items/."""


async def echo(request: Request) -> Response:
    body = (await request.body()).decode("utf-8", "replace")
    return JSONResponse(
        {
            "method": request.method,
            "path": request.url.path,
            "cookie": request.headers.get("cookie"),
            "authorization": request.headers.get("authorization"),
            "body": body or None,
        }
    )


async def fail(request: Request) -> Response:
    raise RuntimeError("boom: the app failed while handling the request")


async def download(request: Request) -> Response:
    return PlainTextResponse(
        "id,name\n1,e2ekit\n", media_type="text/csv", headers={"content-disposition": DOWNLOAD_DISPOSITION}
    )


async def custom(request: Request) -> Response:
    return JSONResponse({"ok": True}, headers=dict([CUSTOM_HEADER]))


def builtin_routes(cookies: Sequence[CookieSetup], page_origin: str | None = None) -> list[BaseRoute]:
    """/api and /items/ echo every method; /login sets ``cookies`` (a top-level visit loads it before the probes).

    Cookies with ``set_on = "page"`` are set on the page's host: /login on the target sets the others, then
    redirects to /login on ``page_origin`` (the same app: requests are routed by probe marker, not by origin).
    """
    on_page = page_origin is not None and any(cookie.set_on == "page" for cookie in cookies)
    page_host = (page_origin or "").partition("://")[2]

    async def login(request: Request) -> Response:
        here = "page" if request.headers.get("host") == page_host else "target"
        response: Response = PlainTextResponse("logged in")
        if here == "target" and on_page:
            response = RedirectResponse(f"{page_origin}/login", status_code=302)
        for cookie in cookies:
            # Raw Set-Cookie lines: Starlette's set_cookie() would add SameSite=lax when the scenario leaves it unset.
            if cookie.set_on == here or not on_page:
                response.headers.append("set-cookie", cookie.header())
        return response

    return [
        Route("/api", echo, methods=ALL_METHODS),
        Route("/items/", echo, methods=ALL_METHODS),
        Route("/error", fail, methods=ALL_METHODS),
        Route("/download", download, methods=["GET"]),
        Route("/custom", custom, methods=["GET"]),
        Route("/login", login, methods=["GET"]),
    ]
