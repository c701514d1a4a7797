"""``e2ekit repro`` reproduces, in every engine, each failure the corpus produces, from Chromium's own message."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from e2ekit import EngineWorker, Session, Topology
from tests.corpus_apps import PAGE_ORIGIN, scenarios

ROOT = Path(__file__).parent.parent

CORPUS_FAILURES = [
    pytest.param("cors-check.missing-allow-origin", "no-cors-configured-simple-get", 0, id="missing-allow-origin"),
    pytest.param("cors-check.wildcard-with-credentials", "hand-written-wildcard-with-credentials", 0, id="wildcard"),
    pytest.param(
        "preflight.wildcard-with-credentials", "wildcard-with-authorization-header", 1, id="preflight-wildcard"
    ),
    pytest.param("cors-check.credentials-not-true", "credentials-flag-missing", 0, id="credentials-not-true"),
    pytest.param("preflight.missing-allow-origin", "auth-outside-cors-preflight", 0, id="preflight-missing-origin"),
    pytest.param("preflight.status-not-ok", "method-not-allowed-default", 0, id="preflight-status"),
    pytest.param("preflight.header-not-allowed", "literal-wildcards-with-credentials", 0, id="header-not-allowed"),
    pytest.param("preflight.method-not-allowed", "literal-wildcards-with-credentials", 1, id="method-not-allowed"),
    pytest.param("preflight.redirect", "preflight-redirected", 0, id="preflight-redirect"),
]


@pytest.mark.only_browser("chromium")
@pytest.mark.parametrize(("check", "scenario_id", "index"), CORPUS_FAILURES)
def test_repro_reproduces_the_corpus_failure_from_the_message_chromium_printed_in_every_engine(
    e2e_engine: EngineWorker, check: str, scenario_id: str, index: int
) -> None:
    scenario = scenarios()[scenario_id]
    probe = scenario.probes[index].probe
    attribute = scenario_id.replace("-", "_")
    # A topology of its own, closed before repro runs: repro serves the page at the message's exact origin.
    with Topology() as topology, Session(e2e_engine, topology) as session:
        app = topology.app(f"tests.corpus_apps:{attribute}")
        [result] = session.run(app, [probe], page_origin=PAGE_ORIGIN, target_origin=scenario.target)
    assert result.explanation is not None
    assert result.explanation.check == check
    message = result.console[0] if result.console else ""
    options = ["--method", probe.method, "--credentials", probe.credentials]
    options += [arg for name, value in probe.headers for arg in ("--header", f"{name}: {value}")]

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "e2ekit._cli",
            "repro",
            message,
            "--app",
            f"tests.corpus_apps:{attribute}",
            "--json",
            "--browser",
            "all",
            *options,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    document = json.loads(run.stdout)
    assert document["request"]["page_origin"] == PAGE_ORIGIN
    assert document["request"]["probe"]["path"] == probe.path
    assert {r["engine"]["name"]: r["reproduced"] for r in document["results"]} == {
        "chromium": True,
        "firefox": True,
        "webkit": True,
    }
