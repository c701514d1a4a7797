"""Engines driven by Playwright: its own builds of all three, or a system Chromium by executable path."""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
from functools import cache
from importlib.util import find_spec
from typing import Any

import psutil
from playwright.sync_api import ConsoleMessage, Error, Page, Playwright, sync_playwright

from e2ekit._engines.base import ENGINE_NAMES, Engine, EngineInfo, site_of
from e2ekit._engines.endpoints import display_endpoint
from e2ekit._engines.orphans import browser_directories, kill_and_wait, with_descendants
from e2ekit._engines.playwright_remote import (
    REMOTE_BACKEND,
    REMOTE_REACH_HINT,
    UNREACHED_BY_TUNNEL,
    connect_browser,
    remote_launch_options,
)
from e2ekit._engines.probe_script import PROBE_FUNCTION, ProbeCall, ProbeReply
from e2ekit._engines.processes import ProcessSession
from e2ekit._engines.proxy_settings import ProxySettings, chromium_context_options, chromium_launch_options
from e2ekit._serving.marker import markers_in

__all__ = [
    "SYSTEM_CHROMIUM_ARGS",
    "SYSTEM_CHROMIUM_CANDIDATES",
    "PlaywrightEngine",
    "find_system_chromium",
    "installed_playwright_builds",
    "playwright_build_version",
]

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
    """A browser launched by Playwright, with one context and one page for the whole run; or, given ``endpoint``,
    the browser a Playwright server at that URL launches for the kit (see e2ekit._engines.playwright_remote).

    The browser and everything it forks carry the process session's token (Playwright's ``env`` launch option), so
    the worker can kill them from another thread when a run is interrupted, and the watchdog can reap them should
    the kit die; Playwright's Node driver itself exits when its pipe from the kit closes.
    """

    def __init__(
        self,
        name: str,
        executable: str | None = None,
        launch_args: dict[str, Any] | None = None,
        processes: ProcessSession | None = None,
        endpoint: str | None = None,
        proxy: ProxySettings | None = None,
    ) -> None:
        self.processes = processes or ProcessSession(name)
        self._playwright: Playwright | None = sync_playwright().start()
        self._console: list[tuple[str, str]] = []
        self._console_lock = threading.Lock()
        try:
            browser_type = getattr(self._playwright, name)
            args = dict(launch_args or {})
            args["env"] = self.processes.env(args.get("env"), temp_dir=False)
            # A terminal's Ctrl-C reaches the Node driver too (it shares the kit's process group); by default its
            # launcher then closes the browser and exits on its own, racing the kit's orderly stop.
            args.setdefault("handle_sigint", False)
            if proxy is not None:  # every request through the kit's forward proxy (e2ekit._engines.proxy_settings)
                args.update(chromium_launch_options(proxy))
            if executable is not None:
                args["executable_path"] = executable
                args["args"] = [*args.get("args", []), *SYSTEM_CHROMIUM_ARGS]
            if endpoint is None:
                self._browser = browser_type.launch(**args)
            else:  # no local browser: the server's own runs, and its processes are the server's to end
                options = remote_launch_options(launch_args or {}, SYSTEM_CHROMIUM_ARGS)
                self._browser = connect_browser(browser_type, endpoint, options, proxied=proxy is not None)
            # Playwright removes them when it closes the browser; a killed browser leaves them.
            for directory in browser_directories(self.processes.members()):
                self.processes.remove_on_close(directory)
            self._context = self._browser.new_context(**chromium_context_options())
            self._page = self._context.new_page()
            self._visit_pages: dict[str, Page] = {}
            """The visits' pages by site (see Engine.visit), each opened on its first visit."""
        except BaseException:
            self.close()
            raise
        self._page.on("console", self._on_console)
        self.info = EngineInfo(
            name=name,
            backend="playwright" if endpoint is None else REMOTE_BACKEND,
            version=self._browser.version,
            executable=executable or browser_type.executable_path if endpoint is None else None,
            endpoint=None if endpoint is None else display_endpoint(endpoint),
        )

    def _on_console(self, message: ConsoleMessage) -> None:
        with self._console_lock:
            self._console.append((message.text, message.location.get("url", "")))

    def navigate(self, url: str, timeout: float) -> None:
        self._load(self._page, url, timeout)

    def visit(self, url: str, timeout: float) -> None:
        site = site_of(url)
        if site not in self._visit_pages:
            self._visit_pages[site] = self._context.new_page()
        self._load(self._visit_pages[site], url, timeout)

    def _load(self, page: Page, url: str, timeout: float) -> None:
        try:
            page.goto(url, timeout=timeout * 1000, wait_until="load")
        except Error as error:
            if self.info.endpoint is None or UNREACHED_BY_TUNNEL not in str(error):
                raise
            raise Error(f"{str(error).splitlines()[0]}; {REMOTE_REACH_HINT}") from error

    def run_probes(self, probes: list[ProbeCall], timeout: float) -> list[ProbeReply]:
        outcomes: list[ProbeReply] = self._page.evaluate(PROBE_FUNCTION, probes)
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

    def clear_cookies(self, origins: set[str], set_by: set[str], timeout: float) -> None:
        self._context.clear_cookies()

    def abort(self, timeout: float) -> None:
        # Crash the page, not the browser: the command in flight fails at once ("Target crashed"), and close() still
        # closes the browser through Playwright, which then removes its profile and artifacts directories. A killed
        # browser leaves them to the Node driver's cleanup, which races the driver's own exit.
        members = with_descendants(self.processes.members())
        renderers = [process for process in members if "--type=renderer" in _arguments(process)]
        if renderers:
            kill_and_wait(renderers, timeout)
        else:  # not Chromium: no renderer to crash
            self.processes.close(timeout)

    def close(self) -> None:
        playwright, self._playwright = self._playwright, None
        if playwright is None:
            return
        try:
            if hasattr(self, "_browser"):
                self._browser.close()
        finally:
            try:
                playwright.stop()
            finally:
                self.processes.close()


