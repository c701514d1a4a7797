"""Engines driven through WebDriver (Selenium): system Firefox with geckodriver, WebKitGTK, Safari.

One driver session, one window, for the engine's lifetime. Probes run in one Execute Async Script call per batch;
Firefox's console messages arrive over WebDriver BiDi on Selenium's websocket thread and are buffered here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from urllib3.exceptions import HTTPError

from e2ekit._engines.base import Engine, EngineInfo
from e2ekit._engines.probe_script import WEBDRIVER_PROBE_SCRIPT, ProbeCall, ProbeReply
from e2ekit._engines.processes import ProcessSession
from e2ekit._engines.proxy_settings import ProxySettings
from e2ekit._engines.webdriver_browsers import WebDriverBrowser
from e2ekit._engines.xvfb import VirtualDisplay
from e2ekit._errors import EngineError
from e2ekit._serving.marker import markers_in
from e2ekit._serving.page import CLEAR_COOKIES_PATH

__all__ = ["COMMAND_TIMEOUT", "WebDriverEngine"]

COMMAND_TIMEOUT = 10.0
"""Seconds any WebDriver command may take beyond its own timeout: a dead browser fails fast, not after 120 s."""

QUIT_WEBSOCKET_WAIT = 0.5
COOKIE_DELETE_ATTEMPTS = 5

_DRIVER_ERRORS = (WebDriverException, HTTPError, OSError)


class WebDriverEngine(Engine):
    """A browser behind a WebDriver server the engine starts, in a process session of its own."""

    def __init__(
        self,
        browser: WebDriverBrowser,
        *,
        headless: bool = True,
        processes: ProcessSession | None = None,
        proxy: ProxySettings | None = None,
    ) -> None:
        self.browser = browser
        self.processes = processes or ProcessSession(browser.engine)
        """Every process of the engine; the worker kills them from its own thread when a run is interrupted."""
        self.display: VirtualDisplay | None = None
        """The Xvfb display the engine started, if it needed one."""
        self._driver: webdriver.Remote | None = None
        self._console = _ConsoleBuffer()
        self._client = ClientConfig(remote_server_addr="http://127.0.0.1", timeout=int(browser.start_timeout))
        self._timeouts: dict[str, float] = {}
        self._log_path = os.path.join(self.processes.temp_dir, "driver.log")
        try:
            extra_env = {}
            if browser.needs_display:
                self.display = VirtualDisplay(self.processes)
                extra_env["DISPLAY"] = self.display.name
            # Kept on self: Selenium's Service stops its process when garbage-collected.
            self._service = browser.service(self.processes.env(extra_env), self.processes.popen_kw(), self._log_path)
            self._service.start()
            self.processes.adopt(self._service.process)
            self._client.remote_server_addr = self._service.service_url
            connection = RemoteConnection(client_config=self._client)
            self._driver = webdriver.Remote(command_executor=connection, options=browser.options(headless, proxy))
            self._client.timeout = COMMAND_TIMEOUT
            if browser.bidi:
                self._driver.script.add_javascript_error_handler(self._console.add)
                self._driver.script.add_console_message_handler(self._console.add)
        except _DRIVER_ERRORS as error:
            reason = self._start_failure(error)
            self.close()
            raise EngineError(reason) from error
        except BaseException:
            self.close()
            raise
        self.info = EngineInfo(
            name=browser.engine,
            backend="webdriver",
            version=str(self._driver.capabilities.get("browserVersion", "unknown")),
            executable=browser.executable,
            console_capture=browser.bidi,
        )

    @property
    def driver_pid(self) -> int:
        """The WebDriver server's process id; the browser is its child."""
        return int(self._service.process.pid)

    @property
    def driver(self) -> webdriver.Remote:
        if self._driver is None:
            raise EngineError(f"{self.browser.engine} is closed")
        return self._driver

    def navigate(self, url: str, timeout: float) -> None:
        with self._diagnosed():
            self._set_timeout("pageLoad", timeout)
            self.driver.get(url)

    def run_probes(self, probes: list[ProbeCall], timeout: float) -> list[ProbeReply]:
        with self._diagnosed():
            self._set_timeout("script", timeout)
            outcomes = self.driver.execute_async_script(WEBDRIVER_PROBE_SCRIPT, probes)
        if isinstance(outcomes, dict) and "fatal" in outcomes:
            raise EngineError(f"the probe function failed in {self.browser.engine}: {outcomes['fatal']}")
        result: list[ProbeReply] = outcomes
        return result

    def _set_timeout(self, kind: str, seconds: float) -> None:
        # The HTTP request for a command must outlive the browser-side timeout it carries, or the client gives up
        # on a command that is still within its time.
        self._client.timeout = seconds + COMMAND_TIMEOUT
        if self._timeouts.get(kind) != seconds:
            setter = self.driver.set_script_timeout if kind == "script" else self.driver.set_page_load_timeout
            setter(seconds)
            self._timeouts[kind] = seconds

    def collect_console(self, markers: set[int], timeout: float) -> dict[int, list[str]]:
        if not self.browser.bidi:
            return {}
        return self._console.take(markers, timeout)

    def clear_cookies(self, origins: set[str], timeout: float) -> None:
        with self._diagnosed():
            self._set_timeout("pageLoad", timeout)
            if self.browser.bidi:
                self._clear_cookies_bidi(origins)
                return
            # Classic WebDriver deletes only the cookies of the current document, and cookies are kept per host
            # (not per port): delete them from a page on each host the session used.
            hosts = {urlsplit(origin).hostname: origin for origin in sorted(origins)}
            for origin in hosts.values():
                self.driver.get(f"{origin}{CLEAR_COOKIES_PATH}")
                self._confirm_no_cookies()

    def _confirm_no_cookies(self) -> None:
        # The page above cleared the host's cookies with Clear-Site-Data. WebKitWebDriver's own Delete All Cookies
        # intermittently left cookies behind in a loaded run (measured: a few scenarios in six corpus runs), so
        # it is only the fallback, and reading the jar back confirms the result.
        left: list[dict[str, Any]] = self.driver.get_cookies()
        for _ in range(COOKIE_DELETE_ATTEMPTS):
            if not left:
                return
            self.driver.delete_all_cookies()
            left = self.driver.get_cookies()
        if not left:
            return
        kept = ", ".join(
            f"{c.get('name')} (domain {c.get('domain')}, path {c.get('path')}, secure {c.get('secure')}, "
            f"samesite {c.get('sameSite')})"
            for c in left
        )
        raise EngineError(f"{self.browser.engine} kept cookies after {COOKIE_DELETE_ATTEMPTS} deletions: {kept}")

    def _clear_cookies_bidi(self, origins: set[str]) -> None:
        storage: Any = self.driver.storage  # Selenium's BiDi modules are untyped
        storage.delete_cookies()
        # Firefox keeps cookies that a site sets in a third-party context in a jar partitioned by the top-level
        # site (Total Cookie Protection); the default partition does not reach them.
        for origin in origins:
            storage.delete_cookies(partition={"type": "storageKey", "sourceOrigin": origin})

    @contextmanager
    def _diagnosed(self) -> Iterator[None]:
        """Name the cause when a command fails because the browser or its driver is gone: the driver's own
        message then is often empty (WebKitWebDriver) or opaque ("Failed to decode response from marionette")."""
        try:
            yield
        except _DRIVER_ERRORS as error:
            cause = self._gone()
            if cause is None:
                raise
            raise EngineError(f"{self.browser.engine}: {cause}; the driver said: {_describe(error)}") from error

    def _start_failure(self, error: BaseException) -> str:
        # A browser that exits while starting leaves WebKitWebDriver waiting until the request times out; the
        # browser's own last words (it writes to the driver's log) say why.
        cause = self._gone() if hasattr(self, "_service") else None
        reason = f"{self.browser.engine} failed to start: {cause or _describe(error)}"
        try:
            with open(self._log_path, encoding="utf-8", errors="replace") as log:
                lines = [line.strip() for line in log if line.strip()]
        except OSError:
            lines = []
        return f"{reason}; its last output: {lines[-1]}" if lines else reason

    def _gone(self) -> str | None:
        process = self._service.process
        if process.poll() is not None:
            return (
                f"its WebDriver server {os.path.basename(self.browser.driver)} exited with status {process.returncode}"
            )
        if self.processes.children(process.pid) == []:
            return "the browser process exited (it crashed or was killed)"
        return None

    def abort(self, timeout: float) -> None:
        # Everything the driver and the browser write is in the session's directory: killing them leaves nothing.
        self.processes.close(timeout)

    def close(self) -> None:
        driver, self._driver = self._driver, None
        try:
            if driver is not None:
                self._client.timeout = COMMAND_TIMEOUT
                # quit() closes the BiDi websocket, then joins its reader thread for the connection's whole
                # response timeout when Firefox leaves the close handshake unanswered (it does after a request
                # with a body: measured 10 s per run). The thread is a daemon and ends with the browser.
                connection = getattr(driver, "_websocket_connection", None)
                if connection is not None:
                    connection.response_wait_timeout = QUIT_WEBSOCKET_WAIT
                try:
                    driver.quit()
                except _DRIVER_ERRORS:
                    pass  # the browser may be dead already; killing the process session below ends what is left
        finally:
            self.processes.close()  # stops the display first (it registered itself), then kills what is left


def _describe(error: BaseException) -> str:
    # Selenium's str() of its exceptions prefixes "Message: ", even to an empty message.
    text = ((error.msg or "") if isinstance(error, WebDriverException) else str(error)).strip()
    return f"{type(error).__name__}: {text.splitlines()[0] if text else '(no message)'}"


class _ConsoleBuffer:
    """Console messages from Selenium's websocket thread, waited for by the engine's thread."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._messages: list[str] = []
        self._markers: set[int] = set()

    def add(self, entry: Any) -> None:
        text = str(getattr(entry, "text", "") or "")
        with self._changed:
            self._messages.append(text)
            self._markers |= markers_in(text)
            self._changed.notify_all()

    def take(self, markers: set[int], timeout: float) -> dict[int, list[str]]:
        """Wait up to ``timeout`` until each of ``markers`` has a message, then hand over every message so far."""
        with self._changed:
            self._changed.wait_for(lambda: markers <= self._markers, timeout)
            messages, self._messages, self._markers = self._messages, [], set()
        by_marker: dict[int, list[str]] = {}
        for text in messages:
            for marker in markers_in(text):
                by_marker.setdefault(marker, []).append(text)
        return by_marker
