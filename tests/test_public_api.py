"""The package's public surface is exactly what __all__ declares, and it is imported on first use."""

from __future__ import annotations

import subprocess
import sys

import e2ekit


def test_every_name_in_all_is_importable_from_the_package() -> None:
    assert all(hasattr(e2ekit, name) for name in e2ekit.__all__)
    assert len(e2ekit.__all__) == len(set(e2ekit.__all__)) and set(e2ekit.__all__) == set(e2ekit._EXPORTS)


def test_the_public_api_is_the_documented_list() -> None:
    assert e2ekit.__all__ == [
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


def test_an_unknown_name_is_an_attribute_error() -> None:
    assert not hasattr(e2ekit, "write_junit")


def test_every_error_of_the_package_descends_from_one_root() -> None:
    errors = [getattr(e2ekit, name) for name in e2ekit.__all__ if name.endswith(("Error", "Unavailable"))]
    assert all(issubclass(error, e2ekit.E2ekitError) for error in errors)
    assert issubclass(e2ekit.OriginError, e2ekit.UsageError) and issubclass(
        e2ekit.EngineUnavailable, e2ekit.EngineError
    )


def test_loading_the_plugin_imports_neither_a_browser_library_nor_a_server() -> None:
    code = "import sys, e2ekit.plugin; print(sorted(m for m in ('playwright', 'selenium', 'uvicorn', 'starlette') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)

    assert loaded.stdout.strip() == "[]"
