"""What a kit process leaves behind when it dies without closing its engines, and how that is reaped.

Every process an engine starts carries a token in its environment (``TOKEN_VARIABLE``), which everything it forks
inherits, and writes its files into a temporary directory named by the same token (``e2ekit-<engine>-<pid>-<random>``;
geckodriver's Firefox profile, driver logs, the number of a virtual X display). The kit process holds a lock (flock)
on that directory for the session's lifetime; the kernel releases it when the process ends, however it ends. A
session whose directory nobody holds locked is an orphan: its processes are killed, the X display files it names are
removed, then the directory itself.

Two reapers run ``reap_orphans``:

- a watchdog that every kit process starts with its first engine: this file run as a script (it needs nothing of
  e2ekit, only psutil), in a process session of its own so that a signal to the kit's process group misses it. It
  reads a pipe only the kit process holds open; end of file means the kit has exited, by SIGKILL too, and the
  watchdog reaps at once, then exits;
- the next run's watchdog, which reaps every orphan when it starts: what was left when a watchdog was killed along
  with its kit (an OOM kill, a ``kill -9`` of both).

A session directory is created under a hidden name, locked, and only then renamed to its final name, so a reaper
never finds a live session unlocked.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import shutil
import signal
import socket
import sys
import tempfile
import time

import psutil

__all__ = [
    "DISPLAY_FILE",
    "PATHS_FILE",
    "TOKEN_VARIABLE",
    "browser_directories",
    "create_session_directory",
    "is_alive",
    "kill_and_wait",
    "kill_session",
    "reap_orphans",
    "remove_session_files",
    "remove_stale_display_files",
    "tagged_processes",
    "wait_for_exit",
    "with_descendants",
]

TOKEN_VARIABLE = "E2EKIT_PROCESS_SESSION"
DISPLAY_FILE = "display"
"""The file in a session directory that holds the number of the X display the session's Xvfb serves."""
PATHS_FILE = "paths"
"""The file in a session directory that lists directories elsewhere the session's processes made (one a line):
Playwright's Chromium profile, and the directory of Chromium's singleton socket, which a killed Chromium leaves."""
REAP_TIMEOUT = 5.0
KEEPER_GRACE = 3.0
"""Seconds a reaper lets a live process outside a session close the session's browser it started."""

_SESSION_NAME = re.compile(r"e2ekit-(?P<engine>[a-z]+)-(?P<pid>\d+)-[a-z0-9_]{8}")
"""A session directory's name, which is also its processes' token; anything else in the temp dir is not ours."""


def create_session_directory(engine: str) -> tuple[str, int]:
    """A new session directory for ``engine`` and the descriptor that holds its lock; closing it releases the lock."""
    hidden = tempfile.mkdtemp(prefix=".e2ekit-new-")
    descriptor = os.open(hidden, os.O_RDONLY | os.O_DIRECTORY)  # not inherited by children (PEP 446)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        suffix = os.path.basename(hidden).removeprefix(".e2ekit-new-")
        path = os.path.join(os.path.dirname(hidden), f"e2ekit-{engine}-{os.getpid()}-{suffix}")
        os.rename(hidden, path)
    except BaseException:
        os.close(descriptor)
        shutil.rmtree(hidden, ignore_errors=True)
        raise
    return path, descriptor


