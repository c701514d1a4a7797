"""Built-in app behaviours that scenarios place around (or instead of) CORSMiddleware, as ASGI middleware.

Each layer reproduces a setup from the reports: an auth check outside CORS answers preflights 401; a slash
redirect outside CORS redirects preflights; a 500 handler lives in ServerErrorMiddleware, outside CORS.
"""

from __future__ import annotations

import json

from e2ekit._serving.asgi import ASGIApp, Receive, Scope, Send

__all__ = ["LAYERS", "AuthRequired", "SlashRedirect"]

LAYERS: dict[str, str] = {
    "auth-outside-cors": (
        "a middleware outside CORSMiddleware answers 401 without CORS headers when Authorization is missing "
        "(preflights too)"
    ),
    "auth-inside-cors": "the same 401 check inside CORSMiddleware: preflights pass, the 401 carries CORS headers",
    "slash-redirect-outside-cors": (
        "a middleware outside CORSMiddleware answers every /items request, OPTIONS included, 307 -> /items/"
    ),
    "error-handler": (
        "an exception handler for 500 (Starlette runs it in ServerErrorMiddleware, outside CORSMiddleware)"
    ),
    "cors-outermost": (
        "CORSMiddleware wraps the whole app, ServerErrorMiddleware included, so a 500 carries CORS headers"
    ),
}
"""Layer name -> what it does (shown in scenarios/README.md and in validation errors)."""


class AuthRequired:
    """Answers 401 when the request has no Authorization header, as a bearer-token middleware would."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(name.lower() == b"authorization" for name, _ in scope["headers"]):
            await self.app(scope, receive, send)
            return
        body = json.dumps({"detail": "Not authenticated"}).encode()
        headers = [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")]
        await send({"type": "http.response.start", "status": 401, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class SlashRedirect:
    """Redirects ``/items`` to ``/items/`` for every method, the way a proxy or Django's APPEND_SLASH would."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/items":
            await self.app(scope, receive, send)
            return
        query = scope["query_string"].decode("latin-1")
        location = "/items/" + (f"?{query}" if query else "")
        await send(
            {"type": "http.response.start", "status": 307, "headers": [(b"location", location.encode("latin-1"))]}
        )
        await send({"type": "http.response.body", "body": b""})
