"""Sessions on a WebDriver endpoint the kit does not start: a Selenium Grid 4, safaridriver on a Mac, or any W3C
WebDriver server (geckodriver, WebKitWebDriver, chromedriver) listening at ``http://HOST:PORT[/PATH]``.

No local browser or driver starts: the kit asks the endpoint for a session, drives it with the same commands as a
local WebDriver engine (e2ekit._engines.webdriver), and deletes the session when the engine closes or is stopped.

The network path. Every origin of a run is answered by the kit's forward proxy (e2ekit._serving.forward_proxy), and
the browser is told to send every request there (the WebDriver ``proxy`` capability, manual, for http and https;
WebKitGTK's MiniBrowser takes its own ``--proxy`` argument instead, see e2ekit._engines.proxy_settings):

- an endpoint on loopback (``127.0.0.1``, ``::1``, ``localhost``) runs its browser on this machine, which reaches
  the proxy at its loopback address;
- any other endpoint runs its browser elsewhere, which reaches nothing of the kit's unless the run's origins are
  exposed to it explicitly: ``E2EKIT_EXPOSE=ADDRESS[:PORT]`` (e2ekit._engines.exposure), an address of this machine
  that the browser reaches, or the near end of an SSH tunnel; the browser's proxy is then that address. Without it,
  such an endpoint is refused before anything is sent to it. With it, the exposed address is used for a loopback
  endpoint too (an endpoint tunnelled to this machine's loopback, ``ssh -L``, runs its browser elsewhere).

The run's certificates (https origins) cannot be installed on the browser's machine by the kit: the session asks
for ``acceptInsecureCerts``, as a local engine's does.

Safari takes no proxy from WebDriver (safaridriver documents no ``proxy`` capability): it uses the Mac's system
proxy, which whoever runs the Mac sets (docs/scaling.md). It accepts ``acceptInsecureCerts`` from Safari 15.4 on.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import SessionNotCreatedException, WebDriverException
from selenium.webdriver.chrome.options import Options as ChromeOptions
from selenium.webdriver.common.options import BaseOptions
from selenium.webdriver.common.proxy import Proxy, ProxyType
from selenium.webdriver.firefox.options import Options as FirefoxOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.command import Command
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.safari.options import Options as SafariOptions
from selenium.webdriver.webkitgtk.options import Options as WebKitGTKOptions
from urllib3.exceptions import HTTPError
from urllib3.exceptions import TimeoutError as ResponseTimeout

from e2ekit._engines.endpoints import display_endpoint
from e2ekit._engines.exposure import EXPOSE_VARIABLE, exposure, is_exposure_requested
from e2ekit._engines.playwright import SYSTEM_CHROMIUM_ARGS
from e2ekit._engines.proxy_settings import ProxySettings, minibrowser_arguments
from e2ekit._engines.webdriver_browsers import WebDriverBrowser
from e2ekit._errors import EngineConfigError, EngineError

__all__ = [
    "CONNECT_TIMEOUT",
    "REMOTE_PRODUCTS",
    "configure_client",
    "end_remote_session",
    "is_loopback_endpoint",
    "open_remote_session",
    "remote_options",
    "remote_proxy",
    "remote_webdriver_browser",
]

CONNECT_TIMEOUT = 10.0
"""Seconds for the endpoint to accept a connection; the session itself may take the browser's start timeout."""
REMOTE_PRODUCTS = {"firefox": "firefox", "webkit": "webkit", "chromium": "chrome"}
"""The product each engine asks a remote endpoint for. ``webkit`` is Safari or WebKitGTK, whichever it serves."""
_LOOPBACK_NAMES = ("localhost",)


def is_loopback_endpoint(endpoint: str) -> bool:
    """Whether ``endpoint``'s host is a loopback address or ``localhost`` (no name is resolved)."""
    host = urlsplit(endpoint).hostname or ""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def remote_webdriver_browser(name: str, endpoint: str) -> WebDriverBrowser:
    """The remote browser for engine ``name`` at ``endpoint``; EngineConfigError for an endpoint beyond loopback
    when the run's origins are not exposed (its browser could reach none of them). Nothing is sent to it here."""
    if not is_loopback_endpoint(endpoint) and not is_exposure_requested():
        raise EngineConfigError(
            f"{name}: the WebDriver endpoint {display_endpoint(endpoint)} is not on loopback, so its browser cannot "
            f"reach the kit's origins, which listen on loopback only: set {EXPOSE_VARIABLE}=ADDRESS[:PORT] "
            "(--e2e-expose), an address of this machine that the browser reaches or the near end of a tunnel "
            '(docs/scaling.md, "Remote WebDriver")'
        )
    return WebDriverBrowser(name, REMOTE_PRODUCTS[name], None, endpoint, endpoint=endpoint)


