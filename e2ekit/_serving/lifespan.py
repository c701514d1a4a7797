"""Run an ASGI app's lifespan (startup and shutdown) as uvicorn's ``--lifespan auto`` does, state included.

Like uvicorn, the lifespan scope carries a ``state`` dict; what the app puts there at startup (Starlette and FastAPI
put what a lifespan yields: ``yield {"db": pool}``) is copied into every request's scope by the router, so
``request.state.db`` works. Unlike a server that exits after shutdown, the kit reports after it, so an app cannot end
the process at either end: ``sys.exit()`` and ``os._exit()`` there (Chainlit's shutdown ends with ``os._exit(0)``)
become an outcome of the lifespan instead. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from e2ekit._errors import AppShutdownError, AppStartupError
from e2ekit._serving.asgi import ASGIApp, Message

__all__ = ["SHUTDOWN_TIMEOUT", "STARTUP_TIMEOUT", "AppLifespan"]

STARTUP_TIMEOUT = 30.0
SHUTDOWN_TIMEOUT = 10.0
_ENDED = "e2ekit.lifespan.ended"
"""Sent to ourselves when the app's lifespan call returns or raises, so no wait outlives it."""


class AppLifespan:
    """The lifespan of one app: ``await startup()`` before its first request, ``await shutdown()`` at the end.

    An app that does not speak the lifespan protocol (it raises before asking for the startup event, or returns)
    simply has no lifespan, as with uvicorn's "auto" mode.
    """

    def __init__(
        self, app: ASGIApp, *, startup_timeout: float = STARTUP_TIMEOUT, shutdown_timeout: float = SHUTDOWN_TIMEOUT
    ) -> None:
        self._app = app
        self._startup_timeout = startup_timeout
        self._shutdown_timeout = shutdown_timeout
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._asked = False
        self._supported = True
        self._ending: str | None = None
        """How the app's lifespan call ended other than by returning: the exception, or the exit it asked for."""
        self._exit_code: int | None = None
        self.state: dict[str, Any] = {}
        """The lifespan state: what the app stored at startup, copied into each request's scope."""

    async def startup(self) -> None:
        """Run the app's startup; raise AppStartupError if it fails, exits, or does not complete in time."""
        with _process_exit_refused():
            self._task = asyncio.create_task(self._main())
            await self._to_app.put({"type": "lifespan.startup"})
            try:
                message = await asyncio.wait_for(self._from_app.get(), self._startup_timeout)
            except TimeoutError:
                self._task.cancel()
                raise AppStartupError(
                    f"the app's startup did not complete within {self._startup_timeout:g} s (its lifespan never "
                    "sent lifespan.startup.complete); make the startup finish, or allow longer with --startup-timeout"
                ) from None
            if message["type"] == "lifespan.startup.complete":
                return
            if (message["type"] == _ENDED and not self._asked) or not message["type"].startswith("lifespan."):
                # No lifespan support: the app raised or returned before asking for the startup event, or answered
                # the lifespan scope with messages of another protocol (an app that treats every scope as http).
                self._supported = False
                return
            await self._ended()
            self._fail(AppStartupError, "startup", message)

    async def shutdown(self) -> None:
        """Run the app's shutdown; raise AppShutdownError if it fails, hangs, or asks to exit with a non-zero code."""
        if not self._supported or self._task is None or self._task.done():
            return
        with _process_exit_refused():
            await self._to_app.put({"type": "lifespan.shutdown"})
            try:
                message = await asyncio.wait_for(self._from_app.get(), self._shutdown_timeout)
            except TimeoutError:
                self._task.cancel()
                raise AppShutdownError(
                    f"the app's shutdown did not complete within {self._shutdown_timeout:g} s"
                ) from None
            await self._ended()
            if message["type"] == "lifespan.shutdown.complete" and self._ending is None:
                return
            if self._exit_code == 0:
                # The app asked the process to end, successfully, as a server would right after shutdown. The kit's
                # own exit code (the results) stands.
                return
            self._fail(AppShutdownError, "shutdown", message)

    async def _main(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}

        async def receive() -> Message:
            self._asked = True
            return await self._to_app.get()

        try:
            await self._app(scope, receive, self._from_app.put)
        except _ExitRequested as exit:
            self._ending, self._exit_code = f"called os._exit({exit.code})", exit.code
        except SystemExit as exit:  # never let it reach the event loop: it would stop the loop for every server
            code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
            self._ending, self._exit_code = f"called sys.exit({exit.code!r})", code
        except Exception as error:  # an app without lifespan support raises on the unknown scope type
            self._ending = f"{type(error).__name__}: {error}"
        finally:
            await self._from_app.put({"type": _ENDED})

    async def _ended(self) -> None:
        """Let the app's lifespan call finish (a framework re-raises after reporting a failure)."""
        assert self._task is not None
        await asyncio.wait([self._task], timeout=self._shutdown_timeout)

    def _fail(self, error: type[AppStartupError] | type[AppShutdownError], phase: str, message: Message) -> NoReturn:
        if self._exit_code is not None:
            raise error(f"the app's {phase} {self._ending}; e2ekit does not let an app end the process")
        raise error(f"the app's {phase} failed: {self._ending or _last_line(message)}")


def _last_line(message: Message) -> str:
    # Starlette sends the whole traceback as the message; its last line names the exception.
    lines = [line for line in str(message.get("message") or "").splitlines() if line.strip()]
    return lines[-1] if lines else "no message given"


class _ExitRequested(BaseException):
    """Raised in place of os._exit() while an app's lifespan runs; a BaseException, so ``except Exception`` in the
    app does not swallow it."""

    def __init__(self, code: int) -> None:
        super().__init__(f"os._exit({code})")
        self.code = code


def _refuse_exit(status: int, /) -> NoReturn:
    raise _ExitRequested(status)


_refusals = 0
_refusals_lock = threading.Lock()
_os_exit = os._exit


@contextmanager
def _process_exit_refused() -> Iterator[None]:
    """While an app's startup or shutdown runs, ``os._exit()`` raises instead of ending the process.

    Counted, because lifespans of several apps may run at once on the loop. A process forked by the app in this
    window would inherit the replacement: lifespans that fork are not known to call os._exit in the child.
    """
    global _refusals
    with _refusals_lock:
        _refusals += 1
        os._exit = _refuse_exit  # type: ignore[assignment]
    try:
        yield
    finally:
        with _refusals_lock:
            _refusals -= 1
            if _refusals == 0:
                os._exit = _os_exit
