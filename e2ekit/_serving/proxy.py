"""A recording reverse proxy: an ASGI app that forwards each request to a running server and streams its answer back.

The router and the wire recorder sit in front of it as in front of any app, so the exchange recorded is what the
browser sent and what it got. What the proxy changes, and why:

- The request: hop-by-hop headers (``Connection``, ``Keep-Alive``, ``TE``, ...: RFC 9110, section 7.6.1) are not
  forwarded, and ``Host`` names the upstream's own authority, as a reverse proxy sends by default (nginx's
  ``proxy_pass``); a server routing by virtual host then answers as it would to its own clients. Everything else,
  ``Origin`` and ``Cookie`` included, is forwarded byte for byte, and no header is added (no ``User-Agent``,
  ``Accept-Encoding`` or ``Content-Type`` of the client library's own).
- The response: status, headers (every ``Set-Cookie`` line, in order) and body pass unchanged, the body still
  encoded as the server sent it; hop-by-hop headers are dropped. A ``Location`` that points at the upstream's own
  origin is rewritten to the origin the browser asked (nginx's ``proxy_redirect default``): that origin stands in
  for the upstream, and the browser would otherwise leave the kit and its recorder in the middle of a redirect
  chain. Any other ``Location`` passes unchanged.

aiohttp's client is the transport: it gives the response headers as the server sent them (``raw_headers``), keeps
no cookies (``DummyCookieJar``), leaves content encodings alone (``auto_decompress=False``) and is needed anyway to
serve aiohttp apps.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from yarl import URL

from e2ekit._serving.asgi import Message, Receive, Scope, Send
from e2ekit._serving.upstream import Upstream

__all__ = ["ReverseProxy", "UpstreamFailed"]

HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"}
)
"""Headers that describe one connection, not the message (RFC 9110, section 7.6.1); never forwarded."""
_AUTO_HEADERS = ("Accept", "Accept-Encoding", "Content-Type", "User-Agent")
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0


class UpstreamFailed(Exception):
    """The running server could not be reached, or broke off its answer; the browser got a 502."""


class ReverseProxy:
    """ASGI app forwarding HTTP requests to ``upstream``; its lifespan opens and closes the client session.

    ``preserve_host`` forwards the browser's ``Host`` instead of the upstream's authority: for an app the kit itself
    serves on an internal socket (an aiohttp app), which must see the target origin as its own.
    """

    def __init__(self, upstream: Upstream, *, preserve_host: bool = False) -> None:
        self.upstream = upstream
        self._preserve_host = preserve_host
        self._session: aiohttp.ClientSession | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            async with self._client() as client:
                await self._forward(client, scope, receive, send)

    async def start(self) -> None:
        """Open the client session every request then shares (on the running loop)."""
        self._session = _new_session()

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        await receive()
        await self.start()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await self.close()
        await send({"type": "lifespan.shutdown.complete"})

    @asynccontextmanager
    async def _client(self) -> AsyncIterator[aiohttp.ClientSession]:
        # Without a lifespan (a test client calling the app directly, on a loop of its own), one session per request.
        if self._session is not None:
            yield self._session
            return
        async with _new_session() as session:
            yield session

    async def _forward(self, client: aiohttp.ClientSession, scope: Scope, receive: Receive, send: Send) -> None:
        request_headers = _request_headers(scope["headers"])
        host = _host(request_headers) if self._preserve_host else self.upstream.authority
        forwarded = [(k, v) for k, v in request_headers if k != "host"] + [("host", host)]
        body = await _read_body(receive)
        path = scope.get("raw_path") or scope["path"].encode()
        query = scope["query_string"]
        url = URL(self.upstream.origin + (path + (b"?" + query if query else b"")).decode("latin-1"), encoded=True)
        started = False
        try:
            async with client.request(
                scope["method"], url, headers=forwarded, data=body or None, allow_redirects=False
            ) as response:
                headers = self._response_headers(response.raw_headers, scope)
                await send({"type": "http.response.start", "status": response.status, "headers": headers})
                started = True
                async for chunk in response.content.iter_any():
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b""})
        except aiohttp.ClientResponseError as error:
            # Its response does not parse (a header holding NUL or a bare CR): no HTTP server could send it on.
            reason = f"{self.upstream.origin} sent a response that is not valid HTTP/1.1: {error.message}"
            if not started:
                await _bad_gateway(send, reason)
            raise UpstreamFailed(reason) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            reason = f"{self.upstream.origin} did not answer: {type(error).__name__}: {error}"
            if not started:  # answer as a gateway does; the recorder keeps the reason beside the 502
                await _bad_gateway(send, reason)
            raise UpstreamFailed(reason) from None

    def _response_headers(self, raw: tuple[tuple[bytes, bytes], ...], scope: Scope) -> list[tuple[bytes, bytes]]:
        connection = {
            token.strip().lower()
            for name, value in raw
            if name.lower() == b"connection"
            for token in value.decode("latin-1").split(",")
        }
        kept = []
        for name, value in raw:
            lowered = name.decode("latin-1").lower()
            if lowered in HOP_BY_HOP or lowered in connection:
                continue
            if lowered == "location":
                value = self._location(value.decode("latin-1"), scope).encode("latin-1")
            kept.append((name, value))
        return kept

    def _location(self, location: str, scope: Scope) -> str:
        try:
            parts = urlsplit(location)
            names_upstream = self.upstream.names(parts.scheme, parts.hostname, parts.port)
        except ValueError:  # not a URL the browser could follow either: pass it on as it is
            return location
        if not names_upstream:
            return location
        scheme: str = scope["scheme"]
        return urlunsplit((scheme, _host(_request_headers(scope["headers"])), parts.path, parts.query, parts.fragment))


def _new_session() -> aiohttp.ClientSession:
    # force_close: one connection per request. On loopback a connection costs well under a millisecond, and no
    # request can land on a keep-alive connection the server is closing at that moment (Node closes idle ones at 5 s).
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(force_close=True, limit=0),
        cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=False,
        skip_auto_headers=_AUTO_HEADERS,
        timeout=aiohttp.ClientTimeout(total=None, sock_connect=CONNECT_TIMEOUT, sock_read=READ_TIMEOUT),
    )


def _request_headers(raw: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in raw]
    connection = {t.strip().lower() for k, v in headers if k == "connection" for t in v.split(",")}
    # Content-Length is recomputed by the client for the body it sends (the same bytes).
    return [(k, v) for k, v in headers if k not in HOP_BY_HOP and k not in connection and k != "content-length"]


def _host(headers: list[tuple[str, str]]) -> str:
    return next((value for name, value in headers if name == "host"), "")


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message: Message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _bad_gateway(send: Send, reason: str) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    await send({"type": "http.response.start", "status": 502, "headers": headers})
    await send({"type": "http.response.body", "body": f"e2ekit: {reason}".encode()})
