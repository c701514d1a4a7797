"""Built-in app behaviours that scenarios place around (or instead of) CORSMiddleware, as ASGI middleware.

Each layer reproduces a setup from the reports: an auth check outside CORS answers preflights 401; a login-required
layer outside CORS redirects preflights to its login page; a slash redirect outside CORS redirects preflights; a 500
handler lives in ServerErrorMiddleware, outside CORS.
"""

from __future__ import annotations

import json

from e2ekit._serving.asgi import ASGIApp, Receive, Scope, Send

__all__ = ["LAYERS", "AuthRequired", "LoginRedirect", "SessionRequired", "SlashRedirect"]

LAYERS: dict[str, str] = {
    "auth-outside-cors": (
        "a middleware outside CORSMiddleware answers 401 without CORS headers when Authorization is missing "
        "(preflights too)"
    ),
    "auth-inside-cors": "the same 401 check inside CORSMiddleware: preflights pass, the 401 carries CORS headers",
    "session-inside-cors": (
        "inside CORSMiddleware, a request without a Cookie header (but /login) gets 401 with CORS headers, as an "
        "API behind a session cookie answers"
    ),
    "slash-redirect-outside-cors": (
        "a middleware outside CORSMiddleware answers every /items request, OPTIONS included, 307 -> /items/"
    ),
    "login-redirect-outside-cors": (
        "a middleware outside CORSMiddleware redirects every request without a Cookie header (but /login), OPTIONS "
        "included, 302 -> /login, as a login-required session layer does"
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


class LoginRedirect:
    """Redirects every request without a session (no Cookie header) to /login, as Django's login_required, Flask-Login
    or an auth proxy does; browsers never send cookies with a preflight, so every preflight is redirected."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _has_cookie(scope) or scope["path"] == "/login":
            await self.app(scope, receive, send)
            return
        headers = [(b"location", b"/login"), (b"content-type", b"text/plain; charset=utf-8")]
        await send({"type": "http.response.start", "status": 302, "headers": headers})
        await send({"type": "http.response.body", "body": b"Login required"})


def _has_cookie(scope: Scope) -> bool:
    return any(name.lower() == b"cookie" for name, _ in scope.get("headers", ()))


class SessionRequired:
    """Answers 401 when the request carries no Cookie header, as an API behind a session cookie does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _has_cookie(scope) or scope["path"] == "/login":
            await self.app(scope, receive, send)
            return
        body = json.dumps({"detail": "Not authenticated"}).encode()
        await send({"type": "http.response.start", "status": 401, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})
