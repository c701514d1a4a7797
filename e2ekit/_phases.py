"""Where a run's time goes: an opt-in timer of its phases (launch, servers, navigation, probes, ...) per engine.

The benchmarks switch it on with ``recording_phases()``; the kit marks its phases with ``phase(name, engine)``.
Off (always, outside a benchmark), ``phase`` returns one shared do-nothing context manager: no clock is read and
nothing is allocated.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from types import TracebackType

__all__ = ["PHASES", "SCENARIOS", "PhaseTimes", "phase", "recording_phases"]

PHASES = ("servers", "baselines", "launch", "navigation", "probes", "console wait", "cookie clearing", "close")
"""The phases the kit marks, in the order a run meets them."""
SCENARIO_PHASES = ("navigation", "probes", "console wait", "cookie clearing")
"""The phases inside an engine's scenario loop."""
SCENARIOS = "scenarios"
"""Not a phase of its own: an engine's whole scenario loop, so that what the phases leave out of it shows (building
results and explanations, waiting for a core)."""

_OFF: AbstractContextManager[None] = nullcontext()


@dataclass
class PhaseTimes:
    """Seconds spent and times entered, by (engine, phase); engine "" for work done once for every engine."""

    seconds: dict[tuple[str, str], float] = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, engine: str, name: str, seconds: float) -> None:
        with self._lock:
            key = (engine, name)
            self.seconds[key] = self.seconds.get(key, 0.0) + seconds
            self.counts[key] = self.counts.get(key, 0) + 1

    def engines(self) -> list[str]:
        return sorted({engine for engine, _ in self.seconds})

    def table(self) -> str:
        """One row per engine (and one for the work shared by all), seconds and count per phase; "other" is what
        an engine's scenario loop spent outside its phases (building results, waiting for the interpreter)."""
        names = [name for name in PHASES if any(key[1] == name for key in self.seconds)]
        width = max(len(name) for name in [*names, "other", "12.34 s x123"]) + 2
        lines = [f"{'engine':<10}" + "".join(f"{name:>{width}}" for name in [*names, "other"])]
        for engine in self.engines():
            cells = [
                f"{self.seconds[engine, name]:.2f} s x{self.counts[engine, name]}"
                if (engine, name) in self.seconds
                else ""
                for name in names
            ]
            if (engine, SCENARIOS) in self.seconds:
                inside = sum(self.seconds.get((engine, name), 0.0) for name in SCENARIO_PHASES)
                cells.append(f"{self.seconds[engine, SCENARIOS] - inside:.2f} s")
            lines.append(f"{engine or '(shared)':<10}" + "".join(f"{cell:>{width}}" for cell in cells))
        return "\n".join(lines)


class _Timed:
    __slots__ = ("_engine", "_name", "_started", "_times")

    def __init__(self, times: PhaseTimes, engine: str, name: str) -> None:
        self._times, self._engine, self._name = times, engine, name
        self._started = 0.0

    def __enter__(self) -> None:
        self._started = time.perf_counter()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._times.add(self._engine, self._name, time.perf_counter() - self._started)


_recording: PhaseTimes | None = None


def phase(name: str, engine: str = "") -> AbstractContextManager[None]:
    """Time the ``with`` block as phase ``name`` of ``engine`` while a benchmark records; otherwise do nothing."""
    times = _recording
    if times is None:
        return _OFF
    return _Timed(times, engine, name)


@contextmanager
def recording_phases() -> Iterator[PhaseTimes]:
    """Record every phase of the process until the block ends (for benchmarks; one recording at a time)."""
    global _recording
    times = PhaseTimes()
    previous, _recording = _recording, times
    try:
        yield times
    finally:
        _recording = previous
