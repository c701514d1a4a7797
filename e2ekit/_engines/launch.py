"""Resolve an engine spec to the best backend present and launch it on its own worker thread."""

from __future__ import annotations

from typing import Any

from e2ekit._engines.base import Engine
from e2ekit._engines.playwright import PlaywrightEngine
from e2ekit._engines.resolution import configured_spec, resolve_engine
from e2ekit._engines.selection import EngineSpec
from e2ekit._engines.webdriver import WebDriverEngine
from e2ekit._engines.worker import EngineWorker

__all__ = ["LAUNCH_TIMEOUT", "launch_engine"]

LAUNCH_TIMEOUT = 60.0


def launch_engine(requested: EngineSpec, *, launch_args: dict[str, Any] | None = None) -> EngineWorker:
    """Start the engine ``requested`` names; EngineUnavailable (with the install command) if it is not installed,
    EngineConfigError if an executable it names (or ``E2EKIT_<NAME>`` names) does not exist.

    ``launch_args`` are Playwright's launch arguments; the WebDriver backends honour ``headless`` from them.
    """

    def launch() -> Engine:
        spec = configured_spec(requested)
        if spec.backend == "playwright" or (spec.name == "chromium" and spec.backend is None):
            # PlaywrightEngine finds Playwright's build, or else the system's Chromium, itself: resolving first
            # would start Playwright twice.
            return PlaywrightEngine(spec.name, spec.executable, launch_args)
        plan = resolve_engine(spec)
        if plan.webdriver is not None:
            return WebDriverEngine(plan.webdriver, headless=(launch_args or {}).get("headless", True))
        return PlaywrightEngine(spec.name, None if plan.playwright_build else plan.executable, launch_args)

    return EngineWorker(requested.name, launch, LAUNCH_TIMEOUT)
