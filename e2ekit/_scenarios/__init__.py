"""Declarative scenarios: TOML files of CORS setups and probes, run in every engine beside a header-only check."""

from __future__ import annotations

from e2ekit._errors import ScenarioError
from e2ekit._scenarios.loader import load_scenarios
from e2ekit._scenarios.model import CookieSetup, Scenario, ScenarioProbe
from e2ekit._scenarios.outcome import BaselineVerdict, ProbeOutcome
from e2ekit._scenarios.runner import run_scenarios

__all__ = [
    "BaselineVerdict",
    "CookieSetup",
    "ProbeOutcome",
    "Scenario",
    "ScenarioError",
    "ScenarioProbe",
    "load_scenarios",
    "run_scenarios",
]
