"""Scenario file texts shared by the scenario tests, as fixtures (each test writes the text it needs)."""

from __future__ import annotations

import pytest

LISTED_ORIGIN = """
[[scenario]]
id = "listed-origin"
title = "The page origin is listed"
cors = { allow_origins = ["{page}"] }
[[scenario.probe]]
path = "/api"
expect = "allowed"
"""


@pytest.fixture
def listed_origin() -> str:
    """A scenario file with one scenario whose one probe every engine allows."""
    return LISTED_ORIGIN