def remote_proxy(proxy: ProxySettings | None) -> ProxySettings | None:
    """The proxy a remote browser is told to use: the exposed forward proxy when ``E2EKIT_EXPOSE`` asks for one,
    else ``proxy`` (the loopback one); None for an engine launched direct."""
    if proxy is None:
        return None
    exposed = exposure()
    if exposed is None:
        return proxy
    return ProxySettings(f"[{exposed.host}]" if ":" in exposed.host else exposed.host, exposed.port)


def remote_options(engine: str, headless: bool, proxy: ProxySettings | None) -> BaseOptions | list[BaseOptions]:
    """The capabilities a remote session of ``engine`` asks for: the run's certificates accepted, every request
    through ``proxy``; no executable (the endpoint's machine has its own). For webkit, two alternatives
    (``firstMatch``): Safari, or WebKitGTK's MiniBrowser, whichever the endpoint serves."""
    if engine == "firefox":
        firefox = FirefoxOptions()
        if headless:
            firefox.add_argument("-headless")
        firefox.enable_bidi = True  # Firefox reports its CORS errors only to the console, which BiDi streams
        if proxy is not None:
            firefox.proxy = _manual_proxy(proxy)
            # Firefox sends requests for localhost and 127.0.0.1 past any proxy unless told not to.
            firefox.set_preference("network.proxy.allow_hijacking_localhost", True)
        firefox.accept_insecure_certs = True
        return firefox
    if engine == "chromium":
        chrome = ChromeOptions()
        if headless:
            chrome.add_argument("--headless=new")
        # Playwright launches Chromium without its sandbox by default (``chromium_sandbox``): the same here, which
        # also lets a node that runs as root start it.
        for argument in [*SYSTEM_CHROMIUM_ARGS, "--no-sandbox"]:
            chrome.add_argument(argument)
        if proxy is not None:  # "<-loopback>": Chromium bypasses the proxy for loopback hosts unless told not to
            chrome.add_argument(f"--proxy-server={proxy.url}")
            chrome.add_argument("--proxy-bypass-list=<-loopback>")
        chrome.accept_insecure_certs = True
        return chrome
    safari = SafariOptions()  # the proxy is the Mac's system proxy (see the module's docstring)
    safari.accept_insecure_certs = True
    minibrowser = WebKitGTKOptions()
    for argument in ["--automation", *minibrowser_arguments(proxy)]:
        minibrowser.add_argument(argument)
    minibrowser.accept_insecure_certs = True
    alternatives: list[BaseOptions] = [safari, minibrowser]
    return alternatives


def _manual_proxy(proxy: ProxySettings) -> Proxy:
    address = f"{proxy.host}:{proxy.port}"
    return Proxy({"proxyType": ProxyType.MANUAL, "httpProxy": address, "sslProxy": address})


def configure_client(client: ClientConfig, endpoint: str) -> None:
    """Point ``client`` at ``endpoint``; credentials in its URL (``http://user:key@host/``) become basic
    authentication, as Selenium would do with a warning."""
    parts = urlsplit(endpoint)
    if parts.username is not None:
        client.username, client.password = parts.username, parts.password or ""
        parts = parts._replace(netloc=parts.netloc.rpartition("@")[2])
    client.remote_server_addr = parts.geturl().rstrip("/")  # the commands' paths start with "/"