def _arguments(process: psutil.Process) -> list[str]:
    try:
        return list(process.cmdline())
    except psutil.Error:
        return []


@cache
def installed_playwright_builds() -> dict[str, str]:
    """Engine name -> executable, for each of Playwright's own builds that is installed (once per process:
    resolving a spec and ``e2ekit browsers`` ask it, and the builds do not change during a run).

    Only Playwright's Node driver knows the executables' paths (~0.4 s to start it); when its browser registry
    certainly holds no browser, the answer is known without it.
    """
    if _registry_is_empty():
        return {}
    found: dict[str, str] = {}
    failure: list[Exception] = []

    def look() -> None:
        try:
            with sync_playwright() as playwright:
                for name in ENGINE_NAMES:
                    path = getattr(playwright, name).executable_path
                    if os.path.exists(path):
                        found[name] = path
        # Playwright's Error, or the bare Exception of its transport when the Node driver dies: a terminal's Ctrl-C
        # reaches the driver too, and kills it while it starts (it ignores SIGINT only once it runs).
        except Exception as error:
            failure.append(error)

    # On a thread of its own: Playwright's sync API refuses a thread that runs an asyncio loop, and the caller's
    # thread may (a pytest-asyncio test, or a Playwright user on the main thread).
    thread = threading.Thread(target=look, name="e2ekit-playwright-builds")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return found


_REGISTRY_VARIABLE = "PLAYWRIGHT_BROWSERS_PATH"


def _registry_is_empty() -> bool:
    """Whether Playwright's browser registry (its default directory on Linux) certainly holds no browser build.

    False whenever unsure: the registry is moved by an environment variable (which Playwright also reads in npm's
    forms), the browsers sit inside the package, or the platform is another.
    """
    names = (
        _REGISTRY_VARIABLE,
        f"npm_config_{_REGISTRY_VARIABLE.lower()}",
        f"npm_package_config_{_REGISTRY_VARIABLE.lower()}",
    )
    if not sys.platform.startswith("linux") or any(name in os.environ for name in names):
        return False
    spec = find_spec("playwright")
    if spec is None or spec.origin is None:
        return False
    if os.path.exists(os.path.join(os.path.dirname(spec.origin), "driver", "package", ".local-browsers")):
        return False
    cache_home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    try:
        entries = os.listdir(os.path.join(cache_home, "ms-playwright"))
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return not any(entry.startswith(ENGINE_NAMES) for entry in entries)


def playwright_build_version(name: str) -> str | None:
    """The browser version of Playwright's build of ``name``, from the browsers.json its driver ships."""
    return _build_versions().get(name)


@cache
def _build_versions() -> dict[str, str]:
    spec = find_spec("playwright")
    if spec is None or spec.origin is None:
        return {}
    path = os.path.join(os.path.dirname(spec.origin), "driver", "package", "browsers.json")
    try:
        with open(path, encoding="utf-8") as file:
            browsers = json.load(file)["browsers"]
    except (OSError, ValueError, KeyError):
        return {}
    return {entry["name"]: entry["browserVersion"] for entry in browsers if entry.get("browserVersion")}
