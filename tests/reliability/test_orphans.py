"""How a dead kit's processes and files are told from a live one's, and reaped; without browsers (fast).

A "kit" here is a small Python process that makes a session directory and starts a tagged ``sleep`` in it, the way
an engine starts its driver; the test kills the kit and looks at what stays.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from e2ekit._engines import orphans
from e2ekit._engines.orphans import is_alive, reap_orphans
from tests.reliability.kit_runs import wait_until_gone

KIT = textwrap.dedent(
    """
    import os, subprocess, sys
    from e2ekit._engines.processes import ProcessSession

    session = ProcessSession("firefox")  # starts this process's watchdog too
    if sys.argv[1] == "tied":  # as an engine starts its driver: tied to the kit's death on Linux
        child = subprocess.Popen(["sleep", "60"], env=session.env(), **session.popen_kw())
    else:  # as the driver starts the browser: nothing ties it
        child = subprocess.Popen(["sleep", "60"], env=session.env(), start_new_session=True)
    print(session.temp_dir, child.pid, flush=True)
    sys.stdin.read()  # until the test closes it, or kills this process
    """
)


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setenv("TMPDIR", str(directory))
    yield directory
    reap_orphans(str(directory))  # nothing of a failed test stays running


def start_kit(how: str, *, watchdog: bool) -> tuple[subprocess.Popen[str], Path, psutil.Process]:
    """A kit with a session and a ``sleep`` in it, ``how`` = "tied" or "untied"; its watchdog killed at once unless
    ``watchdog``, so that only the kernel, or ``reap_orphans`` called by the test, can end the ``sleep``."""
    kit = subprocess.Popen(
        [sys.executable, "-c", KIT, how], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=os.environ
    )
    assert kit.stdout is not None
    path, pid = kit.stdout.readline().split()
    if not watchdog:
        [watching] = [p for p in psutil.Process(kit.pid).children() if orphans.__file__ in p.cmdline()]
        watching.kill()
        wait_until_gone([watching], 10)
    return kit, Path(path), psutil.Process(int(pid))


def kill(kit: subprocess.Popen[str]) -> None:
    kit.kill()
    kit.wait(10)


def test_a_session_of_a_live_kit_is_never_reaped(temp_dir: Path) -> None:
    kit, path, child = start_kit("untied", watchdog=False)
    try:
        assert reap_orphans(str(temp_dir)) == []
        assert is_alive(child) and path.is_dir()
    finally:
        kill(kit)


def test_what_a_killed_kit_leaves_is_reaped_the_kernel_released_its_lock(temp_dir: Path) -> None:
    kit, path, child = start_kit("untied", watchdog=False)
    kill(kit)
    assert is_alive(child) and path.is_dir()  # nothing tied it, nothing reaped it yet: an orphan

    assert reap_orphans(str(temp_dir)) == [path.name]

    assert not is_alive(child)
    assert list(temp_dir.iterdir()) == []


def test_a_token_whose_directory_is_gone_is_reaped_once_its_owner_pid_is_gone(temp_dir: Path) -> None:
    kit, path, child = start_kit("untied", watchdog=False)
    kill(kit)
    path.rmdir()

    assert reap_orphans(str(temp_dir)) == [path.name]
    assert not is_alive(child)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_process_the_session_starts_itself_is_killed_by_the_kernel_with_the_kit(temp_dir: Path) -> None:
    kit, _, child = start_kit("tied", watchdog=False)
    kill(kit)

    assert wait_until_gone([child], 10) < 5
    assert not is_alive(child)


def test_the_watchdog_reaps_the_moment_the_kit_dies_then_exits(temp_dir: Path) -> None:
    kit, _, child = start_kit("untied", watchdog=True)
    [watchdog] = [p for p in psutil.Process(kit.pid).children() if orphans.__file__ in p.cmdline()]
    killed_at = time.monotonic()
    kit.send_signal(signal.SIGKILL)
    kit.wait(10)

    wait_until_gone([child, watchdog], 10)
    print(f"\nthe orphan and the watchdog were gone {time.monotonic() - killed_at:.2f} s after SIGKILL")
    assert not is_alive(child)
    assert not is_alive(watchdog)
    assert list(temp_dir.iterdir()) == []


def test_a_name_that_is_not_a_session_is_left_alone(temp_dir: Path) -> None:
    other = [temp_dir / "e2ekit-firefox-k2j_3hx8", temp_dir / "e2ekit-before", temp_dir / ".e2ekit-new-abcdefgh"]
    for path in other:
        path.mkdir()

    assert reap_orphans(str(temp_dir)) == []
    assert sorted(temp_dir.iterdir()) == sorted(other)
