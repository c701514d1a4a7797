"""Run an ASGI app's lifespan (startup and shutdown), as uvicorn's ``--lifespan auto`` does."""

from __future__ import annotations

import asyncio
from typing import Any

from e2ekit._serving.asgi import ASGIApp, Message
from e2ekit._serving.server import ServerError

__all__ = ["AppLifespan", "AppStartupError"]

LIFESPAN_TIMEOUT = 30.0


class AppStartupError(ServerError):
    """The app under test reported that its startup failed."""


class AppLifespan:
    """The lifespan of one app: ``await startup()`` before its first request, ``await shutdown()`` at the end.

    An app that does not speak the lifespan protocol (it raises before asking for the startup event) simply has no
    lifespan, as with uvicorn's "auto" mode.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._supported = True
        self.state: dict[str, Any] = {}

    async def startup(self) -> None:
        self._task = asyncio.create_task(self._main())
        await self._to_app.put({"type": "lifespan.startup"})
        message = await asyncio.wait_for(self._from_app.get(), LIFESPAN_TIMEOUT)
        if message["type"] == "lifespan.startup.failed":
            # Starlette sends the whole traceback as the message; its last line names the exception.
            lines = [line for line in str(message.get("message") or "").splitlines() if line.strip()]
            raise AppStartupError(f"the app's startup failed: {lines[-1] if lines else 'no message given'}")

    async def shutdown(self) -> None:
        if not self._supported or self._task is None or self._task.done():
            return
        await self._to_app.put({"type": "lifespan.shutdown"})
        try:
            await asyncio.wait_for(self._from_app.get(), LIFESPAN_TIMEOUT)
        except TimeoutError:
            self._task.cancel()

    async def _main(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        received_startup = False

        async def receive() -> Message:
            nonlocal received_startup
            received_startup = True
            return await self._to_app.get()

        try:
            await self._app(scope, receive, self._from_app.put)
        except Exception as error:  # an app without lifespan support raises on the unknown scope type
            if received_startup:
                await self._from_app.put(
                    {"type": "lifespan.startup.failed", "message": f"{type(error).__name__}: {error}"}
                )
                return
            self._supported = False
            await self._from_app.put({"type": "lifespan.startup.complete"})
            return
        if not received_startup:
            self._supported = False
            await self._from_app.put({"type": "lifespan.startup.complete"})
