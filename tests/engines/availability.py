"""When a test of a WebDriver backend runs, skips, or fails because the backend is missing."""

from __future__ import annotations

import pytest

from e2ekit import EngineSpec, EngineUnavailable
from e2ekit._engines.selection import resolve_engine


def require_webdriver_backend(config: pytest.Config, name: str) -> None:
    """Skip unless engine ``name`` is among this run's engines and its WebDriver backend is installed.

    Under --e2e-require-engines (CI) a missing backend fails instead, also where Playwright's own build of the
    engine is installed: a skip there would leave the WebDriver backend untested without anyone noticing.
    """
    if name not in (config.getoption("browser") or ["chromium"]):
        pytest.skip(f"{name} is not among the engines of this run (--browser, --e2e-engine)")
    try:
        resolve_engine(EngineSpec(name, backend="webdriver"))
    except EngineUnavailable as missing:
        if config.getoption("e2e_require_engines"):
            pytest.fail(f"{name}:webdriver is required here: {missing}", pytrace=False)
        pytest.skip(str(missing))
