"""The kit's servers for one run, and how page and target origins map onto them."""

from __future__ import annotations

import threading
from contextlib import ExitStack

from e2ekit._probing.origins import Origin
from e2ekit._serving.apps import load_app
from e2ekit._serving.asgi import ASGIApp
from e2ekit._serving.event_loop import LoopThread
from e2ekit._serving.lifespan import LIFESPAN_TIMEOUT, AppLifespan
from e2ekit._serving.router import Router
from e2ekit._serving.server import Server

__all__ = ["SAME_ORIGIN", "Topology"]

SAME_ORIGIN = "same-origin"
"""Pass as the target origin to serve the app on the page's own origin."""


class Topology:
    """Starts servers on demand and keeps them for the run; every server runs the one shared Router.

    An origin with a port is served on exactly that port (the user's allow-list names it). An origin without a port
    is served on a port the OS assigns; a target on the page's host gets a different port than the page (same-site).
    """

    def __init__(self) -> None:
        self.router = Router()
        self._servers: dict[tuple[str, int], Server] = {}
        self._auto: dict[str, list[Server]] = {}
        self._lock = threading.Lock()
        self._loop = LoopThread()
        self._lifespans: dict[int, tuple[ASGIApp, AppLifespan]] = {}
        self._imported: dict[str, ASGIApp] = {}
        self._stack = ExitStack()
        self._stack.callback(self._loop.stop)
        self._stack.callback(self._shut_down_apps)

    def app(self, app: ASGIApp | str) -> ASGIApp:
        """``app`` itself, or the app an import string ``module:attr`` names, imported once per run."""
        if not isinstance(app, str):
            return app
        with self._lock:
            if app not in self._imported:
                self._imported[app] = load_app(app)
            return self._imported[app]

    def start_app(self, app: ASGIApp) -> None:
        """Run ``app``'s lifespan startup once, before its first request; shutdown follows at ``close()``."""
        with self._lock:
            if id(app) in self._lifespans:
                return
            lifespan = AppLifespan(app)
            # Keep the app referenced so its id() stays unique for the run.
            self._lifespans[id(app)] = (app, lifespan)
        self._loop.run(lifespan.startup(), LIFESPAN_TIMEOUT + 1)

    def _shut_down_apps(self) -> None:
        for _, lifespan in self._lifespans.values():
            try:
                self._loop.run(lifespan.shutdown(), LIFESPAN_TIMEOUT + 1)
            except Exception:  # an app failing at shutdown must not keep the remaining ones from shutting down
                continue
        self._lifespans.clear()

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
        """Stop every server this topology started."""
        with self._lock:
            self._stack.close()
            self._servers.clear()
            self._auto.clear()

    def __enter__(self) -> Topology:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
