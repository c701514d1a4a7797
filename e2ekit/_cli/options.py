"""Options shared by several commands: the app under test and the engines."""

from __future__ import annotations

import argparse

from e2ekit._engines.base import ENGINE_NAMES
from e2ekit._engines.selection import EngineSpec, parse_engine_specs
from e2ekit._errors import UsageError
from e2ekit._probing.session import FETCH_TIMEOUT, MAX_FETCH_TIMEOUT
from e2ekit._serving.apps import load_app
from e2ekit._serving.asgi import ASGIApp
from e2ekit._serving.lifespan import STARTUP_TIMEOUT
from e2ekit._serving.topology import Topology
from e2ekit._serving.upstream import REMOTE_OPT_IN

__all__ = [
    "add_app_arguments",
    "add_engine_arguments",
    "add_fetch_timeout_argument",
    "app_from",
    "engines_from",
    "fetch_timeout_from",
    "topology_from",
    "unavailable_is_an_error",
]

MAX_STARTUP_TIMEOUT = 3600.0
APP_HELP = (
    'the app under test: "module:attribute" naming an ASGI app, a WSGI app (Flask, Django, ...), an aiohttp '
    "web.Application or a callable without arguments that returns one (e.g. myapp.main:app); or the URL of a server "
    "already running, in any language (e.g. http://127.0.0.1:8000), served through a recording reverse proxy"
)


def add_app_arguments(parser: argparse.ArgumentParser, *, flag: str | None = None) -> None:
    """The app options; APP is positional, or the option ``flag`` (e.g. "--app") when given."""
    if flag is None:
        parser.add_argument("app", metavar="APP", help=APP_HELP)
    else:
        parser.add_argument(flag, dest="app", metavar="APP", required=True, help=APP_HELP)
    parser.add_argument(
        "--factory", action="store_true", help="APP is a callable that returns the app (as uvicorn --factory)"
    )
    parser.add_argument("--app-dir", default=".", help="directory to import APP from (default: the current directory)")
    parser.add_argument(
        REMOTE_OPT_IN,
        action="store_true",
        help="let a URL APP name a host off this machine: the probes' requests then leave the machine",
    )
    parser.add_argument(
        "--startup-timeout",
        type=float,
        default=STARTUP_TIMEOUT,
        metavar="SECONDS",
        help=f"how long the app's lifespan startup may take (default: {STARTUP_TIMEOUT:g})",
    )


def add_fetch_timeout_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fetch-timeout",
        type=float,
        default=FETCH_TIMEOUT,
        metavar="SECONDS",
        help="how long each fetch may take before the page aborts it; an app that has not answered by then is "
        f"reported as such (default: {FETCH_TIMEOUT:g})",
    )


def fetch_timeout_from(args: argparse.Namespace) -> float:
    """The ``--fetch-timeout`` given, checked before any browser starts."""
    timeout: float = args.fetch_timeout
    if not 0 < timeout <= MAX_FETCH_TIMEOUT:
        raise UsageError(
            f"--fetch-timeout {timeout:g}: expected a number of seconds above 0, at most {MAX_FETCH_TIMEOUT:g}"
        )
    return timeout


def app_from(args: argparse.Namespace) -> ASGIApp:
    """The app the arguments name, ready to serve: the one way every command loads APP."""
    return load_app(
        args.app,
        factory=args.factory,
        app_dir=args.app_dir,
        allow_remote=getattr(args, "allow_remote_app", False),
    )


def topology_from(args: argparse.Namespace) -> Topology:
    """The run's servers, with the app options' startup timeout."""
    timeout = getattr(args, "startup_timeout", STARTUP_TIMEOUT)
    if not 0 < timeout <= MAX_STARTUP_TIMEOUT:
        raise UsageError(
            f"--startup-timeout {timeout:g}: expected a number of seconds above 0, at most {MAX_STARTUP_TIMEOUT:g}"
        )
    return Topology(startup_timeout=timeout)


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--browser",
        action="append",
        default=[],
        metavar="SPEC",
        help=f"engine to run in: {', '.join(ENGINE_NAMES)} or all, optionally NAME:playwright, NAME:webdriver, "
        "NAME:/path/to/executable or NAME:ws://HOST:PORT/ (a Playwright server); repeatable (default: every engine; "
        "those not installed are skipped)",
    )


def engines_from(args: argparse.Namespace) -> list[EngineSpec]:
    return parse_engine_specs(args.browser or ["all"])


def unavailable_is_an_error(args: argparse.Namespace) -> bool:
    """An engine the user named that is not installed is a configuration error; a default one is skipped."""
    return bool(args.browser)
