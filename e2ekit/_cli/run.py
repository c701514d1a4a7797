"""``e2ekit run``: run scenario files in every engine and print the matrix of verdicts against expectations."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from e2ekit._cli.exit_codes import EXIT_ENGINE_ERROR
from e2ekit._cli.options import (
    add_engine_arguments,
    add_fetch_timeout_argument,
    engines_from,
    fetch_timeout_from,
    unavailable_is_an_error,
)
from e2ekit._errors import UsageError
from e2ekit._reports import check_report_paths, render_matrix, write_html, write_junit, write_reports
from e2ekit._reports.json_report import report_json
from e2ekit._scenarios.loader import load_scenarios
from e2ekit._scenarios.outcome import ProbeOutcome
from e2ekit._scenarios.runner import run_scenarios
from e2ekit._serving.topology import Topology

__all__ = ["DEFAULT_PATH", "EXIT_MISMATCH", "EXIT_PASSED", "add_parser", "run"]

DEFAULT_PATH = "scenarios"
EXIT_PASSED = 0
EXIT_MISMATCH = 1


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run scenario files in real browsers and compare with their expectations",
        description="Run every scenario of PATHS (TOML files, or directories of them) in each engine, beside the "
        "header-only check a conventional test would make, and print the matrix. Exit 0 if every expectation was "
        "met, 1 if any was not, 2 on bad input (a scenario file, an option, a named engine that is not installed), "
        "3 if an engine failed, 4 if an app failed at shutdown (after the results).",
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help=f"scenario files or directories (default: {DEFAULT_PATH})"
    )
    add_engine_arguments(parser)
    add_fetch_timeout_argument(parser)
    parser.add_argument(
        "--report-dir", type=Path, metavar="DIR", help="write report.json, report.xml (JUnit) and report.html into DIR"
    )
    parser.add_argument("--json", action="store_true", help="print the JSON report instead of the matrix")
    parser.add_argument("--junit", type=Path, metavar="FILE", help="write a JUnit XML report to FILE")
    parser.add_argument("--html", type=Path, metavar="FILE", help="write the self-contained HTML report to FILE")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    scenarios = load_scenarios(args.paths or [DEFAULT_PATH])
    check_report_paths(args.report_dir, [path for path in (args.junit, args.html) if path is not None])
    fetch_timeout = fetch_timeout_from(args)
    # Reported before the apps are shut down: an app failing at shutdown comes after the results (exit 4).
    with Topology() as topology:
        result = run_scenarios(scenarios, engines_from(args), topology=topology, fetch_timeout=fetch_timeout)
        missing = "; ".join(str(error) for error in result.unavailable.values())
        if missing and unavailable_is_an_error(args):
            raise UsageError(missing)
        if not result.engines:
            raise UsageError(f"no engine is installed: {missing}")
        for name, error in result.unavailable.items():
            print(f"e2ekit: skipped {name}: {error}", file=sys.stderr)
        outcomes, engines = result.outcomes, result.engines
        if args.json:
            print(json.dumps(report_json(outcomes), indent=2))
        else:
            print(render_matrix(outcomes, engines, color=_use_color()))
        _write_files(args, outcomes)
        sys.stdout.flush()
        return exit_code(outcomes)


def exit_code(outcomes: list[ProbeOutcome]) -> int:
    """3 if an engine failed anywhere (the run is incomplete), else 1 if an expectation was not met, else 0."""
    if any(outcome.engine_error is not None or outcome.result is None for outcome in outcomes):
        return EXIT_ENGINE_ERROR
    return EXIT_MISMATCH if any(outcome.mismatches for outcome in outcomes) else EXIT_PASSED


def _write_files(args: argparse.Namespace, outcomes: list[ProbeOutcome]) -> None:
    written: list[Path] = []
    if args.report_dir is not None:
        written += write_reports(outcomes, args.report_dir).values()
    if args.junit is not None:
        write_junit(outcomes, args.junit)
        written.append(args.junit)
    if args.html is not None:
        write_html(outcomes, args.html)
        written.append(args.html)
    for path in written:
        print(f"e2ekit: wrote {path}", file=sys.stderr)


def _use_color() -> bool:
    # The NO_COLOR convention (no-color.org), and no escape codes in a pipe or a file.
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
