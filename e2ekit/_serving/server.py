"""A real uvicorn server on a loopback socket, on the run's event loop, that signals readiness and always stops."""

from __future__ import annotations

import asyncio
import concurrent.futures
import errno
import socket
import ssl

import uvicorn

from e2ekit._errors import PortInUseError, ServerError
from e2ekit._probing.origins import Origin
from e2ekit._serving.asgi import ASGIApp
from e2ekit._serving.event_loop import LoopThread

__all__ = ["Server", "bind_loopback", "server_config"]

STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 5.0


class _SignallingServer(uvicorn.Server):
    """uvicorn's Server, signalled both ways instead of polled: an event set once it accepts connections (instead
    of polling ``started``), and ``request_exit()`` that ends its main loop at once (uvicorn's looks at
    ``should_exit`` every 100 ms, then sleeps another 100 ms while shutting down: 0.1-0.2 s at the end of every run)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()
        self._exit_requested = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()

    def request_exit(self) -> None:
        """End serving; called on the server's event loop."""
        self.should_exit = True
        self._exit_requested.set()

    async def main_loop(self) -> None:
        await self._exit_requested.wait()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # uvicorn's shutdown without its graceful wait and its fixed 100 ms pause: stop accepting, close idle
        # connections, cancel the requests still running (see Server.__init__). No lifespan event: the kit runs the
        # app's lifespan itself (e2ekit._serving.lifespan).
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        for task in list(self.server_state.tasks):
            task.cancel()


def server_config(app: ASGIApp, tls: ssl.SSLContext | None = None) -> uvicorn.Config:
    """The uvicorn configuration of every connection the kit serves, direct or through the forward proxy (loaded)."""
    # No Server or Date header of uvicorn's own: the browser gets exactly the headers the app (or, behind the
    # reverse proxy, the running server) sent, which are the headers the recorder records. uvicorn would add its own
    # beside an upstream's, sending two of each.
    config = uvicorn.Config(
        app,
        log_config=None,
        log_level="critical",
        access_log=False,
        lifespan="off",
        interface="asgi3",
        server_header=False,
        date_header=False,
    )
    config.load()
    config.ssl = tls  # a context of the run's CA (uvicorn itself only takes certificate files)
    return config


class Server:
    """Serve ``app`` at ``origin`` (port None: the OS picks one) on ``loop`` until ``stop()``; a context manager.

    ``tls``: serve https with that server context (an https origin's certificate from the run's CA)."""

    def __init__(self, app: ASGIApp, origin: Origin, loop: LoopThread, tls: ssl.SSLContext | None = None) -> None:
        self._socket = _bind(origin)
        self.origin = origin.with_port(self._socket.getsockname()[1])
        config = server_config(app, tls)
        # The kit stops a server once it is done with its origin: every probe it served has settled, so a request
        # still in flight is one no browser waits for (an app that never answers). It is cancelled at once, not
        # waited for (_SignallingServer.shutdown): Ctrl-C must not wait on a hung app.
        self._server = _SignallingServer(config)
        self._loop = loop
        self._serving: concurrent.futures.Future[None] | None = None

    def start(self) -> Server:
        self._serving = self._loop.submit(self._server.serve(sockets=[self._socket]))
        try:
            self._loop.run(asyncio.wait_for(self._server.ready.wait(), STARTUP_TIMEOUT), STARTUP_TIMEOUT + 1)
        except (TimeoutError, concurrent.futures.TimeoutError):
            self.stop()
            raise ServerError(f"the server for {self.origin} did not start within {STARTUP_TIMEOUT:.0f} s") from None
        return self

    def stop(self) -> None:
        """Stop serving; a second call returns at once."""
        serving, self._serving = self._serving, None
        if serving is not None:
            self._loop.call_soon(self._server.request_exit)
            try:
                serving.result(SHUTDOWN_TIMEOUT)
            except concurrent.futures.TimeoutError:
                serving.cancel()
        self._socket.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def bind_loopback() -> socket.socket:
    """A listening socket on 127.0.0.1 at a port the OS picks, for a server only the kit talks to."""
    return _bind(Origin.parse("http://127.0.0.1"))


def _bind(origin: Origin) -> socket.socket:
    family = socket.AF_INET6 if ":" in origin.bind_address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((origin.bind_address, origin.port or 0))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUseError(
                f"cannot serve {origin}: port {origin.port} on {origin.bind_address} is in use by another process; "
                f"stop that process, or give the origin without a port (e.g. {origin.scheme}://{origin.host}) "
                f"and allow the origin e2ekit picks"
            ) from None
        raise ServerError(
            f"cannot serve {origin}: binding {origin.bind_address}:{origin.port or 0} failed: {error}"
        ) from None
    # Accepted connections inherit TCP_NODELAY. Without it, Nagle's algorithm meets the browser's delayed ACK on
    # every keep-alive response after the first, and each probe costs ~40 ms instead of ~1 ms.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.listen(128)
    return sock
