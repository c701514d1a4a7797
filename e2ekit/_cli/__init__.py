"""The ``e2ekit`` command line: one module per command, each with ``add_parser`` and ``run``."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from e2ekit._cli import browsers, check, install_browsers, repro, run
from e2ekit._cli.exit_codes import EXIT_APP_SHUTDOWN, EXIT_INTERRUPTED, EXIT_USAGE
from e2ekit._errors import AppShutdownError, UsageError
from e2ekit._probing.runs import results_kept_on_interrupt

__all__ = ["main"]

COMMANDS: tuple[ModuleType, ...] = (check, repro, browsers, install_browsers, run)


class _Parser(argparse.ArgumentParser):
    """argparse, with bad arguments reported as one line like every other bad input (argparse prints the whole
    usage first); ``e2ekit COMMAND --help`` still shows it."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}; see {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="e2ekit", description="Whether real browsers accept your app's CORS behaviour.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code (e2ekit._cli.exit_codes).

    Ctrl-C and SIGTERM stop a run cleanly: every engine within 2 s, the results obtained so far printed and written
    to the reports (the rest marked interrupted), then exit 130 for SIGINT, 143 for SIGTERM (128 + the signal's
    number, as a shell reports a process the signal killed: CI can tell its timeout from a user's Ctrl-C).
    """
    args = build_parser().parse_args(argv)
    with results_kept_on_interrupt() as interruption:
        try:
            code: int = args.run(args)
        except UsageError as error:
            if interruption.signal is None:
                print(f"e2ekit: error: {error}", file=sys.stderr)
                return EXIT_USAGE
        except AppShutdownError as error:  # raised after the command printed its results
            if interruption.signal is None:
                print(f"e2ekit: error: {error}", file=sys.stderr)
                return EXIT_APP_SHUTDOWN
        except KeyboardInterrupt:
            interruption.signal = interruption.signal or signal.SIGINT
    if interruption.signal is not None:
        name = "Ctrl-C" if interruption.signal == signal.SIGINT else signal.Signals(interruption.signal).name
        print(f"e2ekit: interrupted ({name}); results not obtained by then are marked interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED if interruption.signal == signal.SIGINT else 128 + interruption.signal
    return code
