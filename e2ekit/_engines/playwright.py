"""Engines driven by Playwright: its own builds of all three, or a system Chromium by executable path."""

from __future__ import annotations

import os
import shutil
import threading
from typing import Any

from playwright.sync_api import ConsoleMessage, Error, Playwright, sync_playwright

from e2ekit._engines.base import Engine, EngineInfo, EngineUnavailable
from e2ekit._engines.install import install_command
from e2ekit._engines.probe_script import PROBE_FUNCTION
from e2ekit._serving.marker import markers_in

__all__ = ["SYSTEM_CHROMIUM_ARGS", "SYSTEM_CHROMIUM_CANDIDATES", "PlaywrightEngine", "find_system_chromium"]

SYSTEM_CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Without these a system Chromium keeps calling home (component updates, sync, field trials); on a machine with no
# network each attempt fails and adds noise and delay.
SYSTEM_CHROMIUM_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def find_system_chromium() -> str | None:
    """The first Chromium-family browser on PATH, or None."""
    for name in SYSTEM_CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class PlaywrightEngine(Engine):
    """A browser launched by Playwright, with one context and one page for the whole run."""

    def __init__(self, name: str, executable: str | None = None, launch_args: dict[str, Any] | None = None) -> None:
        self._playwright: Playwright | None = sync_playwright().start()
        self._console: list[tuple[str, str]] = []
        self._console_lock = threading.Lock()
        try:
            browser_type = getattr(self._playwright, name)
            args = dict(launch_args or {})
            if executable is None and not os.path.exists(browser_type.executable_path):
                executable = find_system_chromium() if name == "chromium" else None
                if executable is None:
                    raise EngineUnavailable(f"{name} is not installed for Playwright: run {install_command(name)}")
            if executable is not None:
                args["executable_path"] = executable
                args["args"] = [*args.get("args", []), *SYSTEM_CHROMIUM_ARGS]
            self._browser = browser_type.launch(**args)
            self._context = self._browser.new_context()
            self._page = self._context.new_page()
        except BaseException:
            self.close()
            raise
        self._page.on("console", self._on_console)
        self.info = EngineInfo(
            name=name,
            backend="playwright",
            version=self._browser.version,
            executable=executable or browser_type.executable_path,
        )

    def _on_console(self, message: ConsoleMessage) -> None:
        with self._console_lock:
            self._console.append((message.text, message.location.get("url", "")))

    def navigate(self, url: str, timeout: float) -> None:
        self._page.goto(url, timeout=timeout * 1000, wait_until="load")

    def run_probes(self, probes: list[dict[str, Any]], timeout: float) -> list[dict[str, Any]]:
        outcomes: list[dict[str, Any]] = self._page.evaluate(PROBE_FUNCTION, probes)
        return outcomes

    def collect_console(self, markers: set[int], timeout: float) -> dict[int, list[str]]:
        # Chromium logs a CORS failure around the moment the fetch rejects, not strictly before; wait for the
        # expected messages event by event rather than sleeping a fixed time.
        deadline_ms = timeout * 1000
        while not markers <= self._attributed_markers() and deadline_ms > 0:
            try:
                self._page.wait_for_event("console", timeout=min(deadline_ms, 100))
            except Error:
                pass
            deadline_ms -= 100
        with self._console_lock:
            messages, self._console = self._console, []
        by_marker: dict[int, list[str]] = {}
        for text, url in messages:
            for marker in markers_in(text, url):
                by_marker.setdefault(marker, []).append(text)
        return by_marker

    def _attributed_markers(self) -> set[int]:
        with self._console_lock:
            return markers_in(*(f"{text} {url}" for text, url in self._console))

    def clear_cookies(self, origins: set[str], timeout: float) -> None:
        self._context.clear_cookies()

    def close(self) -> None:
        playwright, self._playwright = self._playwright, None
        if playwright is None:
            return
        try:
            if hasattr(self, "_browser"):
                self._browser.close()
        finally:
            playwright.stop()
