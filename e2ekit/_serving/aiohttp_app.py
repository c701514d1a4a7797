"""An aiohttp ``web.Application``, served by aiohttp's own server and reached through the recording proxy.

aiohttp apps are not ASGI apps: they run only under aiohttp's server, which owns the HTTP parsing, the request
object and the signals (``on_startup``, ``cleanup_ctx``, ``on_shutdown``). So the kit runs that server, with
``AppRunner`` and a ``SockSite`` on a loopback socket it binds itself (port 0), on the kit's shared event loop, and
puts the reverse proxy in front of it; the target origin's router and recorder see the proxy like any ASGI app. The
proxy forwards the browser's ``Host``, so the app sees the target origin as its own, as it would if it served it.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from e2ekit._serving.asgi import Receive, Scope, Send
from e2ekit._serving.proxy import ReverseProxy
from e2ekit._serving.server import bind_loopback
from e2ekit._serving.upstream import Upstream

__all__ = ["AiohttpApp"]

SHUTDOWN_TIMEOUT = 5.0


class AiohttpApp:
    """ASGI app serving ``app`` (an aiohttp ``web.Application``): its lifespan starts and stops aiohttp's server."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self._runner: web.AppRunner | None = None
        self._proxy: ReverseProxy | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            if self._proxy is None:
                await _not_started(send)
                return
            await self._proxy(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        await receive()
        try:
            await self._start()
        except Exception as error:  # the app's on_startup or cleanup_ctx raised: its startup failed
            await send({"type": "lifespan.startup.failed", "message": f"{type(error).__name__}: {error}"})
            return
        await send({"type": "lifespan.startup.complete"})
        await receive()
        try:
            await self._stop()
        except Exception as error:  # the app's on_shutdown or on_cleanup raised
            await send({"type": "lifespan.shutdown.failed", "message": f"{type(error).__name__}: {error}"})
            return
        await send({"type": "lifespan.shutdown.complete"})

    async def _start(self) -> None:
        sock = bind_loopback()
        runner = web.AppRunner(self.app, handle_signals=False, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
        self._runner = runner
        try:
            await runner.setup()  # runs on_startup and cleanup_ctx
            await web.SockSite(runner, sock).start()
        except BaseException:
            sock.close()
            raise
        port: int = sock.getsockname()[1]
        proxy = ReverseProxy(Upstream("http", "127.0.0.1", port, "/"), preserve_host=True)
        await proxy.start()
        self._proxy = proxy

    async def _stop(self) -> None:
        proxy, self._proxy = self._proxy, None
        if proxy is not None:
            await proxy.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()  # runs on_shutdown, cleanup_ctx's exits and on_cleanup


async def _not_started(send: Send) -> None:
    body = b"e2ekit: this aiohttp app's server runs only once the app's startup has run (Topology.start_app)"
    headers: list[Any] = [(b"content-type", b"text/plain; charset=utf-8")]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})