def is_alive(process: psutil.Process) -> bool:
    """Whether ``process`` runs: a zombie has exited, only its parent has not collected its status yet."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def tagged_processes() -> dict[str, list[psutil.Process]]:
    """Every running process that carries a session token, by token (other users' processes cannot be read)."""
    found: dict[str, list[psutil.Process]] = {}
    for process in psutil.process_iter(["environ"]):
        token = (process.info.get("environ") or {}).get(TOKEN_VARIABLE)
        if token and is_alive(process):
            found.setdefault(token, []).append(process)
    return found


def kill_and_wait(processes: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    """SIGKILL ``processes`` and wait up to ``timeout`` until they have exited; those still running (none, unless a
    process is stuck in the kernel)."""
    return wait_for_exit(processes, timeout, send=signal.SIGKILL)


def wait_for_exit(processes: list[psutil.Process], timeout: float, send: int | None = None) -> list[psutil.Process]:
    """Send ``send`` (if given) to ``processes``, wait up to ``timeout`` until they have exited; those still running.

    A reused pid is never hit: psutil compares start times, and a pidfd is the process itself. Exited means a
    zombie too: once its parent is killed, a zombie waits for init to collect it, which some containers' init never
    does (psutil's own wait would wait for that).
    """
    if not hasattr(os, "pidfd_open"):  # macOS: psutil waits with kqueue, and launchd collects zombies
        for process in processes:
            try:
                if send is not None:
                    process.send_signal(send)
            except psutil.Error:
                pass
        psutil.wait_procs(processes, timeout=timeout)
        return [process for process in processes if is_alive(process)]
    # A pidfd becomes readable when its process exits: one poll() waits for all of them, without a sleep loop.
    poller = select.poll()
    descriptors = []
    pending = 0
    try:
        for process in processes:
            try:
                descriptor = os.pidfd_open(process.pid)
            except OSError:  # exited already
                continue
            descriptors.append(descriptor)
            if not is_alive(process):  # exited, or the pid names another process now
                continue
            try:
                if send is not None:
                    signal.pidfd_send_signal(descriptor, send)
            except ProcessLookupError:
                continue
            poller.register(descriptor, select.POLLIN)
            pending += 1
        deadline = time.monotonic() + timeout
        while pending and (remaining := deadline - time.monotonic()) > 0:
            events = poller.poll(remaining * 1000)
            for descriptor, _ in events:
                poller.unregister(descriptor)
            pending -= len(events)
    finally:
        for descriptor in descriptors:
            os.close(descriptor)
    return [process for process in processes if is_alive(process)]


def kill_session(token: str, members: list[psutil.Process], timeout: float) -> list[str]:
    """Kill ``members``, their descendants, and whatever else carries ``token``: a process being killed may have
    forked a moment before, so look again until none is left (a few rounds at most). The directories they leave
    behind (see ``browser_directories``), to remove."""
    left_behind = set()
    for _ in range(5):
        members = with_descendants(members)
        left_behind.update(browser_directories(members))
        kill_and_wait(members, timeout)
        members = tagged_processes().get(token, [])
        if not members:
            break
    return sorted(left_behind)


def with_descendants(processes: list[psutil.Process]) -> list[psutil.Process]:
    """``processes`` and their running descendants. Chromium starts its zygote with an environment of its own, so
    its renderer, GPU and utility processes carry no token: they are found in the tree, while the browser runs."""
    found = {process.pid: process for process in processes}
    for process in processes:
        try:
            descendants = process.children(recursive=True)
        except psutil.Error:
            continue
        for descendant in descendants:
            if is_alive(descendant):
                found.setdefault(descendant.pid, descendant)
    return list(found.values())


def browser_directories(processes: list[psutil.Process]) -> list[str]:
    """The directories a browser among ``processes`` made outside its session's directory, which a killed browser
    leaves behind: a Chromium's profile (its ``--user-data-dir``, which Playwright makes) and the directory of its
    singleton socket (which the ``SingletonSocket`` link in the profile names). Only those within the temporary
    directory are returned."""
    temp = os.path.realpath(tempfile.gettempdir()) + os.sep
    found = set()
    for process in processes:
        try:
            arguments = process.cmdline()
        except psutil.Error:
            continue
        for argument in arguments:
            if argument.startswith("--user-data-dir="):
                profile = argument.partition("=")[2]
                found.add(profile)
                try:
                    found.add(os.path.dirname(os.readlink(os.path.join(profile, "SingletonSocket"))))
                except OSError:
                    pass
    return sorted(path for path in found if os.path.realpath(path).startswith(temp))


def remove_stale_display_files(number: int) -> None:
    """Remove display ``number``'s lock file and socket if its X server is gone (Xvfb removes both itself when
    stopped with SIGTERM; after a SIGKILL they stay). A server that took the number since is left alone."""
    lock, socket_path = f"/tmp/.X{number}-lock", f"/tmp/.X11-unix/X{number}"
    try:
        with open(lock, encoding="ascii") as file:
            owner = int(file.read().strip())
        if not psutil.pid_exists(owner) or not is_alive(psutil.Process(owner)):
            os.unlink(lock)
    except (OSError, ValueError, psutil.Error):
        pass
    if os.path.exists(socket_path) and not _is_listening(socket_path):
        try:
            os.unlink(socket_path)
        except FileNotFoundError:
            pass


def remove_session_files(path: str, elsewhere: list[str]) -> None:
    """Once a session's processes are gone: its X display files, the directories ``elsewhere`` and those it lists
    (PATHS_FILE) its processes made, then its own directory ``path``."""
    try:
        with open(os.path.join(path, DISPLAY_FILE), encoding="ascii") as file:
            remove_stale_display_files(int(file.read().strip()))
    except (OSError, ValueError):
        pass
    try:
        with open(os.path.join(path, PATHS_FILE), encoding="utf-8") as file:
            elsewhere = [*elsewhere, *(line.rstrip("\n") for line in file)]
    except OSError:
        pass
    for directory in elsewhere:
        shutil.rmtree(directory, ignore_errors=True)
    shutil.rmtree(path, ignore_errors=True)


def _is_listening(path: str) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(path)
        except OSError:
            return False
    return True


def reap_orphans(temp_dir: str | None = None) -> list[str]:
    """Reap every session of a kit process that has ended (see the module's docstring); the tokens reaped.

    A token whose directory is gone is an orphan when no process has the owner pid it names (a pid reused since
    keeps it alive: reaping errs on the side of a live run).
    """
    temp_dir = temp_dir or tempfile.gettempdir()
    processes = tagged_processes()
    reaped = []
    for name in sorted(os.listdir(temp_dir)):
        if _SESSION_NAME.fullmatch(name) and _reap_directory(os.path.join(temp_dir, name), processes.pop(name, [])):
            reaped.append(name)
    for token, members in processes.items():
        match = _SESSION_NAME.fullmatch(token)
        if match and not os.path.exists(os.path.join(temp_dir, token)) and not psutil.pid_exists(int(match["pid"])):
            for directory in kill_session(token, members, REAP_TIMEOUT):
                shutil.rmtree(directory, ignore_errors=True)
            reaped.append(token)
    return reaped


def _reap_directory(path: str, members: list[psutil.Process]) -> bool:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # removed meanwhile, by its owner or another reaper
        return False
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # its owner runs (or another reaper is at it)
        token = os.path.basename(path)
        # A browser that a live process outside the session started is being closed by it (Playwright's Node driver
        # closes its browser when the kit's pipe closes, then removes the browser's profile and artifacts): killed
        # meanwhile, the driver may exit before that cleanup is done.
        wait_for_exit([process for process in members if _has_keeper(process, token)], KEEPER_GRACE)
        remove_session_files(path, kill_session(token, members, REAP_TIMEOUT))
        return True
    finally:
        os.close(descriptor)


def _has_keeper(process: psutil.Process, token: str) -> bool:
    """Whether ``process`` was started by a live process outside its session (not init, which adopts orphans)."""
    try:
        parent = process.parent()
        return (
            parent is not None
            and parent.pid != 1
            and is_alive(parent)
            and parent.environ().get(TOKEN_VARIABLE) != token
        )
    except psutil.Error:
        return False


def watch(pipe: int = 0) -> None:
    """The watchdog: reap what earlier runs left, wait until the kit exits (``pipe`` reaches end of file; the kit
    never writes), then reap what it left."""
    reap_orphans()
    while os.read(pipe, 4096):
        pass
    reap_orphans()


if __name__ == "__main__":
    try:
        watch()
    except KeyboardInterrupt:
        sys.exit(130)
