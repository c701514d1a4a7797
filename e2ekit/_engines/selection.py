"""Engine selection: which engine to run, and the one place that decides which backend and executable run it.

Spec syntax: ``NAME[:BACKEND | :EXECUTABLE]``, e.g. ``chromium``, ``firefox:webdriver``, ``chromium:/usr/bin/chromium``;
``all`` stands for every engine. A spec resolves to a plan by these rules, in order:

1. ``NAME:playwright``: Playwright, with its own build (for chromium, else the system's Chromium).
2. ``NAME:webdriver``: WebDriver: Firefox with geckodriver; WebKitGTK's MiniBrowser (Linux) or Safari (macOS).
3. ``NAME:/path``: chromium through Playwright with that executable; firefox and webkit through WebDriver with it
   (Playwright drives only its own patched Firefox and WebKit builds).
4. ``NAME``: the executable in the environment variable ``E2EKIT_<NAME>`` (e.g. ``E2EKIT_CHROMIUM``), as in rule 3,
   when it is set; else Playwright's own build when installed; else chromium as the system's Chromium through
   Playwright, firefox and webkit through WebDriver.

A missing browser raises EngineUnavailable naming the command that installs it. ``e2ekit browsers`` and the real
launch both call ``resolve_engine``, so they cannot disagree.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from e2ekit._engines.base import ENGINE_NAMES
from e2ekit._engines.install import install_command
from e2ekit._engines.playwright import find_system_chromium, installed_playwright_builds
from e2ekit._engines.webdriver_browsers import WebDriverBrowser, webdriver_browser
from e2ekit._errors import EngineConfigError, EngineSpecError, EngineUnavailable

__all__ = [
    "BACKENDS",
    "EnginePlan",
    "EngineSpec",
    "configured_spec",
    "executable_variable",
    "parse_engine_specs",
    "resolve_engine",
]


BACKENDS = ("playwright", "webdriver")


@dataclass(frozen=True)
class EngineSpec:
    name: str
    backend: str | None = None
    executable: str | None = None

    @classmethod
    def parse(cls, text: str) -> EngineSpec:
        name, colon, rest = text.partition(":")
        if name not in ENGINE_NAMES:
            raise EngineSpecError(
                f'unknown engine "{text}": expected {", ".join(ENGINE_NAMES)} or all, optionally followed by '
                f'":{"|:".join(BACKENDS)}" or ":/path/to/executable"'
            )
        if not colon:
            return cls(name)
        if rest in BACKENDS:
            return cls(name, backend=rest)
        if rest.startswith("/") or rest.startswith("."):
            return cls(name, executable=rest)
        raise EngineSpecError(
            f'engine "{text}": "{rest}" is neither a backend ({", ".join(BACKENDS)}) nor a path to an executable'
        )

    def __str__(self) -> str:
        suffix = self.backend or self.executable
        return f"{self.name}:{suffix}" if suffix else self.name


def parse_engine_specs(texts: list[str] | tuple[str, ...]) -> list[EngineSpec]:
    """Parse repeated engine options, expanding ``all``; duplicates of a name are an error."""
    specs: list[EngineSpec] = []
    for text in texts:
        specs += [EngineSpec(name) for name in ENGINE_NAMES] if text == "all" else [EngineSpec.parse(text)]
    names = [spec.name for spec in specs]
    for name in names:
        if names.count(name) > 1:
            raise EngineSpecError(f'engine "{name}" is named more than once; name each engine once')
    return specs


@dataclass(frozen=True)
class EnginePlan:
    """How an engine will be launched. ``executable`` is the browser that will run (None: Safari's own choice)."""

    name: str
    backend: str
    executable: str | None
    playwright_build: bool = False
    """Playwright's own build of the browser (launched without an executable path)."""
    webdriver: WebDriverBrowser | None = None


def resolve_engine(
    spec: EngineSpec, *, playwright_builds: Callable[[], Mapping[str, str]] = installed_playwright_builds
) -> EnginePlan:
    """The plan for ``spec``; ``playwright_builds`` is asked only when the choice depends on it."""
    spec = configured_spec(spec)
    name = spec.name
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
    """The environment variable that names an engine's executable, e.g. ``E2EKIT_CHROMIUM``."""
    return f"E2EKIT_{name.upper()}"


def configured_spec(spec: EngineSpec) -> EngineSpec:
    """Apply ``E2EKIT_<NAME>`` to a bare engine name, then check that an explicit executable exists."""
    source = "the engine spec"
    if spec.backend is None and spec.executable is None and os.environ.get(executable_variable(spec.name)):
        spec = replace(spec, executable=os.environ[executable_variable(spec.name)])
        source = executable_variable(spec.name)
    if spec.executable is not None and not (os.path.isfile(spec.executable) and os.access(spec.executable, os.X_OK)):
        raise EngineConfigError(
            f'{spec.name}: the executable "{spec.executable}" (from {source}) does not exist or is not executable; '
            "give the path of an installed browser"
        )
    return spec
