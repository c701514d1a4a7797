"""e2ekit: whether real browsers accept the CORS behaviour of your web app.

Serve an ASGI app on a loopback origin, open a page on another origin, run ``fetch()`` there in Chromium, Firefox
and WebKit, and record what the browser allowed, what crossed the wire and why.
"""

from __future__ import annotations

from e2ekit._engines.base import EngineConfigError, EngineError, EngineInfo, EngineUnavailable
from e2ekit._engines.discovery import EngineAvailability, discover_engines
from e2ekit._engines.launch import launch_engine
from e2ekit._engines.selection import EngineSpec, EngineSpecError
from e2ekit._engines.worker import EngineWorker
from e2ekit._probing.exchange import Exchange
from e2ekit._probing.explanation import Explanation, explain
from e2ekit._probing.origins import Origin, OriginError, SiteRelation, site_relation
from e2ekit._probing.probe import Probe, ProbeError
from e2ekit._probing.result import ProbeResult, Verdict
from e2ekit._probing.runs import EngineRun, run_in_engines
from e2ekit._probing.session import Session
from e2ekit._reports import render_matrix, write_html, write_json, write_junit, write_reports
from e2ekit._scenarios import (
    BaselineVerdict,
    CookieSetup,
    ProbeOutcome,
    Scenario,
    ScenarioError,
    ScenarioProbe,
    load_scenarios,
    run_scenarios,
)
from e2ekit._serving.apps import AppLoadError, load_app
from e2ekit._serving.server import PortInUseError, ServerError
from e2ekit._serving.topology import SAME_ORIGIN, Topology
from e2ekit._standard import Check, Prediction, predict
from e2ekit._wordings import ConsoleReport, ConsoleTextError, parse_console_text

__all__ = [
    "SAME_ORIGIN",
    "AppLoadError",
    "BaselineVerdict",
    "Check",
    "ConsoleReport",
    "ConsoleTextError",
    "CookieSetup",
    "EngineAvailability",
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
    "Origin",
    "OriginError",
    "PortInUseError",
    "Prediction",
    "Probe",
    "ProbeError",
    "ProbeOutcome",
    "ProbeResult",
    "Scenario",
    "ScenarioError",
    "ScenarioProbe",
    "ServerError",
    "Session",
    "SiteRelation",
    "Topology",
    "Verdict",
    "discover_engines",
    "explain",
    "launch_engine",
    "load_app",
    "load_scenarios",
    "parse_console_text",
    "predict",
    "render_matrix",
    "run_in_engines",
    "run_scenarios",
    "site_relation",
    "write_html",
    "write_json",
    "write_junit",
    "write_reports",
]
