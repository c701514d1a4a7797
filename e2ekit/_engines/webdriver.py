"""Engines driven through WebDriver (Selenium): system Firefox with geckodriver, WebKitGTK, Safari; or a browser at
a WebDriver endpoint that runs elsewhere (a Selenium Grid, safaridriver on a Mac: e2ekit._engines.webdriver_remote).

One driver session for the engine's lifetime: one tab for the probe page, one per site for visits. Probes run in one
Execute Async Script call per batch; Firefox's console messages arrive over WebDriver BiDi on Selenium's websocket
thread and are buffered here, and its navigations and cookie deletions go over WebDriver BiDi too.
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

from e2ekit._engines.base import Engine, EngineInfo, site_of
from e2ekit._engines.endpoints import REMOTE_WEBDRIVER_BACKEND, display_endpoint
from e2ekit._engines.firefox_profile import FirefoxProfile
from e2ekit._engines.probe_script import WEBDRIVER_PROBE_SCRIPT, ProbeCall, ProbeReply
from e2ekit._engines.processes import ProcessSession
from e2ekit._engines.proxy_settings import ProxySettings
from e2ekit._engines.webdriver_browsers import WebDriverBrowser
from e2ekit._engines.webdriver_remote import end_remote_session, open_remote_session
from e2ekit._engines.xvfb import VirtualDisplay
from e2ekit._errors import EngineError
from e2ekit._serving.marker import markers_in
from e2ekit._serving.page import CLEAR_COOKIES_PATH
from e2ekit._standard.request_origin import origin_of

__all__ = ["COMMAND_TIMEOUT", "WebDriverEngine"]

COMMAND_TIMEOUT = 10.0
"""Seconds any WebDriver command may take beyond its own timeout: a dead browser fails fast, not after 120 s."""

QUIT_WEBSOCKET_WAIT = 0.5
COOKIE_DELETE_ATTEMPTS = 5
BIDI_POLL_INTERVAL = 0.002
"""Seconds between Selenium's checks for a WebDriver BiDi reply."""

