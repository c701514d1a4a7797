"""The page that probes run from, served by every e2ekit server at PAGE_PATH."""

from __future__ import annotations

from e2ekit._serving.asgi import Receive, Scope, Send

__all__ = ["CLEAR_COOKIES_PATH", "OPAQUE_QUERY", "PAGE_PATH", "serve_page"]

PAGE_PATH = "/__e2ekit/page"
CLEAR_COOKIES_PATH = "/__e2ekit/clear-cookies"
"""The page, served with ``Clear-Site-Data: "cookies"``: loading it forgets every cookie of its host."""
OPAQUE_QUERY = "opaque=1"
"""Query that serves the page sandboxed, so its origin is opaque and its requests send ``Origin: null``."""

_HTML = b"<!doctype html><html><head><meta charset=utf-8><title>e2ekit probe page</title></head><body></body></html>"


async def serve_page(scope: Scope, receive: Receive, send: Send) -> None:
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store")]
    if scope["path"] == CLEAR_COOKIES_PATH:
        # Classic WebDriver's cookie deletion proved unreliable in WebKitGTK; browsers honour this header on
        # potentially trustworthy origins, which loopback origins are.
        headers.append((b"clear-site-data", b'"cookies"'))
    if scope["query_string"].decode("latin-1") == OPAQUE_QUERY:
        # A CSP sandbox without allow-same-origin gives the document an opaque origin (HTML, "sandboxing").
        headers.append((b"content-security-policy", b"sandbox allow-scripts"))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": _HTML})
