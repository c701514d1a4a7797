"""The kit's forward proxy: every engine sends every request here, and it answers for every origin the run serves.

An engine launched by the kit is told to use this proxy for all its requests, loopback included
(e2ekit._engines.proxy_settings). The proxy never connects anywhere: it serves each request itself, in-process, with
the router of the topology that serves the request's origin. So an origin's port need not be free (nothing binds
it), any host name works without DNS or /etc/hosts, and no request leaves the machine.

- ``GET http://host:port/path HTTP/1.1`` (absolute-form, how a browser asks a proxy for an http URL): the
  connection is handed to uvicorn's HTTP protocol, whose app is the dispatcher below.
- ``CONNECT host:port`` (how a browser asks for an https URL): answered 200, then TLS is terminated here with a
  certificate for ``host`` from the run's CA (e2ekit._serving.certificates), and the decrypted connection is handed
  to uvicorn's HTTP protocol the same way, so the app sees scheme https.
- A request or tunnel for an origin no topology serves gets 502, naming it; it is never forwarded.

The dispatcher routes each request (not each connection: a browser reuses a proxy connection across origins) by its
origin, then by its probe marker among the topologies serving that origin. The proxy runs on the process's shared
event loop, the loop every topology's apps run on.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections import deque
from functools import cache
from urllib.parse import unquote

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from e2ekit._probing.origins import DEFAULT_PORTS, Origin
from e2ekit._serving.asgi import Receive, Scope, Send
from e2ekit._serving.certificates import run_certificates
from e2ekit._serving.event_loop import LoopThread
from e2ekit._serving.marker import marker_in_query
from e2ekit._serving.router import Router
from e2ekit._serving.server import bind_loopback, server_config

__all__ = ["ForwardProxy", "forward_proxy"]

HEAD_LIMIT = 65536
"""Bytes a CONNECT request's head may take."""
TLS_HANDSHAKE_TIMEOUT = 10.0
REFUSED_KEPT = 100

_OriginKey = tuple[str, str, int]


class ForwardProxy:
    """The proxy of this process: ``port`` on 127.0.0.1; topologies register the origins they serve with ``serve``."""

    def __init__(self, loop: LoopThread) -> None:
        self._socket = bind_loopback()
        self.host, self.port = self._socket.getsockname()[:2]
        self._origins: dict[_OriginKey, list[Router]] = {}
        self._lock = threading.Lock()
        self.refused: deque[str] = deque(maxlen=REFUSED_KEPT)
        """The latest requests the proxy refused (502) because no topology serves their origin, as "METHOD URL"."""
        self._config = server_config(self._dispatch)
        self._state = ServerState()
        loop.run(self._listen(), 10)

    async def _listen(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _ProxyConnection(self), sock=self._socket)

    def serve(self, origin: Origin, router: Router) -> None:
        """Answer for ``origin`` (which has its port) with ``router``, until ``withdraw(router)``."""
        assert origin.port is not None
        with self._lock:
            routers = self._origins.setdefault((origin.scheme, origin.host, origin.port), [])
            if router not in routers:
                routers.append(router)

    def withdraw(self, router: Router) -> None:
        """Stop answering with ``router`` (its topology closed)."""
        with self._lock:
            for key, routers in list(self._origins.items()):
                if router in routers:
                    routers.remove(router)
                if not routers:
                    del self._origins[key]

    def serves(self, scheme: str, host: str, port: int) -> bool:
        with self._lock:
            return (scheme, host, port) in self._origins

    def _router(self, key: _OriginKey, marker: int | None) -> Router | None:
        with self._lock:
            routers = list(self._origins.get(key, ()))
        if marker is not None:
            for router in reversed(routers):
                if router.knows(marker):
                    return router
        # The probe page, the cookie-clearing page and stray requests are the same on every router.
        return routers[-1] if routers else None

    def http_protocol(self) -> asyncio.Protocol:
        """A uvicorn HTTP/1.1 protocol for one connection, serving the dispatcher (as the kit's servers do)."""
        return H11Protocol(
            config=self._config, server_state=self._state, app_state={}, _loop=asyncio.get_running_loop()
        )

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        scope = _origin_form(scope)
        key = _origin_key(scope)
        query = scope["query_string"].decode("latin-1")
        router = None if key is None else self._router(key, marker_in_query(query))
        if key is None or router is None:
            url = f"{scope['scheme']}://{_host_header(scope)}{scope['path']}"
            self.refused.append(f"{scope['method']} {url}")
            await _refuse(send, f"{scope['scheme']}://{_host_header(scope)}")
            return
        # The app sees the origin it is served at as its server, not the proxy's socket.
        await router({**scope, "server": (key[1], key[2])}, receive, send)


