"""Run a job in several engines at once: one browser per engine, each on its own thread; and how a run stops early.

Ctrl-C (or SIGTERM, which the CLI treats alike) reaches the main thread, which waits here while the engines work on
their threads. It asks every engine to stop (each kills its browser, so a command in flight fails at once), waits
at most ``STOP_TIMEOUT`` for the jobs to hand back what they have, then either raises KeyboardInterrupt (a library
caller, pytest) or, inside ``results_kept_on_interrupt`` (the CLI), returns the results obtained so far, the rest
marked interrupted, for the command to print and write as usual.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any, Generic, TypeVar

from e2ekit._engines.selection import EngineSpec
from e2ekit._engines.worker import EngineWorker, StopRequest, launch_engine
from e2ekit._errors import EngineError, EngineInterrupted
from e2ekit._probing.session import FETCH_TIMEOUT, Session
from e2ekit._serving.topology import Topology

__all__ = ["STOP_TIMEOUT", "EngineRun", "Interruption", "results_kept_on_interrupt", "run_in_engines"]

STOP_TIMEOUT = 1.5
"""Seconds an interrupted run waits for its engines to hand back their results and close (the promise is 2 s)."""

T = TypeVar("T")


@dataclass(frozen=True)
class EngineRun(Generic[T]):
    """What a job returned in one engine, or why the engine could not run it."""

    spec: EngineSpec
    value: T | None
    error: EngineError | None


class Interruption:
    """The signal that stopped a command (``signal.SIGINT`` for Ctrl-C, ``signal.SIGTERM``), once one came."""

    def __init__(self) -> None:
        self.signal: int | None = None


_interruption: Interruption | None = None


@contextmanager
def results_kept_on_interrupt() -> Iterator[Interruption]:
    """For a command on the main thread (the CLI): SIGINT and SIGTERM stop a ``run_in_engines`` in progress, which
    returns the results obtained so far, the rest marked interrupted; a later run returns at once, all interrupted.

    Outside a run the first signal raises KeyboardInterrupt as usual. Later ones are ignored, so that the command
    can print its results, write its reports and close its servers; every step of that is bounded.
    """
    global _interruption
    interruption = Interruption()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if interruption.signal is None:
            interruption.signal = signum
            raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():  # only the main thread receives signals
        yield interruption
        return
    previous = {signum: signal.signal(signum, on_signal) for signum in (signal.SIGINT, signal.SIGTERM)}
    _interruption = interruption
    try:
        yield interruption
    finally:
        _interruption = None
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run_in_engines(
    specs: Sequence[EngineSpec],
    job: Callable[[Callable[[], Session]], T],
    *,
    topology: Topology,
    launch_args: dict[str, Any] | None = None,
    fetch_timeout: float = FETCH_TIMEOUT,
    prepare: Callable[[], object] | None = None,
    on_run: Callable[[int, EngineRun[T]], None] | None = None,
) -> list[EngineRun[T]]:
    """Launch each engine and call ``job(new_session)`` with it; engines run side by side.

    A job creates the sessions it needs with ``new_session()`` (each with ``fetch_timeout``); they are closed when
    the job returns. A job that finds ``session.engine.interrupted`` should stop and return what it has.

    ``prepare`` runs on the calling thread while the engines launch (starting the app, whose lifespan may connect
    to a database); the jobs start once it has returned. If it raises, the engines are stopped and its exception
    is raised. ``on_run(index, run)`` is called on an engine's thread as soon as its run is known (the job has
    returned, or the engine could not start), before the engine closes: a command shows results with it early.
    """
    interruption = _interruption
    if interruption is not None and interruption.signal is not None:
        return [EngineRun(spec, None, EngineInterrupted.of(spec.name)) for spec in specs]
    stop = StopRequest()
    prepared = threading.Event()
    if prepare is None:
        prepared.set()
    runs: list[EngineRun[T] | None] = [None] * len(specs)
    failures: list[BaseException] = []
    finished = [0]
    changed = threading.Condition()

    def record(index: int, run: EngineRun[T]) -> None:
        with changed:
            runs[index] = run
            changed.notify_all()
        if on_run is not None:
            on_run(index, run)

    def run_one(index: int, spec: EngineSpec) -> None:
        try:
            _run_engine(spec, job, topology, launch_args, stop, prepared, lambda run: record(index, run), fetch_timeout)
        except BaseException as error:  # a job's own failure: raised again on the calling thread
            failures.append(error)
        finally:
            with changed:
                finished[0] += 1
                changed.notify_all()

    started: list[threading.Thread] = []
    try:
        for index, spec in enumerate(specs):
            thread = threading.Thread(target=run_one, args=(index, spec), name=f"e2ekit-run-{spec.name}", daemon=True)
            thread.start()
            started.append(thread)
        if prepare is not None:
            try:
                prepare()
            except KeyboardInterrupt:
                raise  # stopped below, with signals held
            except BaseException:  # SystemExit too: an app's import may call sys.exit()
                stop.request()
                with changed:
                    changed.wait_for(lambda: finished[0] == len(started), STOP_TIMEOUT)
                raise
            finally:
                prepared.set()  # set whatever happens: each engine's thread waits for it
        with changed:
            changed.wait_for(lambda: finished[0] == len(started))
    except KeyboardInterrupt:
        with _signals_deferred():
            deadline = time.monotonic() + STOP_TIMEOUT
            stop.request()
            # Each job records its result before its engine closes: what is recorded by the deadline is kept.
            with changed:
                changed.wait_for(lambda: finished[0] == len(started), deadline - time.monotonic())
                obtained = list(runs)
        if interruption is None:
            raise
        return [run or EngineRun(spec, None, EngineInterrupted.of(spec.name)) for run, spec in zip(obtained, specs)]
    if failures:
        raise failures[0]
    return [run for run in runs if run is not None]


def _run_engine(
    spec: EngineSpec,
    job: Callable[[Callable[[], Session]], T],
    topology: Topology,
    launch_args: dict[str, Any] | None,
    stop: StopRequest,
    prepared: threading.Event,
    record: Callable[[EngineRun[T]], None],
    fetch_timeout: float,
) -> None:
    """Launch, wait until ``prepared``, run the job, ``record`` its result before closing the engine (an
    interrupted run may not wait for the close), then close."""
    try:
        worker = launch_engine(spec, launch_args=launch_args, stop=stop)
    except EngineError as error:
        record(EngineRun(spec, None, error))
        return
    sessions: list[Session] = []

    def new_session() -> Session:
        sessions.append(Session(worker, topology, fetch_timeout=fetch_timeout))
        return sessions[-1]

    try:
        try:
            prepared.wait()  # bounded: run_in_engines sets it once ``prepare`` has returned or raised
            if stop.requested:
                raise EngineInterrupted.of(spec.name)
            value = job(new_session)
        except EngineInterrupted as error:
            record(EngineRun(spec, None, error))
        else:
            record(EngineRun(spec, value, None))
    finally:
        _close(worker, sessions)


def _close(worker: EngineWorker, sessions: list[Session]) -> None:
    try:
        for session in sessions:
            try:
                session.close()
            except EngineError:
                pass  # its cookies could not be cleared: the browser is closed next anyway
    finally:
        worker.close()


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """While an interrupted run stops its engines (bounded by STOP_TIMEOUT), hold SIGINT and SIGTERM, then deliver
    the first that came: a second Ctrl-C must not cut the cleanup short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        held.append(signum)

    previous = {signum: signal.signal(signum, hold) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if held:
            signal.raise_signal(held[0])
