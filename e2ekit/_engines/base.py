"""The engine interface: one browser, one page, driven by one backend (Playwright or WebDriver)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from e2ekit._engines.probe_script import ProbeCall, ProbeReply

__all__ = ["ENGINE_NAMES", "Engine", "EngineInfo"]

ENGINE_NAMES = ("chromium", "firefox", "webkit")


@dataclass(frozen=True)
class EngineInfo:
    """Which browser produced a result, through which backend."""

    name: str
    backend: str
    version: str
    executable: str | None = None
    console_capture: bool = True
    endpoint: str | None = None
    """The browser server that runs a remote engine (its URL without the query, which may hold a token)."""

    def __str__(self) -> str:
        return f"{self.name} {self.version} ({self.backend})"

    def to_json(self) -> dict[str, Any]:
        found = {
            "name": self.name,
            "backend": self.backend,
            "version": self.version,
            "executable": self.executable,
            "console_capture": self.console_capture,
        }
        return found if self.endpoint is None else {**found, "endpoint": self.endpoint}


class Engine(ABC):
    """One launched browser with one page. Every method is called from the engine's own worker thread."""

    info: EngineInfo

    @abstractmethod
    def navigate(self, url: str, timeout: float) -> None:
        """Load ``url`` as a top-level document in the page (the probe page, or a visit that sets cookies)."""

    @abstractmethod
    def run_probes(self, probes: list[ProbeCall], timeout: float) -> list[ProbeReply]:
        """Run the probe function over ``probes`` in the current document and return its outcomes, in order."""

    @abstractmethod
    def collect_console(self, markers: set[int], timeout: float) -> dict[int, list[str]]:
        """Console messages by probe marker; waits up to ``timeout`` until each of ``markers`` has one."""

    @abstractmethod
    def clear_cookies(self, origins: set[str], timeout: float) -> None:
        """Forget every cookie, at least those of ``origins`` (served origins such as "http://localhost:41643").

        Classic WebDriver deletes only the current document's cookies, so a backend may load each origin's
        PAGE_PATH to delete them there; the caller then reloads the probe page.
        """

    @abstractmethod
    def close(self) -> None:
        """Stop the browser and whatever the backend started for it (driver, display, temp profile)."""

    @abstractmethod
    def abort(self, timeout: float) -> None:
        """Make a command in flight fail at once; called from another thread when a run is interrupted. ``close()``
        follows on the engine's thread (and whatever it leaves is killed after a bounded wait)."""
