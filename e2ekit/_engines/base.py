"""The engine interface: one browser, one page, driven by one backend (Playwright or WebDriver)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from e2ekit._engines.probe_script import ProbeCall, ProbeReply

__all__ = ["ENGINE_NAMES", "Engine", "EngineInfo", "site_of"]

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


def site_of(url: str) -> str:
    """The scheme and host of ``url``: the pages of visits are kept apart by it (a finer cut than the site)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}"


class Engine(ABC):
    """One launched browser with one page. Every method is called from the engine's own worker thread."""

    info: EngineInfo

    @abstractmethod
    def navigate(self, url: str, timeout: float) -> None:
        """Load ``url`` as a top-level document in the page that runs the probes (the probe page)."""

    @abstractmethod
    def visit(self, url: str, timeout: float) -> None:
        """Load ``url`` as a top-level document in another page (tab) of the same cookie jar, as a user's visit that
        sets cookies; the probe page keeps its document. One such page per site (``site_of``): a navigation within
        a site keeps the page's renderer process, one to another site starts a new process in every engine."""

    @abstractmethod
    def run_probes(self, probes: list[ProbeCall], timeout: float) -> list[ProbeReply]:
        """Run the probe function over ``probes`` in the current document and return its outcomes, in order."""

    @abstractmethod
    def collect_console(self, markers: set[int], timeout: float) -> dict[int, list[str]]:
        """Console messages by probe marker; waits up to ``timeout`` until each of ``markers`` has one."""

    @abstractmethod
    def clear_cookies(self, origins: set[str], set_by: set[str], timeout: float) -> None:
        """Forget every cookie, at least those of ``origins`` (the served origins a session used, such as
        "http://localhost:41643"), of which ``set_by`` are those that may have set cookies.

        Classic WebDriver deletes only the current document's cookies, so a backend may load CLEAR_COOKIES_PATH on
        each host of ``set_by`` to delete them there, in the pages ``visit`` uses: the probe page keeps its document.
        A cookie set in a third-party context is kept apart by the top-level site (Firefox), which is one of
        ``origins``.
        """

    @abstractmethod
    def close(self) -> None:
        """Stop the browser and whatever the backend started for it (driver, display, temp profile)."""

    @abstractmethod
    def abort(self, timeout: float) -> None:
        """Make a command in flight fail at once; called from another thread when a run is interrupted. ``close()``
        follows on the engine's thread (and whatever it leaves is killed after a bounded wait)."""
