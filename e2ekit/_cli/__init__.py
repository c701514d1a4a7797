"""The ``e2ekit`` command line: one module per command, each with ``add_parser`` and ``run``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from e2ekit._cli import browsers, check, install_browsers, repro, run
from e2ekit._cli.errors import EXIT_USAGE, USAGE_ERRORS

__all__ = ["main"]

COMMANDS: tuple[ModuleType, ...] = (check, repro, browsers, install_browsers, run)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="e2ekit", description="Whether real browsers accept your app's CORS behaviour."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except USAGE_ERRORS as error:
        print(f"e2ekit: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("e2ekit: interrupted", file=sys.stderr)
        return 130
    return code
