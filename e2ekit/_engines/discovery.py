"""Which engines can run here, through which backend and browser version; no browser is launched.

Versions come from ``--version`` (Chromium, Firefox, geckodriver), from Playwright's browsers.json for its own
builds, and from the package database for WebKitGTK, whose MiniBrowser cannot print a version without a display.
"""

from __future__ import annotations

import plistlib
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from typing import Any

from e2ekit._engines.base import ENGINE_NAMES
from e2ekit._engines.endpoints import display_endpoint
from e2ekit._engines.install import install_command
from e2ekit._engines.playwright import installed_playwright_builds, playwright_build_version
from e2ekit._engines.selection import EnginePlan, EngineSpec, resolve_engine
from e2ekit._errors import EngineConfigError, EngineUnavailable

__all__ = ["EngineAvailability", "discover_engines"]

VERSION_TIMEOUT = 5.0
_VERSION = re.compile(r"\d+(?:\.\d+)+\S*")


@dataclass(frozen=True)
class EngineAvailability:
    """One engine as ``e2ekit browsers`` reports it; ``install_command`` is set when it is not available."""

    engine: str
    backend: str | None
    executable: str | None
    version: str | None
    available: bool
    driver: str | None = None
    install_command: str | None = None
    reason: str | None = None
    endpoint: str | None = None
    """The Playwright server or WebDriver endpoint that runs the engine (``E2EKIT_<NAME>=ws://...`` or
    ``http://...``); not contacted, so no version."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def discover_engines() -> list[EngineAvailability]:
    """Every engine's availability, as ``launch_engine`` would resolve its plain name (about half a second)."""
    builds = installed_playwright_builds()
    found = []
    for name in ENGINE_NAMES:
        try:
            plan = resolve_engine(EngineSpec(name), playwright_builds=lambda: builds)
        except (EngineUnavailable, EngineConfigError) as missing:
            # A configuration error (an executable that does not exist, an endpoint the browser could not use) is
            # not fixed by installing anything.
            command = install_command(name) if isinstance(missing, EngineUnavailable) else None
            found.append(EngineAvailability(name, None, None, None, False, None, command, str(missing)))
            continue
        if plan.endpoint is not None:
            endpoint = display_endpoint(plan.endpoint)
            found.append(EngineAvailability(name, plan.backend, None, None, True, endpoint=endpoint))
            continue
        driver = plan.webdriver.driver if plan.webdriver else None
        found.append(EngineAvailability(name, plan.backend, plan.executable, _version(plan), True, driver))
    return found


def _version(plan: EnginePlan) -> str | None:
    if plan.playwright_build:
        return playwright_build_version(plan.name)
    product = plan.webdriver.product if plan.webdriver else None
    if product == "webkitgtk":
        return _debian_package_version(plan.executable)
    if product == "safari":
        return _safari_version()
    return _version_output([plan.executable]) if plan.executable else None


def _version_output(command: list[str]) -> str | None:
    try:
        completed = subprocess.run(
            [*command, "--version"], capture_output=True, text=True, timeout=VERSION_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION.search(completed.stdout)
    return match.group(0) if match else None


def _debian_package_version(path: str | None) -> str | None:
    if path is None or shutil.which("dpkg-query") is None:
        return None
    try:
        owner = subprocess.run(["dpkg-query", "-S", path], capture_output=True, text=True, timeout=VERSION_TIMEOUT)
        package = owner.stdout.rsplit(": ", 1)[0]  # "libwebkit2gtk-4.1-0:amd64: /usr/lib/.../MiniBrowser"
        version = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, timeout=VERSION_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION.match(version.stdout)  # "2.50.6-1~deb12u2": the upstream version before the Debian revision
    return match.group(0).split("-")[0] if match else None


def _safari_version() -> str | None:
    try:
        with open("/Applications/Safari.app/Contents/Info.plist", "rb") as file:
            return str(plistlib.load(file)["CFBundleShortVersionString"])
    except (OSError, KeyError, plistlib.InvalidFileException):
        return None
