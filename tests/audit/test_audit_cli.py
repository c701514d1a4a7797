"""``e2ekit audit`` as users run it: the console script in a subprocess, its exit codes, its one-line errors and its
report files."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

APP = textwrap.dedent(
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import JSONResponse, PlainTextResponse
    from starlette.routing import Route

    async def me(request):
        return JSONResponse({"user": "ada", "cookie": request.headers.get("cookie")})

    async def login(request):
        response = PlainTextResponse("logged in")
        response.headers["set-cookie"] = "sid=abc123; Path=/; SameSite=None; Secure"
        return response

    def app_with(**cors):
        return Starlette(routes=[Route("/api/me", me), Route("/login", login)], middleware=[Middleware(CORSMiddleware, **cors)])

    reflecting = app_with(allow_origins=["*"], allow_credentials=True)
    exact = app_with(allow_origins=["https://app.example.com"], allow_credentials=True)
    """
)
ORIGIN = ("--origin", "https://app.example.com")


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "myapp.py").write_text(APP)
    return tmp_path


def e2ekit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "e2ekit._cli", "audit", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=180)


def test_audit_exits_1_with_the_critical_finding_first_and_writes_both_reports(app_dir: Path) -> None:
    reports = app_dir / "out" / "audit"

    run = e2ekit(
        "myapp:reflecting",
        *ORIGIN,
        "--path",
        "/api/me",
        "--visit",
        "/login",
        "--category",
        "arbitrary-origin",
        "--browser",
        "chromium",
        "--report-dir",
        str(reports),
        cwd=app_dir,
    )

    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith(
        "CRITICAL credentialed read from https://evil.example (An unrelated site (origin reflection)): "
        "GET /api/me, credentials include -> https://api.example.com/api/me\n"
    )
    assert run.stdout.rstrip().splitlines()[-1] == (
        "e2ekit audit: 1 critical, 0 informational, 0 differences; 1 hostile origin against "
        "https://api.example.com; chromium: 3 tried, 0 skipped"
    )
    assert run.stderr == f"e2ekit: wrote {reports / 'audit.json'}\ne2ekit: wrote {reports / 'audit.html'}\n"
    report = json.loads((reports / "audit.json").read_text())
    assert (report["format"], report["version"], report["counts"]) == (
        "e2ekit-audit",
        1,
        {"critical": 1, "informational": 0, "difference": 0, "skipped": 0},
    )
    [finding] = report["findings"]
    assert (finding["origin"], finding["allowed_in"], finding["kind"]) == (
        "https://evil.example",
        ["chromium"],
        "credentialed-read",
    )
    html = (reports / "audit.html").read_text()
    assert "<title>e2ekit audit: 1 critical finding</title>" in html
    assert "list the allowed origins exactly in allow_origins instead of &#39;*&#39;" in html


