"""The processes an engine starts (driver, browser, display) and the temporary directory they write into.

A WebDriver backend starts one driver process, but the browser it launches forks many more (Firefox: a dozen
content and utility processes, and a crash helper that calls setsid() and is reparented to init; WebKitGTK: network
and web processes that outlive MiniBrowser by a moment). When the browser is killed, its children are orphaned and
leave the driver's process tree. So membership is not read from the tree: every process is started with a token in
its environment, which all descendants inherit, and ``close()`` kills every process carrying it.

How each process dies with the kit, whatever ends it:

- ``close()``, on every normal path, on Ctrl-C and SIGTERM (the CLI turns both into a clean stop), and at
  interpreter exit for a session nobody closed;
- the processes a session starts itself (driver, Xvfb) are tied to the kit on Linux: ``PR_SET_PDEATHSIG`` makes the
  kernel signal them when the thread that started them ends, and with it the kit. That is an engine's own worker
  thread, which lives as long as the engine;
- what cannot be tied (the browser and everything it forks; Playwright's browser is started by its Node driver) is
  reaped by the watchdog of ``e2ekit._engines.orphans`` the moment the kit process ends, by SIGKILL too, or else by
  the next run. Playwright's Node driver exits by itself when its pipe from the kit closes.
"""

from __future__ import annotations

import atexit
import ctypes
import functools
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any

import psutil

from e2ekit._engines import orphans
from e2ekit._engines.orphans import (
    PATHS_FILE,
    TOKEN_VARIABLE,
    create_session_directory,
    is_alive,
    kill_session,
    remove_session_files,
)
from e2ekit._errors import EngineError

__all__ = ["TOKEN_VARIABLE", "ProcessSession"]

_LIVE: set[ProcessSession] = set()
_LIVE_LOCK = threading.Lock()


class ProcessSession:
    """A set of processes, marked by an environment token, and their temporary directory; ``close()`` ends both.

    Processes are started in a session of their own (``start_new_session``): a Ctrl-C in the terminal then reaches
    only the kit, whose cleanup stops the browsers in order instead of racing their own SIGINT handling.
    ``close()`` may be called from any thread, also while another starts a process: one started after it is killed.
    """

    def __init__(self, name: str) -> None:
        _start_watchdog()
        self.name = name
        self.temp_dir, self._lock = create_session_directory(name)
        self.token = os.path.basename(self.temp_dir)
        self._leaders: list[subprocess.Popen[Any]] = []
        self._cleanups: list[Callable[[], None]] = []
        self._closed = False
        self._state = threading.Lock()
        with _LIVE_LOCK:
            _LIVE.add(self)

    def env(self, extra: Mapping[str, str] | None = None, *, temp_dir: bool = True) -> dict[str, str]:
        """The environment for a process of this session: the token marks the process and everything it starts;
        with ``temp_dir``, TMPDIR is the session's directory (geckodriver copies its profile there). Chromium
        keeps the caller's: it puts a UNIX socket in TMPDIR, whose path must stay within ~100 characters."""
        if self._closed:
            raise EngineError(f"{self.name} was stopped")
        env = {**os.environ, **(extra or {}), TOKEN_VARIABLE: self.token}
        if temp_dir:
            env["TMPDIR"] = self.temp_dir
        return env

    def popen_kw(self, die_with: int = signal.SIGKILL) -> dict[str, Any]:
        """Keyword arguments for ``subprocess.Popen`` (a fresh dict: Selenium's services pop keys from theirs).

        On Linux the process receives ``die_with`` when the starting thread ends (see the module's docstring).
        """
        if not sys.platform.startswith("linux"):
            return {"start_new_session": True}
        return {"start_new_session": True, "preexec_fn": _dying_with_parent(die_with)}

    def adopt(self, process: subprocess.Popen[Any]) -> None:
        """Remember a process this session started directly, so ``close()`` reaps it."""
        with self._state:
            self._leaders.append(process)
            closed = self._closed
        if closed:
            for directory in self._kill_all(5.0):
                shutil.rmtree(directory, ignore_errors=True)

    def on_close(self, cleanup: Callable[[], None]) -> None:
        """Run ``cleanup`` first when the session closes, before the rest is killed: for a process that must
        stop gracefully to remove what it created (Xvfb and its socket)."""
        with self._state:
            self._cleanups.append(cleanup)
            closed = self._closed
        if closed:
            cleanup()

    def remove_on_close(self, path: str) -> None:
        """Remove the directory ``path`` (made elsewhere by a process of the session) when the session closes, or
        when the reaper finds the session orphaned."""
        try:
            with open(os.path.join(self.temp_dir, PATHS_FILE), "a", encoding="utf-8") as file:
                file.write(f"{path}\n")
        except FileNotFoundError:  # closed meanwhile (an interrupted launch): its close found the path itself
            pass

    def members(self) -> list[psutil.Process]:
        """The running processes of this session."""
        return orphans.tagged_processes().get(self.token, [])

    def pids(self) -> list[int]:
        return [process.pid for process in self.members()]

    def children(self, pid: int) -> list[int]:
        """The running children of ``pid`` (the browser of a driver); empty when ``pid`` itself is gone."""
        try:
            return [child.pid for child in psutil.Process(pid).children() if is_alive(child)]
        except psutil.Error:
            return []

    def close(self, timeout: float = 10.0) -> None:
        """Kill every process of the session, wait until they have exited, and remove the temporary directory."""
        with self._state:
            if self._closed:
                return
            self._closed = True
            cleanups = list(self._cleanups)
        left_behind: list[str] = []
        try:
            for cleanup in reversed(cleanups):
                cleanup()
        finally:
            try:
                left_behind = self._kill_all(timeout)
            finally:
                remove_session_files(self.temp_dir, left_behind)
                os.close(self._lock)
                with _LIVE_LOCK:
                    _LIVE.discard(self)

    def _kill_all(self, timeout: float) -> list[str]:
        with self._state:
            leaders = list(self._leaders)
        members = self.members()
        members += [process for process in _as_processes(leaders) if process not in members]
        left_behind = kill_session(self.token, members, timeout)
        for leader in leaders:  # collect their exit status: no zombie stays behind
            try:
                leader.wait(0.5)
            except subprocess.TimeoutExpired:
                pass  # unkillable (uninterruptible sleep); nothing more a user process can do
        return left_behind


