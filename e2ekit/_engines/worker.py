"""Runs one engine on a thread of its own, with a timeout on every call, and stops it at once when asked.

Playwright's sync API belongs to the thread that started it, and a test process may already use Playwright on its
main thread (pytest-playwright's ``page``): a dedicated thread per engine avoids both conflicts, and lets engines
run side by side. The thread is a daemon: an engine stuck in a browser call never holds up the interpreter's exit
(the atexit cleanup of e2ekit._engines.processes still kills its processes).
"""

from __future__ import annotations

import concurrent.futures
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from e2ekit._engines.base import Engine, EngineInfo
from e2ekit._engines.processes import ProcessSession
from e2ekit._engines.proxy_settings import ProxySettings
from e2ekit._engines.selection import EngineSpec, resolve_engine
from e2ekit._errors import EngineError, EngineInterrupted
from e2ekit._phases import phase

__all__ = [
    "ABORT_TIMEOUT",
    "CLOSE_TIMEOUT",
    "LAUNCH_TIMEOUT",
    "EngineWorker",
    "StopRequest",
    "launch_engine",
]

LAUNCH_TIMEOUT = 60.0
CLOSE_TIMEOUT = 15.0
ABORT_TIMEOUT = 1.0
"""Seconds to wait for a browser to exit once killed, and for an interrupted engine's close to finish."""

T = TypeVar("T")
_Task = tuple["concurrent.futures.Future[Any]", Callable[[], Any]]


class StopRequest:
    """Asks the engines of a run to stop: every wait on them ends at once, and each kills its browser."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._requested = False
        self._callbacks: list[Callable[[], None]] = []

    @property
    def requested(self) -> bool:
        return self._requested

    def request(self) -> None:
        """Stop: wake every waiting call, then run the registered callbacks side by side; return when all have."""
        with self._changed:
            if self._requested:
                return
            self._requested = True
            callbacks, self._callbacks = self._callbacks, []
            self._changed.notify_all()
        threads = [threading.Thread(target=callback, name="e2ekit-stop", daemon=True) for callback in callbacks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()  # each callback is bounded (ABORT_TIMEOUT)

    def on_request(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when a stop is requested (at once if it already was)."""
        with self._changed:
            if not self._requested:
                self._callbacks.append(callback)
                return
        callback()

    def wait(self, future: concurrent.futures.Future[Any], timeout: float) -> bool:
        """Wait up to ``timeout`` until ``future`` is done or a stop is requested; whether ``future`` is done."""
        future.add_done_callback(self._wake)
        with self._changed:
            self._changed.wait_for(lambda: future.done() or self._requested, timeout)
        return future.done()

    def _wake(self, _: concurrent.futures.Future[Any]) -> None:
        with self._changed:
            self._changed.notify_all()


