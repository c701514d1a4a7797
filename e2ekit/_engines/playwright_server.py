"""A Playwright browser server on this machine's loopback, for the tests and benchmarks of remote engines.

``python -m playwright run-server --port 0 --host 127.0.0.1`` prints ``Listening on ws://127.0.0.1:P/`` once it
accepts connections; that line is the readiness signal (no polling, no sleep). The server and every browser it
launches carry a process session's token, so ``close()`` ends all of them and the watchdog reaps them should this
process die first (see e2ekit._engines.processes).

``unsafe`` passes ``--unsafe``, which lets clients choose the browser executable and its arguments (the system
Chromium here, where Playwright's own builds are not installed). It is meant for a server on loopback that only
this machine's processes reach; the server binds 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import threading
import time
from typing import IO
from urllib.parse import urlencode

from e2ekit._engines.playwright import SYSTEM_CHROMIUM_ARGS
from e2ekit._engines.processes import ProcessSession
from e2ekit._errors import EngineError

__all__ = ["READY_TIMEOUT", "PlaywrightServer"]

READY_TIMEOUT = 30.0
_READY_PREFIX = "Listening on "


class PlaywrightServer:
    """``playwright run-server`` on 127.0.0.1 at a port the OS picks; ``endpoint`` once started; a context manager."""

    def __init__(self, *, unsafe: bool = False, ready_timeout: float = READY_TIMEOUT) -> None:
        self.unsafe = unsafe
        self.ready_timeout = ready_timeout
        self.endpoint = ""
        self.processes = ProcessSession("playwright-server")

    def start(self) -> PlaywrightServer:
        command = [sys.executable, "-m", "playwright", "run-server", "--port", "0", "--host", "127.0.0.1"]
        process = subprocess.Popen(
            [*command, *(["--unsafe"] * self.unsafe)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=self.processes.env(temp_dir=False),
            **self.processes.popen_kw(),
        )
        self.processes.adopt(process)
        assert process.stdout is not None
        try:
            self.endpoint = _ready_line(process, process.stdout, self.ready_timeout).removeprefix(_READY_PREFIX)
        except BaseException:
            self.close()
            raise
        threading.Thread(target=_drain, args=(process.stdout,), name="e2ekit-playwright-server", daemon=True).start()
        return self

    def endpoint_launching(self, executable: str, args: tuple[str, ...] = SYSTEM_CHROMIUM_ARGS) -> str:
        """The endpoint with launch options in its URL (Playwright's ``launch-options`` parameter): the server runs
        ``executable`` with ``args`` for every client, whatever options a client sends (needs ``unsafe``)."""
        options = {"executablePath": executable, "args": list(args), "headless": True}
        return f"{self.endpoint}?{urlencode({'launch-options': json.dumps(options)})}"

    def close(self) -> None:
        """Stop the server and every browser it launched."""
        self.processes.close()

    def __enter__(self) -> PlaywrightServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _ready_line(process: subprocess.Popen[bytes], output: IO[bytes], timeout: float) -> str:
    """The server's "Listening on ..." line, read within ``timeout``; EngineError with what it printed otherwise."""
    deadline = time.monotonic() + timeout
    received = b""
    with selectors.DefaultSelector() as selector:
        selector.register(output, selectors.EVENT_READ)
        while (left := deadline - time.monotonic()) > 0 and selector.select(left):
            chunk = os.read(output.fileno(), 4096)
            if not chunk:  # end of output: the server exited
                process.wait(1)
                printed = received.decode(errors="replace").strip()
                raise EngineError(f"the Playwright server exited with {process.returncode}: {printed}")
            received += chunk
            for line in received.decode(errors="replace").splitlines():
                if line.startswith(_READY_PREFIX):
                    return line.strip()
    printed = received.decode(errors="replace").strip()
    raise EngineError(f"the Playwright server did not start within {timeout:.0f} s: {printed}")


def _drain(output: IO[bytes]) -> None:
    # Whatever the server prints later must not fill the pipe and stall it.
    while os.read(output.fileno(), 65536):
        pass
