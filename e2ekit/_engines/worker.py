"""Runs one engine on a thread of its own, with a timeout on every call.

Playwright's sync API belongs to the thread that started it, and a test process may already use Playwright on its
main thread (pytest-playwright's ``page``): a dedicated thread per engine avoids both conflicts, and lets engines
run side by side.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from typing import TypeVar

from e2ekit._engines.base import Engine, EngineError, EngineInfo

__all__ = ["EngineWorker"]

T = TypeVar("T")


class EngineWorker:
    """Launches an engine with ``launch`` on its own thread; every later call runs there too."""

    def __init__(self, name: str, launch: Callable[[], Engine], launch_timeout: float) -> None:
        self.name = name
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"e2ekit-{name}")
        self._engine: Engine | None = None
        self.document: str | None = None
        """The URL loaded in the engine's page, as far as e2ekit knows; None when unknown."""
        try:
            self._engine = self._submit(launch, launch_timeout, "start")
        except BaseException:
            self._executor.shutdown(wait=False, cancel_futures=True)
            raise

    @property
    def info(self) -> EngineInfo:
        assert self._engine is not None
        return self._engine.info

    def call(self, action: Callable[[Engine], T], timeout: float, what: str) -> T:
        """Run ``action(engine)`` on the engine's thread; EngineError if it fails or exceeds ``timeout``."""
        engine = self._engine
        if engine is None:
            raise EngineError(f"{self.name} is closed")
        return self._submit(lambda: action(engine), timeout, what)

    def _submit(self, action: Callable[[], T], timeout: float, what: str) -> T:
        future = self._executor.submit(action)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            raise EngineError(f"{self.name} did not {what} within {timeout:.0f} s") from None
        except EngineError:
            raise
        except Exception as error:  # a backend's own exception types (Playwright, Selenium) become EngineError
            raise EngineError(f"{self.name} failed to {what}: {type(error).__name__}: {_first_line(error)}") from error

    def close(self, timeout: float = 15.0) -> None:
        engine, self._engine = self._engine, None
        if engine is not None:
            try:
                self._submit(engine.close, timeout, "close")
            except EngineError:
                pass  # the backend's close() already tore down what it could; nothing more to do from here
        self._executor.shutdown(wait=False, cancel_futures=True)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else "(no message)"
