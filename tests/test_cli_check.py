"""``e2ekit check`` on real apps, run as users run it: the console script in a subprocess."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.engines.availability import require_webdriver_backend

APP = textwrap.dedent(
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def me(request):
        return JSONResponse({"user": "ada"})

    app = Starlette(
        routes=[Route("/api/me", me)],
        middleware=[
            Middleware(CORSMiddleware, allow_origin_regex=r"http://localhost:\\d+", allow_credentials=True)
        ],
    )

    def create_app():
        return app
    """
)


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "myapp.py").write_text(APP)
    return tmp_path


def e2ekit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "e2ekit._cli", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_check_exits_0_when_the_browser_allows_the_credentialed_request(app_dir: Path) -> None:
    run = e2ekit(
        "check",
        "myapp:app",
        "--page-origin",
        "http://localhost",
        "--path",
        "/api/me",
        "--credentials",
        "include",
        "--browser",
        "chromium",
        cwd=app_dir,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("ALLOWED in chromium ")
    assert "GET http://127.0.0.1:" in run.stdout
    assert " from http://localhost:" in run.stdout
    assert " (cross-site), credentials include, " in run.stdout
    assert run.stdout.rstrip().endswith("e2ekit: 1 allowed")
    assert run.stderr == ""


def test_check_exits_1_and_shows_the_failed_preflight_when_an_authorization_header_is_not_allowed(
    app_dir: Path,
) -> None:
    run = e2ekit(
        "check",
        "myapp:create_app",
        "--factory",
        "--page-origin",
        "http://localhost",
        "--path",
        "/api/me",
        "--credentials",
        "include",
        "--header",
        "Authorization: Bearer x",
        "--json",
        "--browser",
        "chromium",
        cwd=app_dir,
    )

    assert run.returncode == 1, run.stdout + run.stderr
    document = json.loads(run.stdout)
    [result] = document["results"]
    assert result["verdict"] == "BLOCKED"
    assert result["engine"]["name"] == "chromium"
    assert result["preflight_sent"] is True
    assert result["reached_app"] is False
    assert result["exchanges"][0]["method"] == "OPTIONS"
    assert result["exchanges"][0]["status"] == 400
    assert ["access-control-request-headers", "authorization"] in result["exchanges"][0]["request_headers"]
    assert "Response to preflight request doesn't pass access control check" in result["console"][0]
    assert document["engine_errors"] == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["nothere:app"], 'e2ekit: error: app "nothere:app": module "nothere" was not found in', id="missing-module"
        ),
        pytest.param(["myapp"], 'e2ekit: error: app "myapp" must be in format "<module>:<attribute>"', id="no-colon"),
        pytest.param(
            ["myapp:nope"], 'e2ekit: error: app "myapp:nope": module "myapp" has no attribute "nope"', id="no-attr"
        ),
        pytest.param(
            ["myapp:app", "--page-origin", "localhost:3000"],
            'e2ekit: error: --page-origin "localhost:3000" has no scheme: expected scheme://host[:port]',
            id="bad-origin",
        ),
        pytest.param(
            ["myapp:app", "--browser", "safari"],
            'e2ekit: error: unknown engine "safari": expected chromium, firefox, webkit',
            id="unknown-engine",
        ),
        pytest.param(
            ["myapp:app", "--header", "Authorization"],
            "e2ekit: error: header 'Authorization' must be written as \"Name: value\"",
            id="bad-header",
        ),
    ],
)
def test_check_exits_2_with_a_one_line_message_on_bad_input(app_dir: Path, args: list[str], message: str) -> None:
    run = e2ekit("check", *args, cwd=app_dir)

    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.startswith(message)
    assert len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr


def test_check_serves_the_exact_page_origin_while_another_process_listens_on_its_port(app_dir: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = e2ekit(
            "check", "myapp:app", "--page-origin", f"http://localhost:{port}", "--path", "/api/me",
            "--browser", "chromium", "--json", cwd=app_dir,
        )  # fmt: skip

    assert run.returncode == 0, run.stderr
    [result] = json.loads(run.stdout)["results"]
    assert result["page_origin"] == f"http://localhost:{port}"
    [exchange] = result["exchanges"]
    assert ["origin", f"http://localhost:{port}"] in exchange["request_headers"]


def test_a_browser_executable_that_does_not_exist_is_a_configuration_error(app_dir: Path) -> None:
    run = e2ekit("check", "myapp:app", "--browser", "chromium:/nonexistent/chrome", cwd=app_dir)

    assert run.returncode == 2
    assert run.stdout.splitlines()[0] == (
        'chromium:/nonexistent/chrome: ENGINE ERROR: chromium: the executable "/nonexistent/chrome" (from the engine '
        "spec) does not exist or is not executable; give the path of an installed browser"
    )


def test_e2ekit_chromium_names_the_chromium_executable_to_run(app_dir: Path, tmp_path: Path) -> None:
    found = subprocess.run(
        [sys.executable, "-m", "e2ekit._cli", "browsers", "--json"], capture_output=True, text=True, timeout=60
    )
    [chromium] = [engine for engine in json.loads(found.stdout) if engine["engine"] == "chromium"]
    link = tmp_path / "my-chromium"
    link.symlink_to(chromium["executable"])

    run = subprocess.run(
        [sys.executable, "-m", "e2ekit._cli", "check", "myapp:app", "--browser", "chromium", "--json"],
        cwd=app_dir,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "E2EKIT_CHROMIUM": str(link)},
    )

    [result] = json.loads(run.stdout)["results"]
    assert result["engine"]["executable"] == str(link)
    assert result["engine"]["backend"] == "playwright"


HELD_FOR_FIREFOX_APP = textwrap.dedent(
    """
    import asyncio
    import os

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route


    async def api(request):
        if "Firefox" in request.headers.get("user-agent", ""):
            # Tell the test Firefox's request is here, then answer only once the test says so.
            reader, writer = await asyncio.open_unix_connection(os.environ["E2EKIT_TEST_HOLD_SOCKET"])
            writer.write(b"here")
            await writer.drain()
            await reader.read(1)
            writer.close()
        return PlainTextResponse("ok")


    app = Starlette(routes=[Route("/api", api)], middleware=[Middleware(CORSMiddleware, allow_origins=["*"])])
    """
)


def test_check_shows_an_engines_verdict_while_a_later_engine_still_waits_for_the_app(
    tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    require_webdriver_backend(pytestconfig, "firefox")
    (tmp_path / "held.py").write_text(HELD_FOR_FIREFOX_APP)
    hold_path = tmp_path / "hold.sock"
    with socket.socket(socket.AF_UNIX) as hold:
        hold.bind(str(hold_path))
        hold.listen()
        hold.settimeout(60)
        process = subprocess.Popen(
            [sys.executable, "-m", "e2ekit._cli", "check", "held:app", "--path", "/api"]
            + ["--browser", "chromium", "--browser", "firefox"],
            cwd=tmp_path,
            env={**os.environ, "E2EKIT_TEST_HOLD_SOCKET": str(hold_path)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            held, _ = hold.accept()
            with held:
                held.settimeout(60)
                assert held.recv(4) == b"here"
                assert process.stdout is not None
                first = process.stdout.readline()  # Firefox's request is still held: only Chromium has a verdict
                held.sendall(b"x")
            rest, errors = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()

    assert first.startswith("ALLOWED in chromium "), first
    assert rest.count("ALLOWED in firefox ") == 1, rest
    assert (process.returncode, rest.splitlines()[-1], errors) == (0, "e2ekit: 2 allowed", "")
