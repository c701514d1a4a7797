"""The processes a backend starts (driver, browser, display) and the temporary directory they write into.

A WebDriver backend starts one driver process, but the browser it launches forks many more (Firefox: a dozen
content and utility processes, and a crash helper that calls setsid() and is reparented to init; WebKitGTK: network
and web processes that outlive MiniBrowser by a moment). When the browser is killed, its children are orphaned and
leave the driver's process tree. So membership is not read from the tree: every process is started with a unique
token in its environment, which all descendants inherit, and ``close()`` kills every process carrying it.
"""

from __future__ import annotations

import atexit
import os
import secrets
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["TOKEN_VARIABLE", "ProcessSession", "is_running"]

TOKEN_VARIABLE = "E2EKIT_PROCESS_SESSION"

_HAS_PROC = os.path.isdir("/proc") and hasattr(os, "pidfd_open")
_LIVE: set[ProcessSession] = set()
_LIVE_LOCK = threading.Lock()


class ProcessSession:
    """A set of processes, marked by an environment token, and their temporary directory; ``close()`` ends both.

    Processes are started in a session of their own (``start_new_session``): a Ctrl-C in the terminal then reaches
    only the test process, whose cleanup stops the browsers in order instead of racing their own SIGINT handling.
    """

    def __init__(self, name: str) -> None:
        self.token = f"{name}-{os.getpid()}-{secrets.token_hex(6)}"
        self.temp_dir = tempfile.mkdtemp(prefix=f"e2ekit-{name}-")
        self._leaders: list[subprocess.Popen[Any]] = []
        self._cleanups: list[Callable[[], None]] = []
        self._closed = False
        with _LIVE_LOCK:
            _LIVE.add(self)

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment for a process of this session: TMPDIR is the session's directory (geckodriver copies
        its profile there), and the token marks the process and everything it starts."""
        return {**os.environ, **(extra or {}), "TMPDIR": self.temp_dir, TOKEN_VARIABLE: self.token}

    @property
    def popen_kw(self) -> dict[str, Any]:
        """Keyword arguments for ``subprocess.Popen`` (a fresh dict: Selenium's services pop keys from theirs)."""
        return {"start_new_session": True}

    def adopt(self, process: subprocess.Popen[Any]) -> None:
        """Remember a process this session started directly, so ``close()`` reaps it."""
        self._leaders.append(process)

    def on_close(self, cleanup: Callable[[], None]) -> None:
        """Run ``cleanup`` first when the session closes, before the rest is killed: for a process that must
        stop gracefully to remove what it created (Xvfb and its socket)."""
        self._cleanups.append(cleanup)

    def pids(self) -> list[int]:
        """The running processes of this session (zombies excluded: they have exited)."""
        if not _HAS_PROC:
            return [process.pid for process in self._leaders if process.poll() is None]
        marker = f"{TOKEN_VARIABLE}={self.token}".encode()
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/environ", "rb") as file:
                    environ = file.read()
            except OSError:  # gone meanwhile, or another user's process
                continue
            if marker in environ.split(b"\0") and is_running(int(entry)):
                found.append(int(entry))
        return found

    def children(self, pid: int) -> list[int] | None:
        """The running processes of this session whose parent is ``pid``; None where /proc cannot tell."""
        if not _HAS_PROC:
            return None
        return [child for child in self.pids() if _parent(child) == pid]

    def close(self, timeout: float = 10.0) -> None:
        """Kill every process of the session, wait until they have exited, and remove the temporary directory."""
        if self._closed:
            return
        self._closed = True
        deadline = time.monotonic() + timeout
        try:
            for cleanup in reversed(self._cleanups):
                cleanup()
        finally:
            self._kill_all(deadline)

    def _kill_all(self, deadline: float) -> None:
        try:
            if _HAS_PROC:
                # A process being killed may have forked a moment before: look again until none is left.
                for _ in range(5):
                    pids = self.pids()
                    if not pids:
                        break
                    _kill_and_wait(pids, deadline)
            else:
                for process in self._leaders:
                    _kill_process_group(process)
            for process in self._leaders:
                try:
                    process.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass  # unkillable (uninterruptible sleep); nothing more a user process can do
        finally:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
            with _LIVE_LOCK:
                _LIVE.discard(self)


def is_running(pid: int) -> bool:
    """Whether ``pid`` exists and has not exited (a zombie has exited; only its parent has not reaped it yet)."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] not in (b"Z", b"X")


def _parent(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return None if fields is None else int(fields[1])


def _stat_fields(pid: int) -> list[bytes] | None:
    """/proc/<pid>/stat from the state on: [state, ppid, ...]."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            stat = file.read()
    except OSError:
        return None
    # The command name before them is in parentheses and may itself contain spaces or parentheses.
    return stat[stat.rindex(b")") + 2 :].split()


def _kill_and_wait(pids: list[int], deadline: float) -> None:
    # pidfds name the process itself, not a number the kernel may reuse, and become readable when it exits: no
    # polling loop, and no risk of killing an unrelated process that got a recycled pid.
    poller = select.poll()
    fds = []
    try:
        for pid in pids:
            try:
                fd = os.pidfd_open(pid)
            except ProcessLookupError:
                continue
            fds.append(fd)
            try:
                signal.pidfd_send_signal(fd, signal.SIGKILL)
            except ProcessLookupError:
                continue
            poller.register(fd, select.POLLIN)
        pending = len(fds)
        while pending and (remaining := deadline - time.monotonic()) > 0:
            events = poller.poll(remaining * 1000)
            for fd, _ in events:
                poller.unregister(fd)
            pending -= len(events)
    finally:
        for fd in fds:
            os.close(fd)


def _kill_process_group(process: subprocess.Popen[Any]) -> None:
    # Without /proc (macOS): the process leads its own group (start_new_session), so its group is its descendants.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@atexit.register
def _close_all() -> None:
    # Ctrl-C or an unhandled error may end the test process before an engine's close() ran.
    with _LIVE_LOCK:
        sessions = list(_LIVE)
    for session in sessions:
        session.close(timeout=5.0)
