"""The origins of one run, and how page and target origins map onto what serves them.

Every origin is answered by the process's forward proxy (e2ekit._serving.forward_proxy), through which every engine
sends its requests: an origin's port is never bound, so it may be taken by another process, and any host name and
https work. A loopback origin without a port also gets a server of its own on a port the OS picks (that is how the
port is chosen); clients that do not use the proxy (a test's HTTP client, an engine launched ``direct``) reach it
there.
"""

from __future__ import annotations

import concurrent.futures
import threading
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from e2ekit._errors import AppShutdownError
from e2ekit._phases import phase
from e2ekit._probing.origins import Origin
from e2ekit._serving.apps import as_asgi, load_app
from e2ekit._serving.asgi import ASGIApp
from e2ekit._serving.certificates import run_certificates
from e2ekit._serving.event_loop import LoopThread
from e2ekit._serving.forward_proxy import ForwardProxy, forward_proxy
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
    """Serves origins on demand and keeps them for the run; every origin is answered by the one shared Router.

    An origin with a port is that exact origin (the user's allow-list names it), answered by the forward proxy; the
    port may be in use by another process. An origin on a loopback host without a port gets a port the OS assigns
    to a server of its own; a target on the page's host gets a different port than the page (same-site). Any other
    host without a port has its scheme's default port, as in a URL.
    Apps are started (their lifespan startup) once, before their first request, and shut down at ``close()``, after
    every server stopped: a shutdown failure is raised from ``close()`` as AppShutdownError once all is stopped.
    """

    def __init__(self, *, startup_timeout: float = STARTUP_TIMEOUT) -> None:
        self.router = Router()
        self._servers: dict[tuple[str, int], Server] = {}
        self._auto: dict[tuple[str, str], list[Server]] = {}
        self._lock = threading.Lock()
        self._loop = LoopThread.shared()
        self._proxy: ForwardProxy = forward_proxy()
        self._startup_timeout = startup_timeout
        self._started: dict[int, _StartedApp] = {}
        self._served: dict[int | str, tuple[object, ASGIApp]] = {}
        self._stack = ExitStack()
        self._stack.callback(self._shut_down_apps)
        self._stack.callback(self._proxy.withdraw, self.router)

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
        with self._lock, phase("servers"):
            served_page = self._serve(page, avoid=None)
            if target == SAME_ORIGIN:
                return served_page, served_page
            assert isinstance(target, Origin)
            return served_page, self._serve(target, avoid=served_page)

    def target(self, target: Origin) -> Origin:
        """The concrete origin for a target visited on its own (no page involved)."""
        with self._lock, phase("servers"):
            return self._serve(target, avoid=None)

    def _serve(self, origin: Origin, avoid: Origin | None) -> Origin:
        if origin.port is not None:
            self._answer(origin)
            return origin
        for server in self._auto.setdefault((origin.scheme, origin.host), []):
            candidate = origin.with_port(server.origin.port)  # type: ignore[arg-type]
            if candidate != avoid:
                return candidate
        server = self._start(origin)
        self._auto[(origin.scheme, origin.host)].append(server)
        return server.origin

    def _answer(self, origin: Origin) -> None:
        """Have the forward proxy answer for ``origin`` with this topology's router."""
        self._proxy.serve(origin, self.router)
        self.router.server_authorities.add(origin.authority)

    def _start(self, origin: Origin) -> Server:
        tls = run_certificates().server_context(origin.host) if origin.scheme == "https" else None
        server = Server(self.router, origin, self._loop, tls)
        self._stack.enter_context(server)
        self._servers[(origin.bind_address, server.origin.port)] = server  # type: ignore[index]
        port = server.origin.port
        assert port is not None
        for host in ("localhost", origin.bind_address):  # the server answers to both names
            self.router.server_authorities.add(Origin(origin.scheme, host, port).authority)
        self._answer(server.origin)
        return server

    def close(self) -> None:
        """Stop every server this topology started, then shut its apps down; raise AppShutdownError after all of
        it if an app's shutdown failed."""
        with self._lock, phase("close"):
            try:
                self._stop_servers()
                self._stack.close()
            finally:
                self._servers.clear()
                self._auto.clear()

    def _stop_servers(self) -> None:
        # Side by side: a uvicorn server notices that it should exit only at its next tick (every 0.1 s), one after
        # another they take a tick each. Stopping again from the exit stack then returns at once.
        threads = [
            threading.Thread(target=server.stop, name="e2ekit-server-stop", daemon=True)
            for server in self._servers.values()
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()  # each stop is bounded (e2ekit._serving.server.SHUTDOWN_TIMEOUT)

    def __enter__(self) -> Topology:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        try:
            self.close()
        except AppShutdownError:
            if exc_type is None:
                raise
            # The error already under way is the one to report; a shutdown failure after it would hide it.
