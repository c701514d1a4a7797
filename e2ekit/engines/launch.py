"""Resolve an engine spec to the best backend present and launch it on its own worker thread."""

from __future__ import annotations

from typing import Any

from e2ekit.engines.base import Engine
from e2ekit.engines.playwright_backend import PlaywrightEngine
from e2ekit.engines.spec import EngineSpec
from e2ekit.engines.worker import EngineWorker

__all__ = ["LAUNCH_TIMEOUT", "launch_engine"]

LAUNCH_TIMEOUT = 60.0


def launch_engine(spec: EngineSpec, *, launch_args: dict[str, Any] | None = None) -> EngineWorker:
    """Start the engine ``spec`` names; EngineUnavailable (with the install command) if it is not installed."""

    def launch() -> Engine:
        return PlaywrightEngine(spec.name, spec.executable, launch_args)

    return EngineWorker(spec.name, launch, LAUNCH_TIMEOUT)
