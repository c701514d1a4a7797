"""A real uvicorn server on a loopback socket, in a thread, that signals readiness and always stops."""

from __future__ import annotations

import asyncio
import errno
import socket
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import uvicorn

from e2ekit.origins import Origin
from e2ekit.types import ASGIApp

__all__ = ["PortInUseError", "Server", "ServerError"]

T = TypeVar("T")

STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 5.0


class ServerError(RuntimeError):
    """A server could not be started."""


class PortInUseError(ServerError):
    """The exact port an origin names is taken by another process."""


class _SignallingServer(uvicorn.Server):
    """uvicorn's Server, plus an event set once it accepts connections (instead of polling ``started``)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().startup(sockets)
        self.ready.set()


class Server:
    """Serve ``app`` at ``origin`` (port None: the OS picks one) until ``stop()``; use as a context manager."""

    def __init__(self, app: ASGIApp, origin: Origin) -> None:
        self._socket = _bind(origin)
        self.origin = origin.with_port(self._socket.getsockname()[1])
        config = uvicorn.Config(app, log_config=None, log_level="critical", access_log=False, lifespan="off")
        self._server = _SignallingServer(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name=f"e2ekit-server-{self.origin}", daemon=True
        )

    def start(self) -> Server:
        self._thread.start()
        if not self._server.ready.wait(STARTUP_TIMEOUT) or not self._thread.is_alive():
            self.stop()
            raise ServerError(f"the server for {self.origin} did not start within {STARTUP_TIMEOUT:.0f} s")
        return self

    def call_soon(self, coroutine: Coroutine[Any, Any, T], timeout: float) -> T:
        """Run ``coroutine`` on the server's event loop (where the app runs) and return its result."""
        assert self._server.loop is not None, "server not started"
        future = asyncio.run_coroutine_threadsafe(coroutine, self._server.loop)
        return future.result(timeout)

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(SHUTDOWN_TIMEOUT)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(SHUTDOWN_TIMEOUT)
        self._socket.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _bind(origin: Origin) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
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
        raise ServerError(f"cannot serve {origin}: binding {origin.bind_address}:{origin.port or 0} failed: {error}") from None
    sock.listen(128)
    return sock
