"""An executor whose threads never keep the process alive, for the WSGI apps the kit serves.

A WSGI view that never returns (``time.sleep``, a lock, a socket read without a timeout) holds its thread forever.
A ``ThreadPoolExecutor`` (what a2wsgi, like most ASGI servers, runs WSGI apps on) joins its threads when the
interpreter exits, so one such view would keep ``e2ekit`` and pytest from ever exiting after they reported it.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["DaemonThreads"]

T = TypeVar("T")


class DaemonThreads(concurrent.futures.Executor):
    """Runs each call on a daemon thread of its own (a thread costs well under a millisecond; a probe more)."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[T]:
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as error:  # handed to the caller, whatever it is
                future.set_exception(error)

        threading.Thread(target=run, name="e2ekit-wsgi", daemon=True).start()
        return future
