"""Run a job in several engines at once: one browser per engine, each on its own thread."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from e2ekit._engines.base import EngineError
from e2ekit._engines.launch import launch_engine
from e2ekit._engines.selection import EngineSpec
from e2ekit._probing.session import Session
from e2ekit._serving.topology import Topology

__all__ = ["EngineRun", "run_in_engines"]

T = TypeVar("T")


@dataclass(frozen=True)
class EngineRun(Generic[T]):
    """What a job returned in one engine, or why the engine could not run it."""

    spec: EngineSpec
    value: T | None
    error: EngineError | None


def run_in_engines(
    specs: Sequence[EngineSpec],
    job: Callable[[Callable[[], Session]], T],
    *,
    topology: Topology,
    launch_args: dict[str, Any] | None = None,
) -> list[EngineRun[T]]:
    """Launch each engine and call ``job(new_session)`` with it; engines run side by side.

    A job creates the sessions it needs with ``new_session()``; they are closed when the job returns.
    """

    def run_one(spec: EngineSpec) -> EngineRun[T]:
        try:
            worker = launch_engine(spec, launch_args=launch_args)
        except EngineError as error:
            return EngineRun(spec, None, error)
        sessions: list[Session] = []

        def new_session() -> Session:
            sessions.append(Session(worker, topology))
            return sessions[-1]

        try:
            return EngineRun(spec, job(new_session), None)
        finally:
            for session in sessions:
                session.close()
            worker.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(specs)), thread_name_prefix="e2ekit-run") as pool:
        return list(pool.map(run_one, specs))
