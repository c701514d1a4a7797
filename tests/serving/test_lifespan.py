"""Lifespan like uvicorn: state reaches requests, and no startup or shutdown can turn a result into silence."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from e2ekit import Session, Verdict
from tests.serving.cli import e2ekit


def test_the_state_a_fastapi_lifespan_yields_reaches_every_request_and_the_request_is_allowed(
    e2e_session: Session,
) -> None:
    events: list[str] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        events.append("startup")
        yield {"db": "pool-1", "requests": []}
        events.append("shutdown")

    app = FastAPI(lifespan=lifespan)
    app.add_middleware(CORSMiddleware, allow_origin_regex=r"http://localhost:\d+", allow_credentials=True)

    @app.get("/api/me")
    async def me(request: Request) -> dict[str, Any]:
        request.state.requests.append(request.url.path)
        request.state.seen_only_here = True
        return {"db": request.state.db, "requests": len(request.state.requests)}

    @app.get("/api/fresh")
    async def fresh(request: Request) -> dict[str, Any]:
        return {"seen_only_here": hasattr(request.state, "seen_only_here")}

    first = e2e_session.fetch(app, "/api/me", credentials="include")
    second = e2e_session.fetch(app, "/api/me", credentials="include")
    fresh_state = e2e_session.fetch(app, "/api/fresh")

    assert first.verdict is Verdict.ALLOWED
    assert first.body == '{"db":"pool-1","requests":1}'
    # Each request gets a shallow copy of the state, as under uvicorn: the objects are shared, the keys are not.
    assert second.body == '{"db":"pool-1","requests":2}'
    assert fresh_state.body == '{"seen_only_here":false}'
    assert events == ["startup"]


APPS = textwrap.dedent(
    """
    import asyncio
    import os
    import sys
    from contextlib import asynccontextmanager

    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware


    def app_with(lifespan):
        app = FastAPI(lifespan=lifespan)
        # No allow_credentials: a credentialed fetch is blocked, an uncredentialed one allowed.
        app.add_middleware(CORSMiddleware, allow_origins=["*"])
        app.get("/api")(lambda: {"ok": True})
        return app


    @asynccontextmanager
    async def never_starts(app):
        await asyncio.Event().wait()
        yield


    @asynccontextmanager
    async def exits_at_startup(app):
        sys.exit(3)
        yield


    @asynccontextmanager
    async def fails_at_shutdown(app):
        yield
        raise RuntimeError("the pool was already closed")


    @asynccontextmanager
    async def ends_the_process_at_shutdown(app):
        # What Chainlit's lifespan does, "to avoid potential AnyIO threads still running".
        try:
            yield
        finally:
            os._exit(0)


    @asynccontextmanager
    async def ends_the_process_badly_at_shutdown(app):
        yield
        os._exit(3)


    never_starts_app = app_with(never_starts)
    exits_at_startup_app = app_with(exits_at_startup)
    fails_at_shutdown_app = app_with(fails_at_shutdown)
    os_exit_app = app_with(ends_the_process_at_shutdown)
    os_exit_3_app = app_with(ends_the_process_badly_at_shutdown)
    """
)


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "lifespans.py").write_text(APPS)
    return tmp_path


def test_a_lifespan_startup_that_never_completes_exits_2_after_the_startup_timeout(app_dir: Path) -> None:
    run = e2ekit("check", "lifespans:never_starts_app", "--startup-timeout", "0.5", cwd=app_dir)

    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr == (
        "e2ekit: error: the app's startup did not complete within 0.5 s (its lifespan never sent "
        "lifespan.startup.complete); make the startup finish, or allow longer with --startup-timeout\n"
    )


def test_a_lifespan_startup_that_calls_sys_exit_exits_2_with_one_line(app_dir: Path) -> None:
    run = e2ekit("check", "lifespans:exits_at_startup_app", cwd=app_dir)

    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr == (
        "e2ekit: error: the app's startup called sys.exit(3); e2ekit does not let an app end the process\n"
    )


def test_a_shutdown_failure_is_reported_after_the_results_with_exit_4(app_dir: Path) -> None:
    run = e2ekit("check", "lifespans:fails_at_shutdown_app", "--path", "/api", "--browser", "chromium", cwd=app_dir)

    assert run.returncode == 4
    assert run.stdout.startswith("ALLOWED in chromium ")
    assert run.stdout.rstrip().endswith("e2ekit: 1 allowed")
    assert run.stderr == "e2ekit: error: the app's shutdown failed: RuntimeError: the pool was already closed\n"


def test_an_app_that_ends_the_process_at_shutdown_like_chainlit_keeps_the_blocked_verdict_and_exit_1(
    app_dir: Path,
) -> None:
    run = e2ekit(
        "check", "lifespans:os_exit_app", "--path", "/api", "--credentials", "include", "--json",
        "--browser", "chromium", cwd=app_dir,
    )  # fmt: skip

    assert run.returncode == 1, run.stderr
    [result] = json.loads(run.stdout)["results"]
    assert result["verdict"] == "BLOCKED"
    assert run.stderr == ""


def test_an_app_that_ends_the_process_with_a_failure_code_at_shutdown_exits_4_after_the_results(
    app_dir: Path,
) -> None:
    run = e2ekit("check", "lifespans:os_exit_3_app", "--path", "/api", "--json", "--browser", "chromium", cwd=app_dir)

    assert run.returncode == 4
    assert json.loads(run.stdout)["results"][0]["verdict"] == "ALLOWED"
    assert run.stderr == (
        "e2ekit: error: the app's shutdown called os._exit(3); e2ekit does not let an app end the process\n"
    )


def test_e2ekit_run_prints_the_matrix_before_a_scenario_apps_shutdown_fails(app_dir: Path) -> None:
    (app_dir / "scenarios.toml").write_text(
        textwrap.dedent(
            """
            [[scenario]]
            id = "shutdown-fails"
            title = "an app whose shutdown fails"
            app = "lifespans:fails_at_shutdown_app"

            [[scenario.probe]]
            path = "/api"
            expect = "allowed"
            """
        )
    )

    run = e2ekit("run", "scenarios.toml", "--browser", "chromium", "--json", cwd=app_dir)

    assert run.returncode == 4, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["counts"]["passed"] == 1
    assert len(report["outcomes"]) == 1
    assert run.stderr == "e2ekit: error: the app's shutdown failed: RuntimeError: the pool was already closed\n"


CHAINLIT_PAGE = "http://localhost:{port}"


def chainlit_config(app_root: Path, allow_origins: list[str]) -> None:
    """The config Chainlit itself writes on first start, with ``[project] allow_origins`` set."""
    subprocess.run([sys.executable, "-c", "import chainlit.config"], cwd=app_root, check=True, capture_output=True)
    config = app_root / ".chainlit" / "config.toml"
    default = 'allow_origins = ["*"]'
    assert default in config.read_text()
    config.write_text(config.read_text().replace(default, f"allow_origins = {json.dumps(allow_origins)}"))


# Chainlit is in the test extra: no skip, so that a missing install fails here instead of passing unseen.
@pytest.mark.parametrize(
    ("allowed", "verdict", "code", "fix"),
    [
        pytest.param(
            ["{page}/"],
            "BLOCKED",
            1,
            "list the origin without the trailing slash in allow_origins under [project] in .chainlit/config.toml: "
            "'{page}', not '{page}/'",
            id="trailing-slash",
        ),
        pytest.param(["{page}"], "ALLOWED", 0, None, id="page-origin"),
    ],
)
def test_chainlits_real_server_app_is_checked_with_the_allow_origins_of_its_config(
    tmp_path: Path,
    free_page_port: int,
    cli_browser: str,
    allowed: list[str],
    verdict: str,
    code: int,
    fix: str | None,
) -> None:
    page = CHAINLIT_PAGE.format(port=free_page_port)
    # Chainlit reads .chainlit/config.toml from its app root: the current directory (or CHAINLIT_APP_ROOT).
    chainlit_config(tmp_path, [origin.format(page=page) for origin in allowed])

    run = e2ekit(
        "check", "chainlit.server:app", "--page-origin", page, "--path", "/auth/config", "--credentials", "include",
        "--json", "--browser", cli_browser, cwd=tmp_path,
        env={"BROWSER": "true"},  # Chainlit's startup opens the app in a browser unless it runs headless
    )  # fmt: skip

    assert run.returncode == code, run.stdout + run.stderr
    [result] = json.loads(run.stdout)["results"]
    assert result["verdict"] == verdict
    assert result["explanation"]["fix"] == (None if fix is None else fix.format(page=page))
    [request] = result["exchanges"]
    assert request["status"] == 200
    reflected = ["access-control-allow-origin", page] in request["response_headers"]
    assert reflected is (verdict == "ALLOWED")
