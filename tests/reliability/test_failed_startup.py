"""`e2ekit check` starts the app while the browsers launch: an app whose startup fails stops them, and nothing they
started keeps running or stays on disk."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.reliability.kit_runs import kit_run, owned_processes

pytestmark = pytest.mark.e2e

FAILING_STARTUP_APP = textwrap.dedent(
    """
    import asyncio
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette


    @asynccontextmanager
    async def lifespan(app):
        await asyncio.sleep(0.5)  # a connection attempt: the browsers are launching meanwhile
        raise RuntimeError("the database is not reachable")
        yield


    app = Starlette(lifespan=lifespan)
    """
)


def test_an_app_whose_startup_fails_while_the_browsers_launch_exits_2_and_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    (tmp_path / "failing.py").write_text(FAILING_STARTUP_APP)

    with kit_run(["check", "failing:app", "--browser", "all"], tmp_path) as run:
        stdout, stderr = run.process.communicate(timeout=60)
        left_on_disk = sorted(path.name for path in run.temp_dir.iterdir())

    assert (run.process.returncode, stdout) == (2, "")
    assert stderr == "e2ekit: error: the app's startup failed: RuntimeError: the database is not reachable\n"
    assert owned_processes({run.pid}) == []
    assert left_on_disk == []
