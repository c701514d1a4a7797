"""Engines forced onto their WebDriver backend, whatever else is installed, so these tests always exercise it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from e2ekit import EngineSpec, EngineWorker, launch_engine
from tests.engines.availability import require_webdriver_backend


@pytest.fixture(scope="module", params=["firefox", "webkit"])
def webdriver_engine(request: pytest.FixtureRequest) -> Iterator[EngineWorker]:
    """Firefox and WebKit through WebDriver, each launched once per module."""
    require_webdriver_backend(request.config, request.param)
    worker = launch_engine(EngineSpec(request.param, backend="webdriver"))
    yield worker
    worker.close()
