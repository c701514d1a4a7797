"""Connecting to a Playwright browser server: a browser that runs elsewhere, reaching the kit's loopback servers.

A Playwright server (``playwright run-server``, ``browser_type.launch_server()``, Playwright's Docker image) launches
a browser for each client that connects, with the launch options the client sends in the
``x-playwright-launch-options`` header; a server started without ``--unsafe`` ignores the unsafe ones
(``executablePath``, ``args``). A ``launch-options`` query parameter in the endpoint URL replaces the header entirely
(Playwright's rule), so a URL can carry the options a particular server needs.

The kit's servers listen on loopback only. By default ``expose_network`` makes the remote browser send every
request for a loopback host (``localhost``, ``127.0.0.1``, ``::1``) back through the connection to this machine, where
Playwright's client opens the connection: the browser reaches the loopback origins that have a server of their own
(those without an explicit port), and nothing listens beyond loopback. With ``E2EKIT_EXPOSE`` set
(e2ekit._engines.exposure), the browser instead uses the kit's forward proxy at the exposed address, as a local engine
does, and reaches every origin of the run: explicit ports, any host name, https.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from playwright.sync_api import Browser, BrowserType

from e2ekit._engines.endpoints import display_endpoint
from e2ekit._engines.exposure import exposure
from e2ekit._errors import EngineConfigError

__all__ = [
    "CONNECT_TIMEOUT",
    "EXPOSED_NETWORK",
    "LAUNCH_OPTIONS_HEADER",
    "REMOTE_BACKEND",
    "REMOTE_REACH_HINT",
    "UNREACHED_BY_TUNNEL",
    "connect_browser",
    "remote_launch_options",
]

REMOTE_BACKEND = "playwright-remote"
"""The backend named in the results of a browser that a Playwright server runs."""
UNREACHED_BY_TUNNEL = "net::ERR_SOCKS_CONNECTION_FAILED"
"""Chromium's error for a loopback origin that nothing on this machine listens on, through ``expose_network``."""
REMOTE_REACH_HINT = (
    "a browser on a Playwright server reaches only the loopback origins with a server of their own (no explicit port) "
    "unless the run's origins are exposed to it: set E2EKIT_EXPOSE=ADDRESS (see docs/scaling.md)"
)
EXPOSED_NETWORK = "<loopback>"
"""Playwright's name for localhost, 127.0.0.1 and ::1: every origin the kit serves."""
LAUNCH_OPTIONS_HEADER = "x-playwright-launch-options"
CONNECT_TIMEOUT = 30.0
"""Seconds for the server to accept the connection and launch its browser."""

# Playwright's launch arguments that a server honours (playwright-core's filterLaunchOptions), by the name the
# Python API gives them; the rest (env, handle_sigint, ...) concern a local process.
_REMOTE_OPTIONS = {
    "args": "args",
    "channel": "channel",
    "chromium_sandbox": "chromiumSandbox",
    "executable_path": "executablePath",
    "firefox_user_prefs": "firefoxUserPrefs",
    "headless": "headless",
    "ignore_default_args": "ignoreDefaultArgs",
    "proxy": "proxy",
    "slow_mo": "slowMo",
    "timeout": "timeout",
}


def remote_launch_options(launch_args: Mapping[str, Any], system_args: tuple[str, ...] = ()) -> dict[str, Any]:
    """The server's launch options for Playwright's ``launch_args``; ``system_args`` go with an executable path."""
    options = {_REMOTE_OPTIONS[key]: value for key, value in launch_args.items() if key in _REMOTE_OPTIONS}
    options.setdefault("headless", True)
    if "executablePath" in options:
        options["args"] = [*options.get("args", []), *system_args]
    return options


def connect_browser(
    browser_type: BrowserType, endpoint: str, launch_options: Mapping[str, Any], *, proxied: bool = True
) -> Browser:
    """Connect to the server at ``endpoint``, which launches the browser; loopback is exposed to it, or, when the
    run's origins are exposed explicitly (``E2EKIT_EXPOSE``) and the engine is ``proxied`` (not launched direct),
    the browser's proxy is the exposed forward proxy."""
    endpoint, given = _without_launch_options(endpoint)
    options = {**launch_options, **given}
    exposed = exposure() if proxied else None
    if exposed is None:
        headers = {LAUNCH_OPTIONS_HEADER: json.dumps(options)}
        return browser_type.connect(
            endpoint, headers=headers, expose_network=EXPOSED_NETWORK, timeout=CONNECT_TIMEOUT * 1000
        )
    # "<-loopback>": Chromium bypasses the proxy for loopback hosts unless told not to, and the run's loopback
    # origins are the kit's too (the remote machine's own loopback is not).
    options["proxy"] = {"server": exposed.url, "bypass": "<-loopback>"}
    headers = {LAUNCH_OPTIONS_HEADER: json.dumps(options)}
    return browser_type.connect(endpoint, headers=headers, timeout=CONNECT_TIMEOUT * 1000)


def _without_launch_options(endpoint: str) -> tuple[str, dict[str, Any]]:
    """The endpoint without its ``launch-options`` parameter, and the options that parameter gave. The server lets
    the parameter replace the header entirely; merged into the header instead, they keep the kit's own (the proxy)."""
    parts = urlsplit(endpoint)
    query = parse_qsl(parts.query, keep_blank_values=True)
    given = [value for name, value in query if name == "launch-options"]
    if not given:
        return endpoint, {}
    try:
        options = json.loads(given[-1])
    except ValueError:
        raise EngineConfigError(
            f'the "launch-options" parameter of {display_endpoint(endpoint)} is not JSON: {given[-1][:80]}'
        ) from None
    if not isinstance(options, dict):
        raise EngineConfigError(f'the "launch-options" parameter of {display_endpoint(endpoint)} is not a JSON object')
    rest = urlencode([(name, value) for name, value in query if name != "launch-options"])
    return parts._replace(query=rest).geturl(), options
