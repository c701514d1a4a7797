"""CPU time of this process and of every process it starts (drivers, browsers and what they fork), for benchmarks.

On a machine of two cores, engines side by side are bound by the CPU time they need together, and CPU time, unlike
wall time, barely changes when other work shares the machine. Browsers are killed rather than waited for (their
CPU time then never reaches this process's ``RUSAGE_CHILDREN``), so the process tree is sampled instead, every
``interval`` seconds: a process's user and system time count as last seen, and a process that lives less than an
interval may be missed (its parent's own time still counts).
"""

from __future__ import annotations

import threading
from collections import Counter
from types import TracebackType

import psutil

__all__ = ["ProcessTreeCPU"]


class ProcessTreeCPU:
    """``with ProcessTreeCPU() as cpu: ...``, then ``cpu.own`` and ``cpu.children`` in seconds."""

    def __init__(self, interval: float = 0.1) -> None:
        self._interval = interval
        self._me = psutil.Process()
        self._seen: dict[tuple[int, float], float] = {}
        self._kinds: dict[tuple[int, float], str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped, name="cpu-sampler", daemon=True)
        self.own = 0.0
        """CPU seconds of this process during the block."""
        self.children = 0.0
        """CPU seconds of the processes this one started, during the block (as sampled)."""

    def __enter__(self) -> ProcessTreeCPU:
        times = self._me.cpu_times()
        self._own_before = times.user + times.system
        self._sample()
        self._before = dict(self._seen)
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._sample()
        self._stop.set()
        self._thread.join()
        times = self._me.cpu_times()
        self.own = times.user + times.system - self._own_before
        self.children = sum(seconds - self._before.get(key, 0.0) for key, seconds in self._seen.items())

    def _sample_until_stopped(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def _sample(self) -> None:
        for process in self._me.children(recursive=True):
            try:
                key = (process.pid, process.create_time())  # a pid may be reused: the start time tells them apart
                times = process.cpu_times()
                if key not in self._kinds:
                    self._kinds[key] = _kind(process)
            except psutil.Error:
                continue
            self._seen[key] = max(self._seen.get(key, 0.0), times.user + times.system)

    def by_kind(self) -> list[tuple[str, int, float]]:
        """(kind of process, how many, CPU seconds during the block), most CPU first: a browser's main process, its
        renderers or content processes, the drivers, Xvfb."""
        seconds: Counter[str] = Counter()
        count: Counter[str] = Counter()
        for key, total in self._seen.items():
            kind = self._kinds.get(key, "?")
            seconds[kind] += total - self._before.get(key, 0.0)
            count[kind] += 1
        return [(kind, count[kind], spent) for kind, spent in seconds.most_common()]

    def __str__(self) -> str:
        return f"CPU {self.own:.1f} s in the kit's process, {self.children:.1f} s in the processes it started"


def _kind(process: psutil.Process) -> str:
    """The executable's name, with Chromium's ``--type`` (and utility sub-type) or Firefox's content process role."""
    name = process.name()
    arguments = process.cmdline()
    for argument in arguments:
        if argument.startswith("--utility-sub-type="):
            return f"{name} {argument.rpartition('.')[2]}"
    for argument in arguments:
        if argument.startswith("--type="):
            return f"{name} {argument.partition('=')[2]}"
    if "-contentproc" in arguments:
        return f"{name} {arguments[-1]}"
    return name
