"""Outcomes of a small scenario run, built from real probes in Chromium, for the report tests."""

from __future__ import annotations

import pytest

from e2ekit import Session
from e2ekit._scenarios.outcome import ProbeOutcome
from tests.apps import cors_app
from tests.reports.sample_run import CUSTOM_HEADER, FIREFOX_ERROR, WILDCARD, header_only_verdict, verdict_mismatches


@pytest.fixture
def outcomes(e2e_session: Session) -> list[ProbeOutcome]:
    """Every probe of WILDCARD and CUSTOM_HEADER in Chromium, and in a Firefox that could not start; firefox first,
    as a parallel run may hand them over."""
    page, _ = e2e_session.origins()
    chromium, firefox = [], []
    for scenario in (WILDCARD, CUSTOM_HEADER):
        results = e2e_session.run(cors_app(**scenario.cors or {}), [probe.probe for probe in scenario.probes])
        for index, (probe, result) in enumerate(zip(scenario.probes, results)):
            baseline = header_only_verdict(scenario, probe.probe, str(page))
            mismatches = verdict_mismatches(probe, result)
            chromium.append(ProbeOutcome(scenario, index, "chromium", result, baseline, mismatches))
            firefox.append(ProbeOutcome(scenario, index, "firefox", None, baseline, (), FIREFOX_ERROR))
    return firefox + chromium


@pytest.fixture
def outcome_by_id(outcomes: list[ProbeOutcome]) -> dict[str, ProbeOutcome]:
    """The same outcomes by ``test_id``, e.g. ``custom-header-preflight:0:chromium``."""
    return {outcome.test_id: outcome for outcome in outcomes}
