"""One asyncio event loop on a thread of its own: every server, app lifespan and the forward proxy live on it.

Sharing one loop matters for apps whose startup creates loop-bound resources (a database pool, an HTTP client):
requests reaching the app through any of the kit's servers then run on the loop those resources belong to. The
loop is the process's (``LoopThread.shared()``): the forward proxy routes each request to whichever topology serves
its origin and knows its probe, so every topology's apps must run on the proxy's loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Coroutine
from functools import cache
from typing import Any, TypeVar

__all__ = ["LoopThread"]

T = TypeVar("T")

STOP_TIMEOUT = 5.0


class LoopThread:
    """Runs an event loop in a daemon thread until ``stop()``."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="e2ekit-event-loop", daemon=True)
        self._thread.start()

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coroutine`` on the loop; the future completes when it does."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def call_soon(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` on the loop's thread, from any thread."""
        self._loop.call_soon_threadsafe(callback)

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float) -> T:
        """Run ``coroutine`` on the loop and wait up to ``timeout`` seconds for its result."""
        return self.submit(coroutine).result(timeout)

    @staticmethod
    @cache
    def shared() -> LoopThread:
        """The process's loop, started on first use; its thread is a daemon and ends with the process."""
        return LoopThread()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(STOP_TIMEOUT)
        if not self._thread.is_alive() and not self._loop.is_closed():
            self._loop.close()
