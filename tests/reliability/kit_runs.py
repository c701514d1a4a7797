"""A kit process run the way a user or CI runs it, stopped mid-run, and what it leaves behind, counted with psutil.

The kit runs with a private TMPDIR, so every temporary directory it (or a browser, or Playwright's Node driver)
makes lands there: "no temp dir left" is "that directory is empty" (X displays keep theirs in /tmp: checked by
number). Readiness is signalled, not slept for: the
scenario app below connects to a UNIX socket of the test when a browser's request arrives, then holds the request.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from e2ekit._engines.orphans import TOKEN_VARIABLE, is_alive, wait_for_exit

READY_SOCKET_VARIABLE = "E2EKIT_TEST_READY_SOCKET"

STALLING_APP = textwrap.dedent(
    '''
    """A route that tells the test a browser's request arrived, then holds it (the run is then mid-batch)."""

    import os
    import socket

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route


    async def stall(request):
        if request.headers.get("host") != "testserver":  # the header-only baseline (TestClient) is not a browser
            with socket.socket(socket.AF_UNIX) as ready:
                ready.connect(os.environ["E2EKIT_TEST_READY_SOCKET"])
                ready.sendall(request.headers.get("user-agent", "").encode())
            # Hold the request until the browser goes away, and no longer: the server's own shutdown is not what
            # these tests measure.
            while (await request.receive())["type"] != "http.disconnect":
                pass
        return PlainTextResponse("late")


    app = Starlette(routes=[Route("/stall", stall)], middleware=[Middleware(CORSMiddleware, allow_origins=["*"])])
    '''
)

HUNG_APP = textwrap.dedent(
    '''
    """Apps that tell the test a browser's request arrived, then never answer it: an ASGI app awaiting forever, a
    WSGI app sleeping on its thread. The header-only check (the test client) gets its answer at once."""

    import asyncio
    import os
    import socket
    import time


    def ready(user_agent):
        with socket.socket(socket.AF_UNIX) as signal:
            signal.connect(os.environ["E2EKIT_TEST_READY_SOCKET"])
            signal.sendall(user_agent.encode())


    async def asgi(scope, receive, send):
        if scope["type"] != "http":
            return
        headers = {name.decode(): value.decode() for name, value in scope["headers"]}
        if headers.get("host") == "testserver":
            await send({"type": "http.response.start", "status": 200, "headers": [(b"access-control-allow-origin", b"*")]})
            await send({"type": "http.response.body", "body": b""})
            return
        ready(headers.get("user-agent", ""))
        await asyncio.sleep(3600)


    def wsgi(environ, start_response):
        if environ.get("HTTP_HOST") == "testserver":
            start_response("200 OK", [("Access-Control-Allow-Origin", "*")])
            return [b""]
        ready(environ.get("HTTP_USER_AGENT", ""))
        time.sleep(3600)
        return [b""]
    '''
)

QUICK_SCENARIO = """
[[scenario]]
id = "{id}"
title = "A simple GET the policy allows"
cors = {{ allow_origins = ["*"] }}
[[scenario.probe]]
path = "/api"
expect = "allowed"
"""

STALLING_SCENARIO = """
[[scenario]]
id = "stalling"
title = "A request the app holds until the run is stopped"
app = "apps.stalling:app"
[[scenario.probe]]
path = "/stall"
expect = "allowed"
"""

QUICK_BEFORE = ("quick-1", "quick-2")
"""Scenarios that complete in every engine before the stalling one starts: the results obtained so far."""
QUICK_AFTER = ("quick-3",)
"""A scenario after the stalling one: never run, marked interrupted."""


HUNG_SCENARIO = """
[[scenario]]
id = "stalling"
title = "A request the app never answers"
app = "apps.hung:{kind}"
[[scenario.probe]]
path = "/stall"
expect = "allowed"
"""


def write_scenarios(directory: Path, hung: str | None = None) -> Path:
    """A scenario directory: two quick scenarios, one the app holds, one more quick one (run in this order). The app
    holds the request until the browser goes away, or with ``hung`` ("asgi" or "wsgi") never answers it at all."""
    (directory / "apps").mkdir(parents=True)
    (directory / "apps" / "stalling.py").write_text(STALLING_APP)
    (directory / "apps" / "hung.py").write_text(HUNG_APP)
    held = STALLING_SCENARIO if hung is None else HUNG_SCENARIO.format(kind=hung)
    text = "".join(QUICK_SCENARIO.format(id=i) for i in QUICK_BEFORE) + held
    text += "".join(QUICK_SCENARIO.format(id=i) for i in QUICK_AFTER)
    (directory / "signals.toml").write_text(text)
    return directory


def engine_of(user_agent: str) -> str:
    if "Firefox/" in user_agent:
        return "firefox"
    return "chromium" if "Chrome/" in user_agent else "webkit"


class ReadySignals:
    """A UNIX socket the stalling app connects to; ``wait(n)`` returns the user agents of the first ``n``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._server = socket.socket(socket.AF_UNIX)
        self._server.bind(str(path))
        self._server.listen()

    def wait(self, count: int, timeout: float) -> list[str]:
        deadline = time.monotonic() + timeout
        agents: list[str] = []
        while len(agents) < count:
            self._server.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                raise AssertionError(f"{len(agents)} of {count} browsers reached the app in {timeout:.0f} s") from None
            with connection:
                connection.settimeout(5)
                agents.append(connection.recv(4096).decode())
        return agents

    def close(self) -> None:
        self._server.close()


@dataclass
class Footprint:
    """What a kit process has running: every process (its descendants, and those carrying a token that one of them
    owns, such as Firefox's crash helper, which leaves the tree), the loopback ports they listen on, its X displays."""

    processes: list[psutil.Process]
    owners: set[int]
    listening: set[tuple[str, int]]
    displays: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    """The distinct process names, for the test's report."""


def footprint(root: psutil.Process, temp_dir: Path) -> Footprint:
    processes = {process.pid: process for process in [root, *root.children(recursive=True)] if is_alive(process)}
    owners = set(processes)
    for process in owned_processes(owners):
        processes.setdefault(process.pid, process)
    listening = listening_sockets(set(processes))
    displays = [int(path.read_text()) for path in temp_dir.glob("e2ekit-*/display")]
    names = sorted({_name(process) for process in processes.values()})
    return Footprint(list(processes.values()), owners, listening, displays, names)


def owned_processes(owners: set[int]) -> list[psutil.Process]:
    """Running processes whose session token names one of ``owners`` as the kit process that started them."""
    pattern = re.compile(r"e2ekit-[a-z]+-(\d+)-\w+")
    found = []
    for process in psutil.process_iter(["environ"]):
        match = pattern.fullmatch((process.info.get("environ") or {}).get(TOKEN_VARIABLE, ""))
        if match and int(match[1]) in owners and is_alive(process):
            found.append(process)
    return found


def listening_sockets(pids: set[int]) -> set[tuple[str, int]]:
    found = set()
    for connection in psutil.net_connections(kind="inet"):
        if connection.status == psutil.CONN_LISTEN and connection.pid in pids and connection.laddr:
            found.add((connection.laddr.ip, connection.laddr.port))
    return found


@dataclass
class Leftovers:
    processes: list[str]
    listening: set[tuple[str, int]]
    temp_entries: list[str]
    display_files: list[str]

    def __bool__(self) -> bool:
        return bool(self.processes or self.listening or self.temp_entries or self.display_files)


def leftovers(before: Footprint, temp_dir: Path) -> Leftovers:
    running = [process for process in before.processes if is_alive(process)]
    running += [process for process in owned_processes(before.owners) if process not in running]
    pids = {process.pid for process in running}
    display_files = [path for number in before.displays for path in stale_display_files(number)]
    return Leftovers(
        processes=[f"{process.pid} {_name(process)}" for process in running],
        listening=listening_sockets(pids),
        temp_entries=sorted(os.listdir(temp_dir)),
        display_files=display_files,
    )


def stale_display_files(number: int) -> list[str]:
    """Display ``number``'s lock file and socket if no X server has them any more (other test runs on this machine
    may have started a server on the same number since: its files are not left over)."""
    stale = []
    lock, socket_path = Path(f"/tmp/.X{number}-lock"), f"/tmp/.X11-unix/X{number}"
    try:
        if not psutil.pid_exists(int(lock.read_text().strip())):
            stale.append(str(lock))
    except (OSError, ValueError):
        pass
    if os.path.exists(socket_path):
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(socket_path)
            except OSError:
                stale.append(socket_path)
    return stale


def wait_until_gone(processes: list[psutil.Process], timeout: float) -> float:
    """Seconds until every one of ``processes`` has exited (at most ``timeout``; a zombie has exited)."""
    start = time.monotonic()
    wait_for_exit(processes, timeout)
    return time.monotonic() - start


def _name(process: psutil.Process) -> str:
    try:
        return process.name()
    except psutil.Error:
        return "?"


@dataclass
class KitRun:
    process: subprocess.Popen[str]
    temp_dir: Path
    ready: ReadySignals

    @property
    def pid(self) -> int:
        return self.process.pid


E2EKIT = [sys.executable, "-m", "e2ekit._cli"]


@contextmanager
def kit_run(arguments: list[str], work: Path, program: list[str] = E2EKIT) -> Iterator[KitRun]:
    """``PROGRAM ARGUMENTS`` (by default ``python -m e2ekit._cli``) in ``work``, in a process group of its own (a
    terminal's Ctrl-C reaches the group), with a private TMPDIR; it is killed at the end if a test left it running."""
    # Short, unlike pytest's tmp_path: Chromium puts a UNIX socket in TMPDIR, and such a path has ~100 characters.
    temp_dir = Path(tempfile.mkdtemp(prefix="e2k-", dir="/tmp"))
    ready = ReadySignals(work / "ready.sock")
    env = {**os.environ, "TMPDIR": str(temp_dir), READY_SOCKET_VARIABLE: str(ready.path), "NO_COLOR": "1"}
    process = subprocess.Popen(
        [*program, *arguments],
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        yield KitRun(process, temp_dir, ready)
    except BaseException:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=30)
        print(f"e2ekit exited with {process.returncode}\nstdout:\n{stdout}\nstderr:\n{stderr[-3000:]}")
        raise
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate(timeout=30)
        ready.close()
        shutil.rmtree(temp_dir, ignore_errors=True)