def open_remote_session(
    browser: WebDriverBrowser, client: ClientConfig, headless: bool, proxy: ProxySettings | None
) -> webdriver.Remote:
    """A new session at ``browser.endpoint`` through ``client``. A bad endpoint fails with one line naming it, as
    EngineConfigError: nothing answers there, what answers is not a WebDriver endpoint, it refuses the session or
    grants Firefox no WebDriver BiDi. (Not EngineUnavailable: an endpoint named explicitly that fails must fail the
    run's tests, not skip them as "not installed".) A session that takes too long to start is an EngineError."""
    assert browser.endpoint is not None
    name, shown = browser.engine, display_endpoint(browser.endpoint)
    configure_client(client, browser.endpoint)
    if client.get_proxy_url() is None:  # through an HTTP proxy (HTTP_PROXY), the proxy answers the connection
        _check_reachable(name, browser.endpoint, shown)
    options = remote_options(name, headless, remote_proxy(proxy))
    try:
        driver = webdriver.Remote(command_executor=RemoteConnection(client_config=client), options=options)
    except SessionNotCreatedException as error:
        raise EngineConfigError(
            f"{name}: the WebDriver endpoint {shown} refused a session: {_message(error)}"
        ) from None
    except ResponseTimeout:
        raise EngineError(
            f"{name}: the WebDriver endpoint {shown} did not start a session within {client.timeout:.0f} s "
            "(a Selenium Grid queues a request it has no free node for)"
        ) from None
    except (HTTPError, OSError) as error:
        raise EngineError(f"{name}: the WebDriver endpoint {shown} failed: {error}") from None
    except (WebDriverException, AttributeError, KeyError, TypeError, ValueError) as error:
        found = f'"{_message(error)[:120]}"' if isinstance(error, WebDriverException) else "an answer without a session"
        raise EngineConfigError(_not_webdriver(name, shown, found)) from None
    if not driver.session_id:
        raise EngineConfigError(_not_webdriver(name, shown, "an answer without a session id"))
    websocket = str(driver.capabilities.get("webSocketUrl") or "")
    if browser.bidi and not websocket:
        _quit(driver)
        raise EngineConfigError(
            f"{name}: the WebDriver endpoint {shown} did not grant WebDriver BiDi (the webSocketUrl capability), "
            "through which Firefox reports its console messages: on a Selenium Grid, leave --enable-bidi on"
        )
    if browser.bidi and is_loopback_endpoint(websocket) and not is_loopback_endpoint(browser.endpoint):
        # A bare geckodriver elsewhere hands out Firefox's own BiDi socket, on that machine's loopback.
        _quit(driver)
        raise EngineConfigError(
            f"{name}: the WebDriver endpoint {shown} offers WebDriver BiDi at {display_endpoint(websocket)}, on its "
            "own machine's loopback, which this machine cannot reach: run Firefox behind a Selenium Grid, which "
            "relays BiDi through its own address"
        )
    return driver


def _not_webdriver(name: str, shown: str, found: str) -> str:
    return (
        f"{name}: {shown} is not a WebDriver endpoint: expected a new session, found {found} (a Selenium Grid 3 "
        "hub's endpoint ends in /wd/hub)"
    )


def _check_reachable(name: str, endpoint: str, shown: str) -> None:
    """Fail at once, naming the endpoint, when nothing accepts a connection there (within CONNECT_TIMEOUT)."""
    parts = urlsplit(endpoint)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname or "", port), CONNECT_TIMEOUT).close()
    except OSError as error:
        reason = "timed out" if isinstance(error, socket.timeout) else error.strerror or str(error)
        raise EngineConfigError(f"{name}: nothing answers at the WebDriver endpoint {shown}: {reason}") from None


def end_remote_session(client: ClientConfig, session_id: str, timeout: float) -> None:
    """Delete session ``session_id`` at ``client``'s endpoint within ``timeout``, from any thread: the remote
    browser ends, and a command in flight on another connection fails at once. Errors are ignored (the session
    may be gone already)."""
    ending = ClientConfig(
        remote_server_addr=client.remote_server_addr,
        username=client.username,
        password=client.password,
        timeout=max(1, round(timeout)),
        init_args_for_pool_manager={"init_args_for_pool_manager": {"retries": False}},
    )
    connection: Any = RemoteConnection(client_config=ending)  # Selenium's execute() is untyped
    try:
        connection.execute(Command.QUIT, {"sessionId": session_id})
    except (HTTPError, OSError, WebDriverException):
        pass


def _quit(driver: webdriver.Remote) -> None:
    try:
        driver.quit()
    except (WebDriverException, HTTPError, OSError):
        pass


def _message(error: WebDriverException) -> str:
    # Selenium appends a link to its troubleshooting page to the driver's own message.
    text = (error.msg or "").split("; For documentation on this error")[0].strip()
    return text.splitlines()[0] if text else f"{type(error).__name__} (no message)"