def _as_processes(popens: list[subprocess.Popen[Any]]) -> list[psutil.Process]:
    found = []
    for popen in popens:
        if popen.poll() is None:
            try:
                found.append(psutil.Process(popen.pid))
            except psutil.Error:
                pass
    return found


_PR_SET_PDEATHSIG = 1


@functools.cache
def _prctl() -> Any:
    return ctypes.CDLL(None, use_errno=True).prctl


def _dying_with_parent(die_with: int) -> Callable[[], None]:
    # Runs in the child between fork and exec, where another thread may have held a lock at fork time: it calls
    # nothing but two system calls, through a function looked up before the fork.
    prctl = _prctl()
    parent = os.getpid()

    def tie() -> None:
        prctl(_PR_SET_PDEATHSIG, die_with, 0, 0, 0)
        if os.getppid() != parent:  # the kit ended before the tie was made
            os.kill(os.getpid(), die_with)

    return tie


_watchdog: subprocess.Popen[bytes] | None = None
_watchdog_pipe: int | None = None
"""The pipe's write end, open until this process exits: its end of file is the watchdog's cue."""
_watched_pid: int | None = None


def _start_watchdog() -> None:
    """Start this process's watchdog, once (see e2ekit._engines.orphans); it inherits only a pipe's read end, and
    this process keeps the write end open until it exits."""
    global _watchdog, _watchdog_pipe, _watched_pid
    with _LIVE_LOCK:
        if _watched_pid == os.getpid():
            return
        _watched_pid = os.getpid()
        if getattr(sys, "frozen", False):  # sys.executable is the frozen program itself, not an interpreter
            orphans.reap_orphans()
            return
        read_end, write_end = os.pipe()
        try:
            # -I: the script needs no e2ekit, and must not import modules beside it as top-level ones.
            _watchdog = subprocess.Popen(
                [sys.executable, "-I", orphans.__file__],
                stdin=read_end,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError:  # no interpreter to run it (an embedded Python): reap what earlier runs left, here
            os.close(write_end)
            orphans.reap_orphans()
        else:
            _watchdog_pipe = write_end
        finally:
            os.close(read_end)


@atexit.register
def _close_all() -> None:
    # An unhandled error, or a Ctrl-C outside the CLI, may end the process before an engine's close() ran.
    with _LIVE_LOCK:
        sessions = list(_LIVE)
    for session in sessions:
        session.close(timeout=5.0)
