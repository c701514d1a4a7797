"""Bad APP values: each is exit 2 with one line naming what was given and what is accepted, before any browser."""

from __future__ import annotations

import socket
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serving.cli import e2ekit

ACCEPTED = (
    "expected an ASGI app (async (scope, receive, send)), a WSGI app ((environ, start_response)), an aiohttp "
    "web.Application, a callable without arguments that returns one, or the URL of a running server"
)

MODULES = {
    "wsgi_like.py": """
        class Handler:
            # Looks like WSGI, but a WSGI server calls it with (environ, start_response).
            def __call__(self, environ):
                return [b"hi"]

        app = Handler()

        def application(environ, start_response, extra):
            return [b"hi"]
        """,
    "raises.py": """
        import os

        DATABASE_URL = os.environ["E2EKIT_TEST_DATABASE_URL"]
        """,
    "exits.py": """
        import sys

        sys.exit("run me with uvicorn")
        """,
    "settings.py": """
        app = {"debug": True}
        """,
}


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("bad_apps")
    for name, text in MODULES.items():
        (directory / name).write_text(textwrap.dedent(text))
    return directory


@pytest.fixture(scope="module")
def refusing_port() -> Iterator[int]:
    """A port bound but not listening: connecting to it is refused, and no other process can take it meanwhile."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]


@pytest.mark.parametrize(
    ("app", "line"),
    [
        pytest.param(
            "wsgi_like:app", f'app "wsgi_like:app" is a Handler object taking (environ); {ACCEPTED}', id="wsgi-one-arg"
        ),
        pytest.param(
            "wsgi_like:application",
            f'app "wsgi_like:application" is a function taking (environ, start_response, extra); {ACCEPTED}',
            id="wsgi-three-args-not-async",
        ),
        pytest.param("settings:app", f'app "settings:app" is a dict; {ACCEPTED}', id="not-callable"),
        pytest.param(
            "raises:app",
            'app "raises:app": importing "raises" raised KeyError: \'E2EKIT_TEST_DATABASE_URL\'',
            id="import-raises",
        ),
        pytest.param(
            "exits:app",
            'app "exits:app": importing "exits" called sys.exit(\'run me with uvicorn\'); a module that serves an '
            "app must not exit when imported",
            id="sys-exit-at-import",
        ),
        pytest.param(
            "http://192.0.2.10:8000",
            'app "http://192.0.2.10:8000" is not on this machine: e2ekit would send the probes\' requests to '
            "192.0.2.10; pass --allow-remote-app to allow that",
            id="remote-without-opt-in",
        ),
        pytest.param(
            "http://127.0.0.1:{port}/api",
            'app "http://127.0.0.1:{port}/api": nothing is listening at 127.0.0.1:{port} (connection refused); '
            "start the server first",
            id="connection-refused",
        ),
        pytest.param(
            "127.0.0.1:8000",
            'app "127.0.0.1:8000" must be in format "<module>:<attribute>" with Python names; for a running server '
            'write "http://127.0.0.1:8000"',
            id="url-without-scheme",
        ),
        pytest.param(
            "/srv/project/wsgi_like:app",
            'app "/srv/project/wsgi_like:app": "/srv/project/wsgi_like" is a file path, not a module name; write '
            '"<module>:<attribute>" and import it from its directory (--app-dir on the command line; a scenario '
            "file's own directory is searched first)",
            id="file-path",
        ),
    ],
)
def test_a_bad_app_exits_2_with_one_line(app_dir: Path, refusing_port: int, app: str, line: str) -> None:
    run = e2ekit("check", app.format(port=refusing_port), "--browser", "chromium", cwd=app_dir)

    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr == f"e2ekit: error: {line.format(port=refusing_port)}\n"


def test_a_scenario_app_follows_the_same_rule_as_the_command_line(app_dir: Path) -> None:
    (app_dir / "scenarios.toml").write_text(
        textwrap.dedent(
            f"""
            [[scenario]]
            id = "by-path"
            title = "an app named by its file path"
            app = "{app_dir}/wsgi_like:app"

            [[scenario.probe]]
            path = "/"
            expect = "allowed"
            """
        )
    )

    run = e2ekit("run", "scenarios.toml", "--browser", "chromium", cwd=app_dir)

    assert run.returncode == 2
    assert run.stderr == (
        f'e2ekit: error: scenarios.toml: [by-path] app "{app_dir}/wsgi_like:app": "{app_dir}/wsgi_like" is a file '
        'path, not a module name; write "<module>:<attribute>" and import it from its directory (--app-dir on the '
        "command line; a scenario file's own directory is searched first)\n"
    )