class _ProxyConnection(asyncio.Protocol):
    """The first bytes of a connection to the proxy: a CONNECT opens a TLS tunnel here, anything else is HTTP."""

    def __init__(self, proxy: ForwardProxy) -> None:
        self._proxy = proxy
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        transport = self._transport
        assert transport is not None
        self._buffer += data
        if b"\r\n" not in self._buffer and len(self._buffer) < len(b"CONNECT "):
            return
        if not self._buffer.startswith(b"CONNECT "):
            protocol = self._proxy.http_protocol()
            transport.set_protocol(protocol)
            protocol.connection_made(transport)
            protocol.data_received(self._buffer)
            return
        head, end, rest = self._buffer.partition(b"\r\n\r\n")
        if not end:
            if len(self._buffer) > HEAD_LIMIT:
                _answer(transport, 431, "the CONNECT request's head is too large")
            return
        target = head.split(b"\r\n", 1)[0].split(b" ")
        authority = _authority(target[1].decode("latin-1") if len(target) == 3 else "")
        if authority is None or rest:
            _answer(transport, 400, "expected CONNECT host:port HTTP/1.1, then nothing until the tunnel is open")
            return
        host, port = authority
        if not self._proxy.serves("https", host, port):
            origin = Origin("https", host, port)
            self._proxy.refused.append(f"CONNECT {origin}")
            _answer(transport, 502, _refusal(str(origin)))
            return
        try:
            context = run_certificates().server_context(host)
        except ValueError as error:  # IDNA refuses the name (an '_' in a label): no certificate, so no tunnel
            _answer(transport, 502, f"no certificate can be made for {host}: {error}")
            return
        # No byte of the TLS handshake may reach this protocol: start_tls takes the transport over from here.
        transport.pause_reading()
        transport.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        asyncio.get_running_loop().create_task(self._tunnel(transport, context))

    async def _tunnel(self, transport: asyncio.Transport, context: ssl.SSLContext) -> None:
        # The request may arrive with the handshake's last flight, before start_tls returns the transport that
        # the HTTP protocol must be made with: hold it until then.
        held = _HeldUntilMade(self._proxy.http_protocol())
        try:
            tls = await asyncio.get_running_loop().start_tls(
                transport, held, context, server_side=True, ssl_handshake_timeout=TLS_HANDSHAKE_TIMEOUT
            )
        except (OSError, ssl.SSLError, TimeoutError):
            transport.close()  # the client gave up, or does not accept the run's certificates
            return
        if tls is None:  # the connection closed during the handshake
            transport.close()
            return
        held.made(tls)


class _HeldUntilMade(asyncio.Protocol):
    """Holds what arrives for ``inner`` until ``made(transport)``, then hands the transport over to it."""

    def __init__(self, inner: asyncio.Protocol) -> None:
        self._inner = inner
        self._data: list[bytes] = []
        self._eof = False
        self._lost: tuple[Exception | None] | None = None

    def data_received(self, data: bytes) -> None:
        self._data.append(data)

    def eof_received(self) -> bool | None:
        self._eof = True
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = (exc,)

    def made(self, transport: asyncio.Transport) -> None:
        if self._lost is not None:
            return
        transport.set_protocol(self._inner)
        self._inner.connection_made(transport)
        for data in self._data:
            self._inner.data_received(data)
        if self._eof:
            self._inner.eof_received()


def _authority(text: str) -> tuple[str, int] | None:
    """``host:port`` of a CONNECT request as (host, port); an IPv6 host comes in brackets."""
    host, colon, port_text = text.rpartition(":")
    if not colon or not port_text.isdigit() or not 0 < int(port_text) < 65536 or not host:
        return None
    try:
        origin = Origin.parse(f"https://{host}:{port_text}")
    except ValueError:
        return None
    assert origin.port is not None
    return origin.host, origin.port


def _origin_form(scope: Scope) -> Scope:
    """A request in absolute-form (``GET http://host/path``) as the app must see it: origin-form path, the
    authority in the Host header (which a browser sends too) and the URL's scheme."""
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode("latin-1")
    scheme, sep, rest = raw_path.partition(b"://")
    if not sep or scheme.lower() not in (b"http", b"https"):
        return scope
    authority, slash, path = rest.partition(b"/")
    raw = slash + path or b"/"
    headers = scope["headers"] if _host_header(scope) else [(b"host", authority), *scope["headers"]]
    return {
        **scope,
        "scheme": scheme.decode("latin-1").lower(),
        "path": unquote(raw.decode("latin-1")),
        "raw_path": raw,
        "headers": headers,
    }


def _host_header(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"host":
            text: str = value.decode("latin-1")
            return text
    return ""


def _origin_key(scope: Scope) -> _OriginKey | None:
    scheme: str = scope["scheme"]
    try:
        origin = Origin.parse(f"{scheme}://{_host_header(scope)}")
    except ValueError:
        return None
    port = origin.port if origin.port is not None else DEFAULT_PORTS[scheme]
    return origin.scheme, origin.host, port


def _refusal(origin: str) -> str:
    return (
        f"e2ekit's forward proxy: {origin} is not an origin this run serves, and the proxy forwards nothing to the "
        "network"
    )


async def _refuse(send: Send, origin: str) -> None:
    body = _refusal(origin).encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 502, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _answer(transport: asyncio.Transport, status: int, text: str) -> None:
    reasons = {400: "Bad Request", 431: "Request Header Fields Too Large", 502: "Bad Gateway"}
    body = text.encode()
    transport.write(
        f"HTTP/1.1 {status} {reasons[status]}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )
    transport.close()


@cache
def forward_proxy() -> ForwardProxy:
    """This process's forward proxy, started on first use on the shared event loop; it ends with the process."""
    return ForwardProxy(LoopThread.shared())