_DRIVER_ERRORS = (WebDriverException, HTTPError, OSError)
# The clearing page fetched from a document of its origin: its Clear-Site-Data applies as when it is loaded. The
# document may have moved on (a script, a refresh): then nothing is fetched, and the page is loaded instead.
_CLEAR_FROM_DOCUMENT = """
const [origin, path, done] = arguments;
if (location.origin !== origin) {
    done(false);
} else {
    fetch(path, {cache: "no-store"}).then((response) => done(response.status === 200), () => done(false));
}
"""


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
        # Selenium polls for each BiDi reply, by default every 100 ms: a BiDi command (deleting cookies, subscribing
        # to console messages) then costs ~100 ms instead of ~1 ms.
        self._client = ClientConfig(
            remote_server_addr="http://127.0.0.1",
            timeout=int(browser.start_timeout),
            websocket_interval=BIDI_POLL_INTERVAL,
        )
        self._timeouts: dict[str, float] = {}
        self._probe_handle: str | None = None
        self._current_window: str | None = None
        """The window classic commands act on, as far as e2ekit knows; None: unknown."""
        self._visit_tabs: dict[str, str] = {}
        """The visits' tabs by site (see Engine.visit): window handles, with WebDriver BiDi browsing context ids."""
        self._visit_origins: dict[str, str] = {}
        """By site: the origin of the URL its visits' tab last loaded (classic WebDriver)."""
        self._log_path = os.path.join(self.processes.temp_dir, "driver.log")
        self._profile: FirefoxProfile | None = None
        try:
            if browser.endpoint is not None:  # no local process: the endpoint runs the browser
                self._driver = open_remote_session(browser, self._client, headless, proxy)
            else:
                extra_env = {}
                if browser.needs_display:
                    self.display = VirtualDisplay(self.processes)
                    extra_env["DISPLAY"] = self.display.name
                # Kept on self: Selenium's Service stops its process when garbage-collected.
                env, popen_kw = self.processes.env(extra_env), self.processes.popen_kw()
                self._service = browser.service(env, popen_kw, self._log_path)
                self._service.start()
                self.processes.adopt(self._service.process)
                self._client.remote_server_addr = self._service.service_url
                connection = RemoteConnection(client_config=self._client)
                options = browser.options(headless, proxy)
                if browser.product == "firefox":  # a profile of the session's own, warm from an earlier run
                    self._profile = FirefoxProfile(browser.executable, os.path.join(self.processes.temp_dir, "profile"))
                    options.add_argument("-profile")
                    options.add_argument(self._profile.directory)
                self._driver = webdriver.Remote(command_executor=connection, options=options)
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
            backend="webdriver" if browser.endpoint is None else REMOTE_WEBDRIVER_BACKEND,
            version=str(self._driver.capabilities.get("browserVersion", "unknown")),
            executable=browser.executable,
            console_capture=browser.bidi,
            endpoint=None if browser.endpoint is None else display_endpoint(browser.endpoint),
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
            if self.browser.bidi:
                self._navigate_bidi(self._probe_window(), url, timeout)
                return
            self._set_timeout("pageLoad", timeout)
            self._use_window(self._probe_window())
            self.driver.get(url)

    def visit(self, url: str, timeout: float) -> None:
        with self._diagnosed():
            if self.browser.bidi:
                self._navigate_bidi(self._visit_context(url), url, timeout)
                return
            self._set_timeout("pageLoad", timeout)
            self._use_visit_window(url)
            self._load_in_visit_tab(url)

    def _probe_window(self) -> str:
        """The probe page's window handle (with WebDriver BiDi, also its browsing context's id)."""
        if self._probe_handle is None:
            self._probe_handle = self._current_window = self.driver.current_window_handle
        return self._probe_handle

    def _use_window(self, handle: str) -> None:
        """Make ``handle`` the window classic commands act on; it stays so until another is needed (a switch costs
        ~10 ms in WebKitGTK, and a cookie scenario needs three instead of four)."""
        if self._current_window != handle:
            self._current_window = None  # unknown, should the switch fail
            self.driver.switch_to.window(handle)
            self._current_window = handle

    def _visit_context(self, url: str) -> str:
        """The browsing context of the visits to ``url``'s site: a background tab, opened on the first."""
        site = site_of(url)
        if site not in self._visit_tabs:
            contexts: Any = self.driver.browsing_context  # Selenium's BiDi modules are untyped
            self._visit_tabs[site] = contexts.create(type="tab", background=True)
        return self._visit_tabs[site]

    def _navigate_bidi(self, context: str, url: str, timeout: float) -> None:
        # WebDriver BiDi talks to the browser directly (classic commands go through geckodriver) and names the tab
        # to load in: measured ~40 ms less a load than classic Navigate To, and no window switch (~30 ms each).
        connection: Any = getattr(self.driver, "_websocket_connection", None)
        if connection is not None:  # as _set_timeout: the wait for the reply outlives the navigation's own
            connection.response_wait_timeout = timeout + COMMAND_TIMEOUT
        contexts: Any = self.driver.browsing_context
        contexts.navigate(context=context, url=url, wait="complete")

    def _use_visit_window(self, url: str) -> None:
        """Make the visits' tab of ``url``'s site (opened on the first) the window classic commands act on."""
        self._probe_window()  # its handle, known before any switch
        site = site_of(url)
        if site in self._visit_tabs:
            self._use_window(self._visit_tabs[site])
            return
        self._current_window = None
        self.driver.switch_to.new_window("tab")
        self._visit_tabs[site] = self._current_window = self.driver.current_window_handle

    def run_probes(self, probes: list[ProbeCall], timeout: float) -> list[ProbeReply]:
        with self._diagnosed():
            self._set_timeout("script", timeout)
            self._use_window(self._probe_window())
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

    def clear_cookies(self, origins: set[str], set_by: set[str], timeout: float) -> None:
        with self._diagnosed():
            self._set_timeout("pageLoad", timeout)
            if self.browser.bidi:
                self._clear_cookies_bidi(origins)
                return
            # Classic WebDriver deletes only the cookies of the current document, and cookies are kept per host
            # (not per port): delete them from a page on each host that may have set some.
            hosts = {urlsplit(origin).hostname: origin for origin in sorted(set_by)}
            for origin in hosts.values():
                self._use_visit_window(origin)
                if not self._cleared_from_visit(origin, timeout):
                    self._load_in_visit_tab(f"{origin}{CLEAR_COOKIES_PATH}")
                self._confirm_no_cookies()

    def _load_in_visit_tab(self, url: str) -> None:
        """Load ``url`` in the visits' tab (current), and remember the origin of the document it now holds."""
        site = site_of(url)
        self._visit_origins.pop(site, None)  # unknown, should the load fail
        self.driver.get(url)
        self._visit_origins[site] = origin_of(url)

    def _cleared_from_visit(self, origin: str, timeout: float) -> bool:
        """Fetch the clearing page from the document a visit left on ``origin`` in its tab, instead of loading it:
        one script instead of a page load (~12 ms against ~40 ms in WebKitGTK). False when no such document is
        there or the fetch did not get the page (a Content-Security-Policy, a page that replaced fetch)."""
        origin = origin_of(origin)
        if self._visit_origins.get(site_of(origin)) != origin:
            return False
        self._set_timeout("script", timeout)
        cleared = self.driver.execute_async_script(_CLEAR_FROM_DOCUMENT, origin, CLEAR_COOKIES_PATH)
        return cleared is True

    def _confirm_no_cookies(self) -> None:
        # The clearing page (fetched or loaded) cleared the host's cookies with Clear-Site-Data where the host is a
        # secure context. WebKitWebDriver's own Delete All Cookies intermittently left cookies behind in a loaded
        # run (measured: a few scenarios in six corpus runs), so it is only the fallback, and reading the jar back
        # confirms the result.
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
        if self.browser.endpoint is not None:  # the endpoint's processes are not the kit's to watch
            return None
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
        # A remote browser is not the kit's to kill: deleting its session ends it, and the command in flight.
        driver = self._driver
        if self.browser.endpoint is not None and driver is not None and driver.session_id:
            end_remote_session(self._client, driver.session_id, timeout)
        self.processes.close(timeout)

    def close(self) -> None:
        driver, self._driver = self._driver, None
        try:
            # A browser the engine started keeps its profile in the session's temporary directory: killing its
            # processes ends it with nothing left, where quitting first lets Firefox save that profile (~1 s, more
            # on a busy machine); it quits once, to leave start-up caches for the next (FirefoxProfile). Safari is
            # the system's (safaridriver only asks it), a remote one the endpoint's.
            cold = self._profile is not None and not self._profile.warm
            if driver is not None and (self.browser.endpoint is not None or self.browser.product == "safari" or cold):
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
                else:
                    if cold and self._profile is not None:
                        self._profile.keep_caches()
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
