"""The kit's servers for one run, and how page and target origins map onto them."""

from __future__ import annotations

import concurrent.futures
import threading
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from e2ekit._errors import AppShutdownError
from e2ekit._probing.origins import Origin
from e2ekit._serving.apps import as_asgi, load_app
from e2ekit._serving.asgi import ASGIApp
from e2ekit._serving.event_loop import LoopThread
from e2ekit._serving.lifespan import SHUTDOWN_TIMEOUT, STARTUP_TIMEOUT, AppLifespan
from e2ekit._serving.router import Router
from e2ekit._serving.server import Server

__all__ = ["SAME_ORIGIN", "Topology"]

SAME_ORIGIN = "same-origin"
"""Pass as the target origin to serve the app on the page's own origin."""


@dataclass(frozen=True)
class _StartedApp:
    app: ASGIApp
    """Kept referenced, so the id() it is registered under stays unique for the run."""
    lifespan: AppLifespan
    startup: concurrent.futures.Future[None]


class Topology:
    """Starts servers on demand and keeps them for the run; every server runs the one shared Router.

    An origin with a port is served on exactly that port (the user's allow-list names it). An origin without a port
    is served on a port the OS assigns; a target on the page's host gets a different port than the page (same-site).
    Apps are started (their lifespan startup) once, before their first request, and shut down at ``close()``, after
    every server stopped: a shutdown failure is raised from ``close()`` as AppShutdownError once all is stopped.
    """

    def __init__(self, *, startup_timeout: float = STARTUP_TIMEOUT) -> None:
        self.router = Router()
        self._servers: dict[tuple[str, int], Server] = {}
        self._auto: dict[str, list[Server]] = {}
        self._lock = threading.Lock()
        self._loop = LoopThread()
        self._startup_timeout = startup_timeout
        self._started: dict[int, _StartedApp] = {}
        self._served: dict[int | str, tuple[object, ASGIApp]] = {}
        self._stack = ExitStack()
        self._stack.callback(self._loop.stop)
        self._stack.callback(self._shut_down_apps)

    def app(self, app: object) -> ASGIApp:
        """The ASGI app the kit serves for ``app``: an app of any kind (see e2ekit._serving.apps), an import string
        ``module:attr`` or a running server's URL; loaded or adapted once per run."""
        key = app if isinstance(app, str) else id(app)
        with self._lock:
            if key not in self._served:
                # The original is kept referenced, so its id() cannot be reused by another object during the run.
                self._served[key] = (app, load_app(app) if isinstance(app, str) else as_asgi(app))
            return self._served[key][1]

    def start_app(self, app: ASGIApp) -> dict[str, Any]:
        """Run ``app``'s lifespan startup once, before its first request, and return its lifespan state; shutdown
        follows at ``close()``. Every caller waits for the one startup, and gets its AppStartupError."""
        with self._lock:
            started = self._started.get(id(app))
            if started is None:
                lifespan = AppLifespan(app, startup_timeout=self._startup_timeout)
                started = _StartedApp(app, lifespan, self._loop.submit(lifespan.startup()))
                self._started[id(app)] = started
        # The lifespan bounds its own wait; this one only guards against a loop that stopped answering.
        started.startup.result(self._startup_timeout + SHUTDOWN_TIMEOUT + 5)
        return started.lifespan.state

    def _shut_down_apps(self) -> None:
        failures: list[str] = []
        for started in self._started.values():
            if not started.startup.done() or started.startup.exception() is not None:
                continue  # never started: nothing to shut down
            try:
                self._loop.run(started.lifespan.shutdown(), SHUTDOWN_TIMEOUT * 2 + 5)
            except AppShutdownError as error:  # keep shutting down the others, then report
                failures.append(str(error))
        self._started.clear()
        if failures:
            raise AppShutdownError("; ".join(failures))

    def origins(self, page: Origin, target: Origin | str) -> tuple[Origin, Origin]:
        """The concrete (page, target) origins, with ports, starting servers for them as needed."""
        with self._lock:
            served_page = self._serve(page, avoid=None)
            if target == SAME_ORIGIN:
                return served_page, served_page
            assert isinstance(target, Origin)
            return served_page, self._serve(target, avoid=served_page)

    def target(self, target: Origin) -> Origin:
        """The concrete origin for a target visited on its own (no page involved)."""
        with self._lock:
            return self._serve(target, avoid=None)

    def _serve(self, origin: Origin, avoid: Origin | None) -> Origin:
        if origin.port is not None:
            key = (origin.bind_address, origin.port)
            if key not in self._servers:
                self._start(origin)
            return origin
        for server in self._auto.setdefault(origin.host, []):
            candidate = origin.with_port(server.origin.port)  # type: ignore[arg-type]
            if candidate != avoid:
                return candidate
        server = self._start(origin)
        self._auto[origin.host].append(server)
        return server.origin

    def _start(self, origin: Origin) -> Server:
        server = Server(self.router, origin, self._loop)
        self._stack.enter_context(server)
        self._servers[(origin.bind_address, server.origin.port)] = server  # type: ignore[index]
        for host in ("localhost", origin.bind_address):
            self.router.server_authorities.add(f"{host}:{server.origin.port}")
        return server

    def close(self) -> None:
        """Stop every server this topology started, then shut its apps down; raise AppShutdownError after all of
        it if an app's shutdown failed."""
        with self._lock:
            try:
                self._stack.close()
            finally:
                self._servers.clear()
                self._auto.clear()

    def __enter__(self) -> Topology:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        try:
            self.close()
        except AppShutdownError:
            if exc_type is None:
                raise
            # The error already under way is the one to report; a shutdown failure after it would hide it.
