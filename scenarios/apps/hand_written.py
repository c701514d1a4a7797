"""Apps that write their CORS headers by hand instead of using CORSMiddleware, as many reports show.

Used by scenarios through ``app = "apps.hand_written:<name>"``; each is a plain Starlette app behind a small ASGI
middleware that adds fixed headers to every response and answers every preflight itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["literal_wildcards", "literal_wildcards_with_credentials", "wildcard_with_credentials"]

REFLECT = "<reflect the Origin header>"


async def echo(request: Request) -> Response:
    return JSONResponse({"method": request.method, "cookie": request.headers.get("cookie")})


class FixedCorsHeaders:
    """Adds ``headers`` to every response and answers every OPTIONS request 204 with them."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str]) -> None:
        self.app = app
        self.headers = headers

    def _headers(self, scope: Scope) -> list[tuple[bytes, bytes]]:
        origin = dict(scope["headers"]).get(b"origin", b"").decode("latin-1")
        values = {name: origin if value == REFLECT else value for name, value in self.headers.items()}
        return [(name.encode(), value.encode()) for name, value in values.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await send({"type": "http.response.start", "status": 204, "headers": self._headers(scope)})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self._headers(scope)]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _app(headers: Mapping[str, str]) -> ASGIApp:
    methods = ["GET", "POST", "PUT", "DELETE"]
    return FixedCorsHeaders(Starlette(routes=[Route("/api", echo, methods=methods)]), headers)


wildcard_with_credentials = _app({"access-control-allow-origin": "*", "access-control-allow-credentials": "true"})
"""``*`` and ``credentials: true`` together: what Starlette sent before it mirrored the origin (starlette#2675)."""

literal_wildcards = _app(
    {
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "*",
        "access-control-allow-headers": "*",
    }
)
"""Every preflight answered with ``*`` for methods and headers, as a proxy configuration often does."""

literal_wildcards_with_credentials = _app(
    {
        "access-control-allow-origin": REFLECT,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "*",
        "access-control-allow-headers": "*",
        "access-control-expose-headers": "*",
    }
)
"""The same ``*`` lists, on credentialed responses that name the origin: there ``*`` is a literal header name."""
