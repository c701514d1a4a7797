"""How each engine is told, for its run only, to send every request to the kit's forward proxy and to accept the
certificates of the run's CA.

Nothing here touches the system: no proxy environment for the kit itself, no CA in a system store. Each setting
lives in the engine's own launch options, profile or command line, and ends with the engine. Measured with Chromium
156, Firefox ESR 153.8 and WebKitGTK 2.50.6 (docs/engines.md, "Origins"). Certificates are accepted also when an
engine is launched without the proxy (``direct``), so that a comparison with a real server changes one thing only.

Accepting certificate errors does not make a page less secure in these engines' eyes: with the CA trusted instead
(measured once in a private mount namespace, the CA added to the system bundle there), Chromium and Firefox allow,
and WebKitGTK blocks, the same mixed-content requests as with the settings below.

- Chromium (Playwright): the ``proxy`` launch option, with ``<-loopback>`` so that localhost and 127.0.0.1 go
  through the proxy too (Chromium bypasses them implicitly otherwise), and the context option
  ``ignore_https_errors``.
- Firefox (WebDriver): profile preferences for the http and ssl proxy, ``allow_hijacking_localhost`` for the same
  reason, and the capability ``acceptInsecureCerts``.
- WebKitGTK (WebDriver): MiniBrowser's own ``--proxy`` and ``--ignore-tls-errors`` arguments, which set the proxy of
  the automation session's web context only. Proxy environment variables would reach WebKitWebDriver too, whose
  link to the browser then needs a ``no_proxy`` exception, and that exception would bypass the proxy for loopback
  origins as well; the WebDriver ``proxy`` capability's ``sslProxy`` makes WebKit speak TLS to the proxy itself.
  ``acceptInsecureCerts`` as well, for WebKitWebDriver's own checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "ProxySettings",
    "chromium_context_options",
    "chromium_launch_options",
    "firefox_preferences",
    "minibrowser_arguments",
]


@dataclass(frozen=True)
class ProxySettings:
    """Where the kit's forward proxy listens (a loopback address and port)."""

    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def chromium_launch_options(proxy: ProxySettings) -> dict[str, Any]:
    """Playwright launch options: every request, loopback included, through the proxy."""
    return {"proxy": {"server": proxy.url, "bypass": "<-loopback>"}}


def chromium_context_options() -> dict[str, Any]:
    """Playwright context options: accept the run's certificates (also without the proxy, for https servers of the
    kit's own)."""
    return {"ignore_https_errors": True}


def firefox_preferences(proxy: ProxySettings) -> dict[str, Any]:
    """Firefox profile preferences: a manual proxy for http and https, localhost included."""
    return {
        "network.proxy.type": 1,
        "network.proxy.http": proxy.host,
        "network.proxy.http_port": proxy.port,
        "network.proxy.ssl": proxy.host,
        "network.proxy.ssl_port": proxy.port,
        "network.proxy.no_proxies_on": "",
        "network.proxy.allow_hijacking_localhost": True,
    }


def minibrowser_arguments(proxy: ProxySettings | None) -> list[str]:
    """WebKitGTK MiniBrowser arguments: the proxy of its web context, and accepting the run's certificates."""
    return ([] if proxy is None else [f"--proxy={proxy.url}"]) + ["--ignore-tls-errors"]
