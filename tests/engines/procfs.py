"""Reading /proc from the tests, independently of e2ekit's own process tracking."""

from __future__ import annotations

import os
from pathlib import Path


def stat_fields(pid: int) -> list[bytes] | None:
    """[state, ppid, ...] of ``pid``, or None when it does not exist."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    return stat.rsplit(b")", 1)[1].split()  # the command name before may contain spaces and parentheses


def is_running(pid: int) -> bool:
    fields = stat_fields(pid)
    return fields is not None and fields[0] != b"Z"


def running_pids() -> list[int]:
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit() and is_running(int(entry))]


def children(pid: int) -> list[int]:
    return [child for child in running_pids() if (fields := stat_fields(child)) is not None and int(fields[1]) == pid]


def environment(pid: int) -> list[bytes]:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return []
