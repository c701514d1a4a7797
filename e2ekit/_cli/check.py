"""``e2ekit check``: run one request from a page origin against the app, in each engine, and say what happened."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from e2ekit._cli.exit_codes import (
    EXIT_ALLOWED,
    EXIT_BLOCKED,
    engine_exit_code,
    engine_lines,
    is_interruption,
    split_engine_errors,
)
from e2ekit._cli.options import (
    add_app_arguments,
    add_engine_arguments,
    add_fetch_timeout_argument,
    app_from,
    engines_from,
    fetch_timeout_from,
    topology_from,
    unavailable_is_an_error,
)
from e2ekit._probing.origins import Origin
from e2ekit._probing.probe import CREDENTIALS_MODES, FETCH_MODES, REDIRECT_MODES, Probe, parse_header
from e2ekit._probing.result import ProbeResult, Verdict
from e2ekit._probing.runs import EngineRun, run_in_engines
from e2ekit._probing.session import DEFAULT_PAGE_ORIGIN, DEFAULT_TARGET_ORIGIN, Session
from e2ekit._serving.apps import default_path
from e2ekit._serving.topology import SAME_ORIGIN

__all__ = ["add_parser", "exit_code", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check",
        help="run fetch() from a page origin against the app in real browsers",
        description="Serve APP at the target origin, open a page on the page origin, run fetch() from it in "
        "each engine, and print ALLOWED or BLOCKED with the reason. Exit 0 if every probe was allowed, 1 if any "
        "was blocked, 2 on bad input, 3 if an engine failed, 4 if the app failed at shutdown (after the results).",
    )
    add_app_arguments(parser)
    parser.add_argument(
        "--page-origin",
        default=DEFAULT_PAGE_ORIGIN,
        help=f"origin of the page, any http or https origin (default: {DEFAULT_PAGE_ORIGIN}, on a port e2ekit picks; "
        "with a port, exactly that origin, also where another process listens on that port)",
    )
    parser.add_argument(
        "--target-origin",
        default=DEFAULT_TARGET_ORIGIN,
        help=f'origin that serves APP, any http or https origin (default: {DEFAULT_TARGET_ORIGIN}); "{SAME_ORIGIN}" '
        "for the page's own origin",
    )
    parser.add_argument(
        "--path",
        action="append",
        default=[],
        help="path to fetch, with query (default: /, or the path of a URL APP); repeatable, one probe each",
    )
    parser.add_argument("--method", default="GET", help="HTTP method (default: GET)")
    parser.add_argument(
        "--header", action="append", default=[], metavar='"NAME: VALUE"', help="request header; repeatable"
    )
    parser.add_argument("--body", default=None, help="request body")
    parser.add_argument(
        "--credentials",
        default="same-origin",
        choices=CREDENTIALS_MODES,
        help="fetch credentials mode (default: same-origin)",
    )
    parser.add_argument("--mode", default="cors", choices=FETCH_MODES, help="fetch mode (default: cors)")
    parser.add_argument(
        "--redirect", default="follow", choices=REDIRECT_MODES, help="fetch redirect mode (default: follow)"
    )
    parser.add_argument(
        "--visit",
        action="append",
        default=[],
        metavar="PATH",
        help="load PATH on the target as a top-level page first (e.g. a login that sets a cookie); repeatable",
    )
    parser.add_argument("--json", action="store_true", help="print the full results as JSON")
    add_fetch_timeout_argument(parser)
    add_engine_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    app = app_from(args)
    Origin.parse(args.page_origin, what="--page-origin")
    if args.target_origin != SAME_ORIGIN:
        Origin.parse(args.target_origin, what="--target-origin")
    headers = [parse_header(text) for text in args.header]
    probes = [
        Probe(path, args.method, headers, args.body, args.credentials, args.mode, args.redirect)  # type: ignore[arg-type]
        for path in args.path or [default_path(app)]
    ]
    specs = engines_from(args)
    fetch_timeout = fetch_timeout_from(args)

    def job(new_session: Callable[[], Session]) -> list[ProbeResult]:
        session = new_session()
        target = args.page_origin if args.target_origin == SAME_ORIGIN else args.target_origin
        for path in args.visit:
            session.visit(app, path, target_origin=target)
        return session.run(app, probes, page_origin=args.page_origin, target_origin=args.target_origin)

    # The results are printed before the app is shut down: a shutdown that fails, hangs or ends the process
    # (Chainlit's ends with os._exit(0)) comes after them, reported on its own (exit 4).
    with topology_from(args) as topology:
        shown = _InOrder(len(specs), None if args.json else _print_results)
        # The app starts (its lifespan: a database pool, a warm-up) while the browsers launch; one that cannot
        # start is bad input, found in seconds, and the browsers are stopped.
        runs = run_in_engines(
            specs,
            job,
            topology=topology,
            fetch_timeout=fetch_timeout,
            prepare=lambda: topology.start_app(topology.app(app)),
            on_run=shown.add,
        )
        shown.add_rest(runs)
        results = [result for engine_run in runs for result in engine_run.value or []]
        skipped, failures = split_engine_errors(runs, strict=unavailable_is_an_error(args))
        if args.json:
            document = {
                "results": [result.to_json() for result in results],
                "engines_skipped": skipped,
                "engine_errors": failures,
            }
            print(json.dumps(document, indent=2))
        else:
            print(engine_lines(skipped, failures), end="")
            print(_summary(results, failures))
        sys.stdout.flush()
        return exit_code(results, runs, failures)


class _InOrder:
    """Shows each engine's run as soon as every engine before it has been shown: the output is what it would be
    at the end, and the first verdict appears while the other engines still work or close."""

    def __init__(self, count: int, show: Callable[[EngineRun[list[ProbeResult]]], None] | None) -> None:
        self._runs: list[EngineRun[list[ProbeResult]] | None] = [None] * count
        self._shown = 0
        self._show = show
        self._lock = threading.Lock()
        self._over = False

    def add(self, index: int, run: EngineRun[list[ProbeResult]]) -> None:
        with self._lock:
            if self._over:  # an engine that reports after an interrupted run gave up waiting for it
                return
            self._runs[index] = run
            while self._shown < len(self._runs) and (ready := self._runs[self._shown]) is not None:
                if self._show is not None:
                    self._show(ready)
                self._shown += 1

    def add_rest(self, runs: Sequence[EngineRun[list[ProbeResult]]]) -> None:
        """Show what is left once the run is over (engines interrupted before they started never report)."""
        for index, run in enumerate(runs):
            if self._runs[index] is None:
                self.add(index, run)
        with self._lock:
            self._over = True


def _print_results(run: EngineRun[list[ProbeResult]]) -> None:
    for result in run.value or []:
        print(result, end="\n\n")
    sys.stdout.flush()


def _summary(results: list[ProbeResult], failures: dict[str, str]) -> str:
    counts = {verdict: sum(result.verdict is verdict for result in results) for verdict in Verdict}
    parts = [f"{count} {verdict.value.lower()}" for verdict, count in counts.items() if count]
    interrupted = sum(is_interruption(reason) for reason in failures.values())
    if len(failures) > interrupted:
        parts.append(f"{len(failures) - interrupted} engine(s) failed to start")
    if interrupted:
        parts.append(f"{interrupted} engine(s) interrupted before they finished")
    return "e2ekit: " + ", ".join(parts or ["no results"])


def exit_code(results: Sequence[ProbeResult], runs: Sequence[EngineRun[Any]], failures: dict[str, str]) -> int:
    """0 all allowed, 1 any blocked, 2 a named engine is not installed or misconfigured, 3 an engine failed."""
    code = engine_exit_code(results, runs, failures)
    if code is not None:
        return code
    return EXIT_ALLOWED if all(result.allowed for result in results) else EXIT_BLOCKED
