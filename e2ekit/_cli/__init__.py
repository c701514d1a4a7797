"""The ``e2ekit`` command line: one module per command, each with ``add_parser`` and ``run``."""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

from e2ekit._cli.exit_codes import EXIT_APP_SHUTDOWN, EXIT_INTERRUPTED, EXIT_USAGE
from e2ekit._errors import AppShutdownError, UsageError
from e2ekit._probing.runs import results_kept_on_interrupt

__all__ = ["main"]

COMMANDS = {
    "check": "e2ekit._cli.check",
    "repro": "e2ekit._cli.repro",
    "browsers": "e2ekit._cli.browsers",
    "install-browsers": "e2ekit._cli.install_browsers",
    "run": "e2ekit._cli.run",
    "audit": "e2ekit._cli.audit",
}
"""Each command's module, in the order ``e2ekit --help`` lists them."""


class _Parser(argparse.ArgumentParser):
    """argparse, with bad arguments reported as one line like every other bad input (argparse prints the whole
    usage first); ``e2ekit COMMAND --help`` still shows it."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}; see {self.prog} --help\n")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command; given ``argv`` that names one, of that command only: each command's module
    imports what the command runs (``check`` needs no report writer), and the others would only slow it down."""
    parser = _Parser(prog="e2ekit", description="Whether real browsers accept your app's CORS behaviour.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    named = next((argument for argument in argv or () if not argument.startswith("-")), None)
    for name, module in COMMANDS.items():
        if named not in COMMANDS or name == named:
            importlib.import_module(module).add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code (e2ekit._cli.exit_codes).

    Ctrl-C and SIGTERM stop a run cleanly: every engine within 2 s, the results obtained so far printed and written
    to the reports (the rest marked interrupted), then exit 130 for SIGINT, 143 for SIGTERM (128 + the signal's
    number, as a shell reports a process the signal killed: CI can tell its timeout from a user's Ctrl-C).
    """
    args = build_parser(sys.argv[1:] if argv is None else argv).parse_args(argv)
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
