"""Options shared by several commands: the app under test and the engines."""

from __future__ import annotations

import argparse

from e2ekit._engines.base import ENGINE_NAMES
from e2ekit._engines.selection import EngineSpec, parse_engine_specs
from e2ekit._serving.apps import load_app
from e2ekit._serving.asgi import ASGIApp

__all__ = ["add_app_arguments", "add_engine_arguments", "app_from", "engines_from", "unavailable_is_an_error"]


def add_app_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("app", metavar="APP", help='the ASGI app under test as "module:attribute", e.g. myapp.main:app')
    parser.add_argument(
        "--factory", action="store_true", help="APP is a callable that returns the app (as uvicorn --factory)"
    )
    parser.add_argument("--app-dir", default=".", help="directory to import APP from (default: the current directory)")


def app_from(args: argparse.Namespace) -> ASGIApp:
    return load_app(args.app, factory=args.factory, app_dir=args.app_dir)


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--browser",
        action="append",
        default=[],
        metavar="SPEC",
        help=f"engine to run in: {', '.join(ENGINE_NAMES)} or all, optionally NAME:playwright, NAME:webdriver or "
        "NAME:/path/to/executable; repeatable (default: every engine; those not installed are skipped)",
    )


def engines_from(args: argparse.Namespace) -> list[EngineSpec]:
    return parse_engine_specs(args.browser or ["all"])


def unavailable_is_an_error(args: argparse.Namespace) -> bool:
    """An engine the user named that is not installed is a configuration error; a default one is skipped."""
    return bool(args.browser)
