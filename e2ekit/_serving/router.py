"""The ASGI app every e2ekit server runs: the probe page, and each probe's requests routed to its app.

Requests are routed by the probe marker (see e2ekit._serving.marker), redirect hops included; the app under test
never sees the marker.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from e2ekit._probing.exchange import Exchange
from e2ekit._serving.asgi import ASGIApp, Receive, Scope, Send
from e2ekit._serving.marker import add_marker, marker_in_query, without_marker
from e2ekit._serving.page import CLEAR_COOKIES_PATH, PAGE_PATH, serve_page
from e2ekit._serving.recorder import record_exchange

__all__ = ["Recording", "Router"]


@dataclass
class Recording:
    """What the target saw for one probe, in arrival order."""

    app: ASGIApp
    state: dict[str, Any] | None = None
    """The app's lifespan state; each request gets a shallow copy in its scope, as under uvicorn."""
    exchanges: list[Exchange] = field(default_factory=list)
    _in_flight: int = 0
    _idle: threading.Condition = field(default_factory=threading.Condition)

    def begin(self) -> None:
        with self._idle:
            self._in_flight += 1

    def end(self) -> None:
        with self._idle:
            self._in_flight -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until the app is done with every response of this probe it started: it may raise after sending one.

        A request whose response never started is not waited for: the browser gave up on it (the fetch timed out),
        and an app that hangs would hold the wait for as long."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout)


_MARKERS = itertools.count(1)
"""Markers are unique in the process, not per router: the forward proxy finds a probe's router by its marker when
several topologies serve one origin (a test's own Topology beside the plugin's, sharing one engine)."""


class Router:
    """Routes marked requests to their probe's app through the wire recorder; serves the page; 404s the rest."""

    def __init__(self) -> None:
        self._recordings: dict[int, Recording] = {}
        self._lock = threading.Lock()
        self.server_authorities: set[str] = set()
        self.unattributed: list[Exchange] = []

    def register(self, app: ASGIApp, state: dict[str, Any] | None = None) -> tuple[int, Recording]:
        """A fresh marker whose requests go to ``app`` (with its lifespan ``state``), and the recording they fill."""
        recording = Recording(app, state)
        with self._lock:
            marker = next(_MARKERS)
            self._recordings[marker] = recording
        return marker, recording

    def knows(self, marker: int) -> bool:
        """Whether ``marker`` is one of this router's probes (registered and not released)."""
        return marker in self._recordings

    def recordings(self, markers: list[int]) -> list[Recording]:
        with self._lock:
            return [self._recordings[marker] for marker in markers if marker in self._recordings]

    def release(self, marker: int) -> None:
        with self._lock:
            self._recordings.pop(marker, None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] in (PAGE_PATH, CLEAR_COOKIES_PATH):
            await serve_page(scope, receive, send)
            return
        query = scope["query_string"].decode("latin-1")
        marker = marker_in_query(query)
        recording = None if marker is None else self._recordings.get(marker)
        if marker is None or recording is None:
            url = _request_url(scope, query)
            await record_exchange(
                _not_a_probe, scope, receive, send, url=url, exchanges=self.unattributed, rewrite_location=str
            )
            return
        clean_query = without_marker(query)
        raw_path = scope.get("raw_path") or scope["path"].encode()
        app_scope = {**scope, "query_string": clean_query.encode("latin-1"), "raw_path": raw_path.split(b"?")[0]}
        if recording.state is not None:
            app_scope["state"] = recording.state.copy()
        responding = False

        def response_started() -> None:
            nonlocal responding
            responding = True
            recording.begin()

        try:
            await record_exchange(
                recording.app,
                app_scope,
                receive,
                send,
                url=_request_url(scope, clean_query),
                exchanges=recording.exchanges,
                rewrite_location=lambda location: self._mark_location(location, marker),
                on_response_start=response_started,
            )
        finally:
            if responding:
                recording.end()

    def _mark_location(self, location: str, marker: int) -> str:
        # Keep redirect hops attributed (and uniquely cached): mark redirects that stay on e2ekit's servers.
        parts = urlsplit(location)
        if parts.netloc and parts.netloc not in self.server_authorities:
            return location
        return add_marker(location, marker)


def _request_url(scope: Scope, query: str) -> str:
    host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
    return f"{scope['scheme']}://{host}{scope['path']}" + (f"?{query}" if query else "")


async def _not_a_probe(scope: Scope, receive: Receive, send: Send) -> None:
    body = b"Not an e2ekit probe URL (no known __e2ekit marker)."
    await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})
