"""Fixtures for the app-serving tests: the engine a command-line test runs in, and a page port to name."""

from __future__ import annotations

import socket

import pytest

from e2ekit import EngineSpec, EngineUnavailable
from e2ekit._engines.selection import resolve_engine


@pytest.fixture
def cli_browser(browser_name: str, pytestconfig: pytest.Config) -> str:
    """The engine of this test (``--browser``, ``--e2e-engine``) for ``e2ekit ... --browser``; skipped when it is
    not installed, failed under --e2e-require-engines."""
    try:
        resolve_engine(EngineSpec(browser_name))
    except EngineUnavailable as missing:
        if pytestconfig.getoption("e2e_require_engines"):
            pytest.fail(f"{browser_name} is required here: {missing}", pytrace=False)
        pytest.skip(str(missing))
    return browser_name


@pytest.fixture
def free_page_port() -> int:
    """A port the OS just handed out and released, for a page origin a config file must name exactly.

    The kit binds it a moment later; another process taking it in between would make the run exit 2, not pass.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
