"""A small scenario run for the report tests: two scenarios, their header-only verdicts, their mismatches."""

from __future__ import annotations

from starlette.testclient import TestClient

from e2ekit import Probe, ProbeResult
from e2ekit._scenarios.model import Scenario, ScenarioProbe
from e2ekit._scenarios.outcome import BaselineVerdict
from tests.apps import cors_app

WILDCARD = Scenario(
    id="wildcard-with-credentials",
    title='Wildcard origin with credentials <b>"include"</b>',
    file="scenarios/credentials.toml",
    probes=(
        ScenarioProbe(Probe("/api", credentials="include"), {"default": "blocked"}),
        ScenarioProbe(Probe("/api"), {"default": "allowed"}),
    ),
    cors={"allow_origins": ["*"]},
    source="https://example.org/reports/wildcard-with-credentials",
)
CUSTOM_HEADER = Scenario(
    id="custom-header-preflight",
    title="A custom header the policy does not list",
    file="scenarios/preflight.toml",
    # The expectation is wrong on purpose: the preflight fails, so the report has a red cell to show.
    probes=(ScenarioProbe(Probe("/api", "PUT", (("X-Token", "a"),)), {"default": "allowed"}, note="expects too much"),),
    cors={"allow_origins": ["*"]},
)
FIREFOX_ERROR = "firefox is not installed here; install it with: e2ekit install-browsers firefox"


def header_only_verdict(scenario: Scenario, probe: Probe, page_origin: str) -> BaselineVerdict:
    """What a conventional test concludes: send the request with a test client and look for the CORS header."""
    client = TestClient(cors_app(**scenario.cors or {}))
    response = client.request(probe.method, probe.path, headers={"origin": page_origin, **dict(probe.headers)})
    allowed_origin = response.headers.get("access-control-allow-origin")
    if allowed_origin is None:
        return BaselineVerdict(False, f"status {response.status_code}, no access-control-allow-origin header")
    return BaselineVerdict(True, f"status {response.status_code}, access-control-allow-origin: {allowed_origin}")


def verdict_mismatches(probe: ScenarioProbe, result: ProbeResult) -> tuple[str, ...]:
    expected = probe.expected_verdict(result.engine.name)
    return () if result.verdict.value.lower() == expected else (f"expected {expected}, got {result.verdict}",)