class EngineWorker:
    """Launches an engine with ``launch`` on its own thread; every later call runs there too.

    ``stop`` (shared by the engines of a run) interrupts it: calls waiting on the engine raise EngineInterrupted
    at once, later calls too; the engine aborts a command in flight from the thread that asked, so that ``close()``
    takes no longer than ``ABORT_TIMEOUT`` (then what is left is killed). A KeyboardInterrupt that reaches a call
    waiting on this thread interrupts the worker the same way.
    """

    def __init__(
        self,
        name: str,
        launch: Callable[[ProcessSession], Engine],
        launch_timeout: float,
        *,
        stop: StopRequest | None = None,
    ) -> None:
        self.name = name
        try:
            self.processes = ProcessSession(name)
        except OSError as error:  # a full or read-only temporary directory
            raise EngineError(f"{name} cannot start: no temporary directory for it: {error}") from error
        self._stop = stop or StopRequest()
        self._interrupted = False
        self._tasks: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        threading.Thread(target=_serve, args=(self._tasks,), name=f"e2ekit-{name}", daemon=True).start()
        self._engine: Engine | None = None
        """The engine, until ``close()``."""
        self._launched: Engine | None = None
        """The engine, also during and after ``close()`` (to abort what it does)."""
        self._document: str | None = None
        """The URL loaded in the engine's page, as far as e2ekit knows; None when unknown."""
        self._stop.on_request(self.interrupt)
        launched = self._start(lambda: launch(self.processes))
        try:
            with phase("launch", name):
                self._engine = self._launched = self._wait(launched, launch_timeout, "start")
        except BaseException:
            # The launch may still be under way on the engine's thread: kill what it started so far, close what it
            # returns should it finish anyway, and let the thread end.
            self.processes.close(ABORT_TIMEOUT)
            self._tasks.put((concurrent.futures.Future(), lambda: _close_launched(launched)))
            self._tasks.put(None)
            raise

    @property
    def info(self) -> EngineInfo:
        assert self._engine is not None
        return self._engine.info

    @property
    def interrupted(self) -> bool:
        """Whether the worker was stopped: every call raises EngineInterrupted."""
        return self._interrupted or self._stop.requested

    def interrupt(self) -> None:
        """Stop the engine at once, from any thread: calls fail from now on, a command in flight fails at once (the
        engine aborts it, or its processes are killed while it still starts)."""
        self._interrupted = True
        if self._launched is None:
            self.processes.close(ABORT_TIMEOUT)
        else:  # also while close() is under way: it may wait on the command in flight
            self._launched.abort(ABORT_TIMEOUT)

    def call(self, action: Callable[[Engine], T], timeout: float, what: str) -> T:
        """Run ``action(engine)`` on the engine's thread; EngineError if it fails or exceeds ``timeout``.

        After a failure the page's document is unknown, so the next ``load`` navigates again.
        """
        engine = self._engine
        if self.interrupted:
            raise EngineInterrupted.of(self.name)
        if engine is None:
            raise EngineError(f"{self.name} is closed")
        try:
            return self._wait(self._start(lambda: action(engine)), timeout, what)
        except EngineError:
            self._document = None
            raise

    def load(self, url: str, timeout: float, what: str) -> None:
        """Make ``url`` the page's document; skipped when it already is (probes of one page share one load)."""
        if self._document == url:
            return
        self._document = None
        with phase("navigation", self.name):
            self.call(lambda engine: engine.navigate(url, timeout), timeout + 5, what)
        self._document = url

    def visit(self, url: str, timeout: float, what: str) -> None:
        """Load ``url`` top-level in a page of the engine's own (one per site), as a user's visit; the probe page
        keeps its document."""
        with phase("navigation", self.name):
            self.call(lambda engine: engine.visit(url, timeout), timeout + 5, what)

    def clear_cookies(self, origins: set[str], set_by: set[str], timeout: float) -> None:
        """Forget the cookies of ``origins`` (``set_by`` set them: see Engine.clear_cookies); the probe page keeps
        its document."""
        with phase("cookie clearing", self.name):
            self.call(lambda engine: engine.clear_cookies(origins, set_by, timeout), timeout * 3, "clear cookies")

    def _start(self, action: Callable[[], T]) -> concurrent.futures.Future[T]:
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._tasks.put((future, action))
        return future

    def _wait(self, future: concurrent.futures.Future[T], timeout: float, what: str) -> T:
        try:
            done = self._stop.wait(future, timeout)
        except KeyboardInterrupt:
            self.interrupt()
            raise
        if self.interrupted:
            raise EngineInterrupted.of(self.name)
        if not done:
            raise EngineError(f"{self.name} did not {what} within {timeout:.0f} s")
        try:
            return future.result()
        except EngineError:
            raise
        except Exception as error:  # a backend's own exception types (Playwright, Selenium) become EngineError
            raise EngineError(f"{self.name} failed to {what}: {type(error).__name__}: {_first_line(error)}") from error

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """Close the engine on its thread, within ``timeout`` (``ABORT_TIMEOUT`` once interrupted), then kill
        whatever of it is left; the thread ends once it has nothing more to do."""
        engine, self._engine = self._engine, None
        with phase("close", self.name):
            if engine is not None:
                closing = self._start(engine.close)
                concurrent.futures.wait([closing], ABORT_TIMEOUT if self.interrupted else timeout)
            self.processes.close()
        self._tasks.put(None)


def _serve(tasks: queue.SimpleQueue[_Task | None]) -> None:
    while (task := tasks.get()) is not None:
        future, action = task
        if not future.set_running_or_notify_cancel():
            continue
        try:
            future.set_result(action())
        except BaseException as error:  # handed to the waiting caller, whatever it is
            future.set_exception(error)


def _close_launched(launched: concurrent.futures.Future[Engine]) -> None:
    if launched.done() and launched.exception() is None:
        launched.result().close()


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else "(no message)"


def launch_engine(
    requested: EngineSpec,
    *,
    launch_args: dict[str, Any] | None = None,
    stop: StopRequest | None = None,
    direct: bool = False,
) -> EngineWorker:
    """Start the engine ``requested`` names, through the backend ``resolve_engine`` chooses; EngineUnavailable (with
    the install command) if it is not installed, EngineConfigError if an executable it names (or ``E2EKIT_<NAME>``
    names) does not exist, EngineInterrupted if ``stop`` is requested first.

    ``launch_args`` are Playwright's launch arguments; the WebDriver backends honour ``headless`` from them, and a
    Playwright server receives them as its launch options (``executable_path`` included: the path on its machine).

    The engine sends every request through the kit's forward proxy, which answers for every origin of the run
    (e2ekit._serving.forward_proxy), and accepts the run's certificates. ``direct`` launches it without: it then
    reaches only the origins with a server of their own (loopback origins without a port), as a browser reaches a
    real server; for comparisons. A remote Playwright server's browser is direct, unless ``E2EKIT_EXPOSE`` exposes the
    proxy to it (e2ekit._engines.exposure).
    """
    proxy = None if direct else _forward_proxy_settings()

    def launch(processes: ProcessSession) -> Engine:
        # Imported here: each backend pulls in its automation library (Playwright, Selenium), which only a run needs.
        plan = resolve_engine(requested)
        if plan.webdriver is not None:
            from e2ekit._engines.webdriver import WebDriverEngine

            headless = (launch_args or {}).get("headless", True)
            return WebDriverEngine(plan.webdriver, headless=headless, processes=processes, proxy=proxy)
        from e2ekit._engines.playwright import PlaywrightEngine

        executable = None if plan.playwright_build else plan.executable
        return PlaywrightEngine(plan.name, executable, launch_args, processes, endpoint=plan.endpoint, proxy=proxy)

    return EngineWorker(requested.name, launch, LAUNCH_TIMEOUT, stop=stop)


def _forward_proxy_settings() -> ProxySettings:
    from e2ekit._serving.forward_proxy import forward_proxy  # the serving layer, which only a run needs

    proxy = forward_proxy()
    return ProxySettings(proxy.host, proxy.port)
