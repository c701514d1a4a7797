"""e2ekit: whether real browsers accept the CORS behaviour of your web app.

Serve an app on any http or https origin, open a page on another origin, run ``fetch()`` there in Chromium, Firefox
and WebKit, and record what the browser allowed, what crossed the wire and why.

The names below are the public API; every module whose name starts with an underscore is internal. They are
imported on first use, so that loading the pytest plugin in a project that never uses e2ekit stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from e2ekit._audit.findings import Finding, Severity
    from e2ekit._audit.result import AuditResult
    from e2ekit._audit.running import audit
    from e2ekit._engines.base import EngineInfo
    from e2ekit._engines.selection import EngineSpec
    from e2ekit._engines.worker import EngineWorker, launch_engine
    from e2ekit._errors import (
        AppLoadError,
        E2ekitError,
        EngineConfigError,
        EngineError,
        EngineSpecError,
        EngineUnavailable,
        OriginError,
        PortInUseError,
        ProbeError,
        ScenarioError,
        ServerError,
        UsageError,
    )
    from e2ekit._probing.exchange import Exchange
    from e2ekit._probing.explanation import Explanation
    from e2ekit._probing.origins import Origin, SiteRelation
    from e2ekit._probing.probe import Probe
    from e2ekit._probing.result import ProbeResult, Verdict
    from e2ekit._probing.runs import EngineRun, run_in_engines
    from e2ekit._probing.session import Session
    from e2ekit._scenarios.loader import load_scenarios
    from e2ekit._scenarios.model import Scenario
    from e2ekit._scenarios.outcome import ProbeOutcome
    from e2ekit._scenarios.runner import ScenarioRun, run_scenarios
    from e2ekit._serving.topology import SAME_ORIGIN, Topology

_EXPORTS = {
    # Probing: what a test author uses.
    "Session": "e2ekit._probing.session",
    "Probe": "e2ekit._probing.probe",
    "ProbeResult": "e2ekit._probing.result",
    "Verdict": "e2ekit._probing.result",
    "Exchange": "e2ekit._probing.exchange",
    "Explanation": "e2ekit._probing.explanation",
    "Origin": "e2ekit._probing.origins",
    "SiteRelation": "e2ekit._probing.origins",
    "SAME_ORIGIN": "e2ekit._serving.topology",
    # Running outside pytest: what a tool author uses.
    "Topology": "e2ekit._serving.topology",
    "EngineSpec": "e2ekit._engines.selection",
    "EngineInfo": "e2ekit._engines.base",
    "EngineWorker": "e2ekit._engines.worker",
    "launch_engine": "e2ekit._engines.worker",
    "EngineRun": "e2ekit._probing.runs",
    "run_in_engines": "e2ekit._probing.runs",
    # Scenarios.
    "Scenario": "e2ekit._scenarios.model",
    "ProbeOutcome": "e2ekit._scenarios.outcome",
    "ScenarioRun": "e2ekit._scenarios.runner",
    "load_scenarios": "e2ekit._scenarios.loader",
    "run_scenarios": "e2ekit._scenarios.runner",
    # Auditing hostile origins.
    "audit": "e2ekit._audit.running",
    "AuditResult": "e2ekit._audit.result",
    "Finding": "e2ekit._audit.findings",
    "Severity": "e2ekit._audit.findings",
    # Errors: one tree under E2ekitError (see e2ekit._errors).
    "E2ekitError": "e2ekit._errors",
    "UsageError": "e2ekit._errors",
    "OriginError": "e2ekit._errors",
    "ProbeError": "e2ekit._errors",
    "AppLoadError": "e2ekit._errors",
    "ScenarioError": "e2ekit._errors",
    "EngineSpecError": "e2ekit._errors",
    "ServerError": "e2ekit._errors",
    "PortInUseError": "e2ekit._errors",
    "EngineError": "e2ekit._errors",
    "EngineUnavailable": "e2ekit._errors",
    "EngineConfigError": "e2ekit._errors",
}

__all__ = [
    "SAME_ORIGIN",
    "AppLoadError",
    "AuditResult",
    "E2ekitError",
    "EngineConfigError",
    "EngineError",
    "EngineInfo",
    "EngineRun",
    "EngineSpec",
    "EngineSpecError",
    "EngineUnavailable",
    "EngineWorker",
    "Exchange",
    "Explanation",
    "Finding",
    "Origin",
    "OriginError",
    "PortInUseError",
    "Probe",
    "ProbeError",
    "ProbeOutcome",
    "ProbeResult",
    "Scenario",
    "ScenarioError",
    "ScenarioRun",
    "ServerError",
    "Session",
    "Severity",
    "SiteRelation",
    "Topology",
    "UsageError",
    "Verdict",
    "audit",
    "launch_engine",
    "load_scenarios",
    "run_in_engines",
    "run_scenarios",
]


def __getattr__(name: str) -> Any:
    # PEP 562: the first use of a public name imports its module.
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'e2ekit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