def test_audit_exits_0_for_an_exact_origin_policy_and_prints_json_when_asked(app_dir: Path) -> None:
    run = e2ekit(
        "myapp:exact",
        *ORIGIN,
        "--path",
        "/api/me",
        "--method",
        "DELETE",
        "--category",
        "arbitrary-origin",
        "--category",
        "null",
        "--browser",
        "chromium",
        "--json",
        cwd=app_dir,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(run.stdout)
    assert result["findings"] == [] and result["skipped"] == []
    assert [origin["origin"] for origin in result["hostile_origins"]] == ["https://evil.example", "null"]
    assert [(e["engine"], e["tried"], e["skipped"]) for e in result["engines"]] == [("chromium", 8, 0)]


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        pytest.param(
            ["--origin", "ftp://app.example.com"],
            'e2ekit: error: allowed origin "ftp://app.example.com" uses scheme "ftp": expected "http://" or "https://"',
            id="origin-scheme",
        ),
        pytest.param(
            [*ORIGIN, "--target-origin", "https://api.example.com/v1"],
            'e2ekit: error: target origin "https://api.example.com/v1" has a path: an origin is scheme://host[:port] '
            'only, e.g. "http://localhost:3000"',
            id="target-path",
        ),
        pytest.param(
            [*ORIGIN, "--category", "typo"],
            'e2ekit: error: hostile-origin category "typo": expected one of arbitrary-origin, null, http-origin, '
            "sibling-subdomain, deeper-subdomain, subdomain-over-http, other-port, prefix-match, suffix-match, "
            "substring-match, unescaped-dot, special-characters, special-characters-extended, code-playground, "
            "regex-crafted",
            id="category",
        ),
        pytest.param(
            [*ORIGIN, "--method", "NOT A METHOD"],
            'e2ekit: error: probe method \'NOT A METHOD\': expected an HTTP method token, e.g. "GET" or "PUT"',
            id="method",
        ),
        pytest.param(
            [*ORIGIN, "--visit", "login"],
            'e2ekit: error: visit path "login": expected a path starting with "/", e.g. "/login"',
            id="visit",
        ),
        pytest.param(
            [],
            "e2ekit audit: error: the following arguments are required: --origin; see e2ekit audit --help",
            id="no-origin",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_it(app_dir: Path, arguments: list[str], error: str) -> None:
    run = e2ekit("myapp:exact", *arguments, "--browser", "chromium", cwd=app_dir)

    assert (run.returncode, run.stdout, run.stderr) == (2, "", error + "\n")


def test_a_report_directory_that_is_a_file_exits_2_before_any_browser_starts(app_dir: Path) -> None:
    (app_dir / "reports").write_text("not a directory")

    run = e2ekit("myapp:exact", *ORIGIN, "--browser", "chromium", "--report-dir", "reports", cwd=app_dir)

    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == (
        'e2ekit: error: report directory "reports" is a file: expected a directory (created if missing)\n'
    )


def test_a_named_engine_that_does_not_exist_exits_2_with_one_line(app_dir: Path) -> None:
    run = e2ekit(
        "myapp:exact", *ORIGIN, "--category", "null", "--browser", "chromium:/nonexistent/chromium", cwd=app_dir
    )

    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == (
        'e2ekit: error: chromium: the executable "/nonexistent/chromium" (from the engine spec) does not exist or is '
        "not executable; give the path of an installed browser\n"
    )


def test_an_engine_that_fails_to_start_exits_3_and_says_the_audit_ran_in_no_engine(app_dir: Path) -> None:
    # /bin/false exists and is executable: the launch itself fails.
    run = e2ekit("myapp:exact", *ORIGIN, "--category", "null", "--browser", "chromium:/bin/false", cwd=app_dir)

    assert run.returncode == 3, run.stdout + run.stderr
    assert run.stdout.startswith("chromium:/bin/false: ENGINE ERROR: chromium failed to start: ")
    assert run.stdout.rstrip().endswith("1 hostile origin against https://api.example.com; no engine ran")


HOLDING_APP = textwrap.dedent(
    """
    import os
    import socket

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def me(request):
        # A browser's request from the second hostile origin: tell the test, then hold it until the browser goes.
        if request.headers.get("origin") == "https://evil.example.com" and "Mozilla/" in request.headers.get("user-agent", ""):
            with socket.socket(socket.AF_UNIX) as ready:
                ready.connect(os.environ["E2EKIT_TEST_READY_SOCKET"])
            while (await request.receive())["type"] != "http.disconnect":
                pass
        return JSONResponse({"user": "ada"})

    app = Starlette(
        routes=[Route("/api/me", me)],
        middleware=[Middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)],
    )
    """
)


def test_ctrl_c_prints_the_findings_obtained_so_far_and_exits_130(tmp_path: Path) -> None:
    (tmp_path / "holding.py").write_text(HOLDING_APP)
    ready_path = tmp_path / "ready.sock"
    command = [sys.executable, "-m", "e2ekit._cli", "audit", "holding:app", *ORIGIN, "--path", "/api/me"]
    command += ["--category", "arbitrary-origin", "--category", "sibling-subdomain", "--browser", "chromium"]
    with socket.socket(socket.AF_UNIX) as ready:
        ready.bind(str(ready_path))
        ready.listen()
        ready.settimeout(120)
        environment = {**os.environ, "E2EKIT_TEST_READY_SOCKET": str(ready_path)}
        process = subprocess.Popen(
            command,
            cwd=tmp_path,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            ready.accept()[0].close()  # the browser's request from the second origin is held: mid-run
            os.killpg(process.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole process group
            stdout, stderr = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)

    assert process.returncode == 130, stderr
    assert stdout.startswith("CRITICAL credentialed read from https://evil.example (")
    assert (
        "SKIPPED https://evil.example.com (Another subdomain of the allowed site) in chromium, 3 requests: not "
        "tried: the run was interrupted" in stdout
    )
    assert stdout.rstrip().endswith("chromium: 3 tried, 3 skipped; interrupted")
    assert stderr.splitlines()[-1] == (
        "e2ekit: interrupted (Ctrl-C); results not obtained by then are marked interrupted"
    )
