"""Browser engines: one interface (``base.Engine``), one module per backend (Playwright, WebDriver), and how an
engine spec resolves to a backend, is discovered, installed and launched on a worker thread of its own."""

from __future__ import annotations

from e2ekit._engines.base import ENGINE_NAMES, Engine, EngineInfo
from e2ekit._engines.discovery import EngineAvailability, discover_engines
from e2ekit._engines.selection import EngineSpec, parse_engine_specs
from e2ekit._engines.worker import EngineWorker, launch_engine
from e2ekit._errors import EngineConfigError, EngineError, EngineSpecError, EngineUnavailable

__all__ = [
    "ENGINE_NAMES",
    "Engine",
    "EngineAvailability",
    "EngineConfigError",
    "EngineError",
    "EngineInfo",
    "EngineSpec",
    "EngineSpecError",
    "EngineUnavailable",
    "EngineWorker",
    "discover_engines",
    "launch_engine",
    "parse_engine_specs",
]
