"""The outcomes of a small scenario run, built by hand (tests/reports/sample_run.py): report tests run no browser."""

from __future__ import annotations

import pytest

from e2ekit._scenarios.outcome import ProbeOutcome
from tests.reports.sample_run import sample_outcomes


@pytest.fixture
def outcomes() -> list[ProbeOutcome]:
    """Every probe of WILDCARD and CUSTOM_HEADER in Chromium and in a Firefox that could not start, firefox first."""
    return sample_outcomes()


@pytest.fixture
def outcome_by_id(outcomes: list[ProbeOutcome]) -> dict[str, ProbeOutcome]:
    """The same outcomes by ``test_id``, e.g. ``custom-header-preflight:0:chromium``."""
    return {outcome.test_id: outcome for outcome in outcomes}
