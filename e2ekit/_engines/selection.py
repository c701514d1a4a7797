"""Engine selection: which engine to run, and the one place that decides which backend and executable run it.

Spec syntax: ``NAME[:BACKEND | :EXECUTABLE | :ENDPOINT]``, e.g. ``chromium``, ``firefox:webdriver``,
``chromium:/usr/bin/chromium``, ``chromium:ws://127.0.0.1:3000/``, ``firefox:http://127.0.0.1:4444``; ``all`` stands
for every engine. A spec resolves to a plan by these rules, in order:

0. An endpoint; no local browser or driver starts. ``NAME:ws://HOST:PORT/PATH`` (or ``wss://``): a running Playwright
   browser server (``playwright run-server``, ``browser_type.launch_server()``, Playwright's Docker image), connected
   to with the kit's loopback exposed to the remote browser (e2ekit._engines.playwright_remote).
   ``NAME:http://HOST:PORT[/PATH]`` (or ``https://``): a running WebDriver endpoint (a Selenium Grid 4, safaridriver
   on a Mac, any W3C WebDriver server), whose browser is told to use the kit's forward proxy; beyond loopback only
   when the run's origins are exposed (e2ekit._engines.webdriver_remote). The same name given several times with
   endpoints of one kind is a pool: pytest-xdist worker ``n`` connects to endpoint ``n mod k``
   (``EngineSpec.shard``), one process without xdist to the first.
1. ``NAME:playwright``: Playwright, with its own build (for chromium, else the system's Chromium).
2. ``NAME:webdriver``: WebDriver: Firefox with geckodriver; WebKitGTK's MiniBrowser (Linux) or Safari (macOS).
3. ``NAME:/path``: chromium through Playwright with that executable; firefox and webkit through WebDriver with it
   (Playwright drives only its own patched Firefox and WebKit builds).
4. ``NAME``: the environment variable ``E2EKIT_<NAME>`` (e.g. ``E2EKIT_CHROMIUM``) when it is set: an executable,
   as in rule 3, or one or more endpoints of one kind separated by spaces, as in rule 0; else Playwright's
   own build when installed; else chromium as the system's Chromium through Playwright, firefox and webkit through
   WebDriver.

A missing browser raises EngineUnavailable naming the command that installs it. ``e2ekit browsers`` and the real
launch both call ``resolve_engine``, so they cannot disagree.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from e2ekit._engines.base import ENGINE_NAMES
from e2ekit._engines.endpoints import REMOTE_WEBDRIVER_BACKEND, WEBDRIVER_SCHEMES, display_endpoint
from e2ekit._engines.install import install_command
from e2ekit._engines.playwright import find_system_chromium, installed_playwright_builds
from e2ekit._engines.playwright_remote import REMOTE_BACKEND
from e2ekit._engines.webdriver_browsers import WebDriverBrowser, webdriver_browser
from e2ekit._errors import EngineConfigError, EngineSpecError, EngineUnavailable

__all__ = [
    "BACKENDS",
    "EnginePlan",
    "EngineSpec",
    "configured_spec",
    "executable_variable",
    "is_webdriver_endpoint",
    "parse_endpoint",
    "parse_engine_specs",
    "resolve_engine",
]


BACKENDS = ("playwright", "webdriver")
PLAYWRIGHT_SCHEMES = ("ws", "wss")
ENDPOINT_SCHEMES = PLAYWRIGHT_SCHEMES + WEBDRIVER_SCHEMES


@dataclass(frozen=True)
class EngineSpec:
    name: str
    backend: str | None = None
    executable: str | None = None
    endpoints: tuple[str, ...] = ()
    """Playwright browser servers or WebDriver endpoints (one kind), any of which runs the engine (rule 0); one per
    process, chosen by ``shard``."""
    shard: int = 0
    """Which process of a sharded run this is (a pytest-xdist worker's number): it picks one of ``endpoints``."""

    @classmethod
    def parse(cls, text: str) -> EngineSpec:
        name, colon, rest = text.partition(":")
        if name not in ENGINE_NAMES:
            raise EngineSpecError(
                f'unknown engine "{text}": expected {", ".join(ENGINE_NAMES)} or all, optionally followed by '
                f'":{"|:".join(BACKENDS)}", ":/path/to/executable", ":ws://HOST:PORT/" (a Playwright server) or '
                '":http://HOST:PORT/" (a WebDriver endpoint)'
            )
        if not colon:
            return cls(name)
        if rest in BACKENDS:
            return cls(name, backend=rest)
        if rest.startswith("/") or rest.startswith("."):
            return cls(name, executable=rest)
        if urlsplit(rest).scheme in ENDPOINT_SCHEMES:
            return cls(name, endpoints=(parse_endpoint(rest, what=f'engine "{text}"'),))
        raise EngineSpecError(
            f'engine "{text}": "{rest}" is neither a backend ({", ".join(BACKENDS)}), a path to an executable, '
            "a Playwright server (ws://HOST:PORT/) nor a WebDriver endpoint (http://HOST:PORT/)"
        )

    @property
    def endpoint(self) -> str | None:
        """The endpoint this process connects to: the ``shard``-th of ``endpoints``, wrapping around."""
        return self.endpoints[self.shard % len(self.endpoints)] if self.endpoints else None

    def __str__(self) -> str:
        suffix = self.backend or self.executable or " ".join(display_endpoint(url) for url in self.endpoints)
        return f"{self.name}:{suffix}" if suffix else self.name


def parse_endpoint(text: str, *, what: str) -> str:
    """``text`` if it is a Playwright server URL (``ws://`` or ``wss://``) or a WebDriver endpoint's (``http://`` or
    ``https://``), with a host; else EngineSpecError."""
    expected = "ws://HOST:PORT/PATH" if urlsplit(text).scheme in PLAYWRIGHT_SCHEMES else "http://HOST:PORT/PATH"
    try:
        parts = urlsplit(text)
        _ = parts.port  # a port that is not a number from 0 to 65535 raises here
    except ValueError as error:
        raise EngineSpecError(f'{what}: "{text}" is not a valid URL ({error}): expected {expected}') from None
    if parts.scheme in PLAYWRIGHT_SCHEMES and not parts.hostname:
        raise EngineSpecError(
            f'{what}: "{text}" is not a Playwright server URL: expected ws://HOST:PORT/PATH or wss://HOST/PATH, '
            'e.g. "ws://127.0.0.1:3000/" for `playwright run-server --port 3000`'
        )
    if parts.scheme not in ENDPOINT_SCHEMES or not parts.hostname:
        raise EngineSpecError(
            f'{what}: "{text}" is not a WebDriver endpoint URL: expected http://HOST:PORT/PATH or https://HOST/PATH, '
            'e.g. "http://127.0.0.1:4444" for a Selenium Grid'
        )
    return text


def is_webdriver_endpoint(url: str) -> bool:
    """Whether ``url`` names a WebDriver endpoint (``http://``, ``https://``) rather than a Playwright server."""
    return urlsplit(url).scheme in WEBDRIVER_SCHEMES


def parse_engine_specs(texts: list[str] | tuple[str, ...]) -> list[EngineSpec]:
    """Parse repeated engine options, expanding ``all``. A name given more than once is an error, except that
    several endpoints of one kind (Playwright servers, or WebDriver endpoints) make one spec with a pool of them."""
    specs: list[EngineSpec] = []
    for text in texts:
        for spec in [EngineSpec(name) for name in ENGINE_NAMES] if text == "all" else [EngineSpec.parse(text)]:
            earlier = next((index for index, known in enumerate(specs) if known.name == spec.name), None)
            if earlier is None:
                specs.append(spec)
            elif specs[earlier].endpoints and spec.endpoints:
                specs[earlier] = replace(specs[earlier], endpoints=specs[earlier].endpoints + spec.endpoints)
                _check_one_kind(specs[earlier].endpoints, what=f'engine "{spec.name}"')
            else:
                raise EngineSpecError(
                    f'engine "{spec.name}" is named more than once; name each engine once (only endpoints may be '
                    f"repeated, e.g. {spec.name}:ws://HOST1:PORT/ {spec.name}:ws://HOST2:PORT/)"
                )
    return specs


def _check_one_kind(endpoints: tuple[str, ...], *, what: str) -> None:
    """A pool is Playwright servers or WebDriver endpoints, not both: every process of a run drives the engine the
    same way, so that their results compare."""
    kinds = {is_webdriver_endpoint(url) for url in endpoints}
    if len(kinds) > 1:
        raise EngineSpecError(
            f"{what}: {' '.join(display_endpoint(url) for url in endpoints)} mixes Playwright servers (ws://) and "
            "WebDriver endpoints (http://); give endpoints of one kind"
        )


@dataclass(frozen=True)
class EnginePlan:
    """How an engine will be launched. ``executable`` is the browser that will run (None: Safari's own choice)."""

    name: str
    backend: str
    executable: str | None
    playwright_build: bool = False
    """Playwright's own build of the browser (launched without an executable path)."""
    webdriver: WebDriverBrowser | None = None
    endpoint: str | None = None
    """The Playwright server (backend ``playwright-remote``) or WebDriver endpoint (``webdriver-remote``, with
    ``webdriver`` set) that runs the browser; no executable here."""


def resolve_engine(
    spec: EngineSpec, *, playwright_builds: Callable[[], Mapping[str, str]] = installed_playwright_builds
) -> EnginePlan:
    """The plan for ``spec``; ``playwright_builds`` is asked only when the choice depends on it."""
    spec = configured_spec(spec)
    name = spec.name
    if spec.endpoint is not None and is_webdriver_endpoint(spec.endpoint):
        from e2ekit._engines.webdriver_remote import remote_webdriver_browser  # Selenium: only this backend needs it

        browser = remote_webdriver_browser(name, spec.endpoint)
        return EnginePlan(name, REMOTE_WEBDRIVER_BACKEND, None, webdriver=browser, endpoint=spec.endpoint)
    if spec.endpoint is not None:
        return EnginePlan(name, REMOTE_BACKEND, None, endpoint=spec.endpoint)
    if spec.backend == "webdriver" or (spec.executable is not None and name != "chromium"):
        return _webdriver_plan(name, spec.executable)
    if spec.executable is not None:
        return EnginePlan(name, "playwright", spec.executable)
    build = playwright_builds().get(name)
    if build is not None:
        return EnginePlan(name, "playwright", build, playwright_build=True)
    if name == "chromium":
        system = find_system_chromium()
        if system is None:
            raise EngineUnavailable(f"chromium is not installed: run {install_command(name)}")
        return EnginePlan(name, "playwright", system)
    if spec.backend == "playwright":
        raise EngineUnavailable(
            f"{name} is not installed for Playwright: run `playwright install --with-deps {name}`"
            f" (without Playwright's build, {name}:webdriver drives the system's browser)"
        )
    return _webdriver_plan(name, None)


def _webdriver_plan(name: str, executable: str | None) -> EnginePlan:
    browser = webdriver_browser(name, executable)
    return EnginePlan(name, "webdriver", browser.executable, webdriver=browser)


def executable_variable(name: str) -> str:
    """The environment variable that names an engine's executable or endpoints, e.g. ``E2EKIT_CHROMIUM``."""
    return f"E2EKIT_{name.upper()}"


def configured_spec(spec: EngineSpec) -> EngineSpec:
    """Apply ``E2EKIT_<NAME>`` to a bare engine name, then check that an explicit executable exists."""
    source = "the engine spec"
    variable = executable_variable(spec.name)
    value = os.environ.get(variable, "").strip()
    if spec.backend is None and spec.executable is None and not spec.endpoints and value:
        if urlsplit(value).scheme in ENDPOINT_SCHEMES:
            try:
                endpoints = tuple(parse_endpoint(url, what=variable) for url in value.split())
                _check_one_kind(endpoints, what=variable)
            except EngineSpecError as error:  # the environment, not the command line: a configuration error
                raise EngineConfigError(f"{spec.name}: {error}") from None
            return replace(spec, endpoints=endpoints)
        spec = replace(spec, executable=value)
        source = variable
    if spec.executable is not None and not (os.path.isfile(spec.executable) and os.access(spec.executable, os.X_OK)):
        raise EngineConfigError(
            f'{spec.name}: the executable "{spec.executable}" (from {source}) does not exist or is not executable; '
            "give the path of an installed browser"
        )
    return spec
