"""``e2ekit run --fetch-timeout`` with an app that never answers and one whose response no server can send: the
matrix and the JSON report say what reached the app and why nothing came back, in every engine (issue 10)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ENGINES = ["chromium", "firefox", "webkit"]

APPS = textwrap.dedent(
    """
    import asyncio


    async def hung(scope, receive, send):
        if scope["type"] == "http":
            await asyncio.sleep(3600)


    async def unsendable(scope, receive, send):
        if scope["type"] != "http":
            return
        headers = [(b"access-control-allow-origin", b"http://a\\r\\nX: y")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"hello"})
    """
)
SCENARIOS = """
[[scenario]]
id = "hung"
title = "An app that never answers"
app = "apps:hung"
[[scenario.probe]]
path = "/api"
expect = "blocked"
check = "request.no-response"

[[scenario]]
id = "unsendable"
title = "A CR LF in Access-Control-Allow-Origin"
app = "apps:unsendable"
[[scenario.probe]]
path = "/api"
expect = "blocked"
check = "request.no-response"
"""


@pytest.fixture
def require_all_engines(request: pytest.FixtureRequest) -> None:
    if sorted(request.config.getoption("browser") or []) != ENGINES:
        pytest.skip("needs every engine: run with --e2e-engine all")


@pytest.mark.usefixtures("require_all_engines")
def test_run_reports_an_app_that_never_answers_by_its_fetch_timeout_and_an_unsendable_header_by_name(
    tmp_path: Path,
) -> None:
    (tmp_path / "apps.py").write_text(APPS)
    (tmp_path / "no_response.toml").write_text(SCENARIOS)
    command = [sys.executable, "-m", "e2ekit._cli", "run", "no_response.toml", "--browser", "all"]
    command += ["--fetch-timeout", "2", "--report-dir", "report"]

    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=180, env={**os.environ, "NO_COLOR": "1"}
    )

    assert done.returncode == 0, done.stdout + done.stderr
    rows = {line.split()[0]: line.split()[3:] for line in done.stdout.splitlines() if line.startswith(("hung", "unse"))}
    assert rows == {"hung:0": ["BLOCKED"] * 4, "unsendable:0": ["BLOCKED"] * 4}
    records = json.loads((tmp_path / "report" / "report.json").read_text())["outcomes"]
    assert [(r["scenario"], r["engine"], r["verdict"], r["passed"]) for r in records] == [
        (scenario, engine, "BLOCKED", True) for scenario in ("hung", "unsendable") for engine in ENGINES
    ]
    for record in records:
        result = record["result"]
        explanation = result["explanation"]
        assert explanation["check"] == "request.no-response"
        if record["scenario"] == "hung":
            assert record["baseline"]["detail"] == "the app did not answer the test client within 2 s"
            assert result["js_error"] == "e2ekit aborted the fetch: it did not settle within the fetch timeout (2 s)"
            assert [(e["method"], e["status"], e["error"]) for e in result["exchanges"]] == [("GET", None, None)]
            assert explanation["detail"] == (
                "GET /api reached the app, which did not answer within the fetch timeout (2 s): no response had "
                "started when e2ekit aborted the fetch"
            )
        else:
            assert {(e["status"], str(e["unsent_headers"])) for e in result["exchanges"]} == {
                (None, str([["access-control-allow-origin", "http://a\r\nX: y"]]))
            }
            assert (
                "its Access-Control-Allow-Origin header's value 'http://a\\r\\nX: y' holds CR and LF"
                in (explanation["detail"])
            )
