"""``e2ekit repro``: reproduce a pasted CORS console error against the app, in each engine, and suggest the fix."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from e2ekit._cli.exit_codes import EXIT_ALLOWED, EXIT_BLOCKED, engine_exit_code, engine_lines, split_engine_errors
from e2ekit._cli.options import add_engine_arguments, engines_from, unavailable_is_an_error
from e2ekit._errors import ConsoleTextError, UsageError
from e2ekit._frameworks import CorsSetup, detect
from e2ekit._probing.probe import CREDENTIALS_MODES, parse_header
from e2ekit._probing.result import ProbeResult
from e2ekit._probing.runs import EngineRun, run_in_engines
from e2ekit._probing.session import Session
from e2ekit._repro import FixOutcome, ReproRequest, cause_of, fix_until_allowed, reconstruct, same_cause
from e2ekit._serving.apps import load_app
from e2ekit._serving.asgi import ASGIApp
from e2ekit._serving.topology import Topology
from e2ekit._wordings import ParsedMessage, parse_console_text

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "repro",
        help="reproduce a pasted CORS console error against the app",
        description="Parse a CORS console message (Chromium, Firefox or WebKit wording), rebuild the request it "
        "implies, run it against APP in each engine and say whether the same failure happens, why, and what fixes "
        "it. Exit 0 if it reproduced in every engine that ran (with --fix: if every engine allows the fixed app; "
        "where the fix cannot be applied in-process, as without --fix), 1 otherwise, 2 on bad input, 3 if an "
        "engine failed.",
    )
    parser.add_argument(
        "message",
        metavar="TEXT",
        help='the console text, e.g. "Access to fetch at ... has been blocked by CORS policy: ..."; '
        "- reads standard input",
    )
    parser.add_argument("--app", required=True, help='the ASGI app under test as "module:attribute"')
    parser.add_argument("--factory", action="store_true", help="--app is a callable that returns the app")
    parser.add_argument("--app-dir", default=".", help="directory to import the app from (default: .)")
    parser.add_argument(
        "--page-origin", default=None, help="page origin to use instead of the message's (a loopback http origin)"
    )
    parser.add_argument(
        "--target-origin",
        default=None,
        help="origin to serve the app at (default: the message's host if loopback, else http://127.0.0.1)",
    )
    parser.add_argument("--method", default=None, help="request method, when the message does not say")
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        metavar='"NAME: VALUE"',
        help="request header, when the message does not say; repeatable",
    )
    parser.add_argument(
        "--credentials",
        default=None,
        choices=CREDENTIALS_MODES,
        help="credentials mode, when the message does not imply it",
    )
    parser.add_argument(
        "--fix",
        action="store_true",
        help="apply the suggested change to the app's CORS configuration and run again, until allowed (5 steps)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    add_engine_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    text = _read(args.message)
    try:
        reports = parse_console_text(text)
    except ConsoleTextError as error:
        raise UsageError(str(error)) from None
    report = reports[0]
    request = reconstruct(
        report,
        page_origin=args.page_origin,
        target_origin=args.target_origin,
        method=args.method,
        headers=[parse_header(h) for h in args.header],
        credentials=args.credentials,
    )
    app = load_app(args.app, factory=args.factory, app_dir=args.app_dir)
    specs = engines_from(args)
    strict = unavailable_is_an_error(args)
    setup = detect(app)
    with Topology() as topology:
        runs = _run(app, request, specs, topology)
        results = [r for engine_run in runs for r in engine_run.value or []]
        outcome: FixOutcome | None = None
        if args.fix and results:

            def again() -> list[ProbeResult]:
                return [r for engine_run in _run(app, request, specs, topology) for r in engine_run.value or []]

            outcome = fix_until_allowed(app, results, again)
    skipped, failures = split_engine_errors(runs, strict=strict)
    if args.json:
        print(json.dumps(_document(report, request, results, setup, outcome, skipped, failures), indent=2))
    else:
        print(_text(report, request, results, setup, skipped, failures))
        if outcome is not None:
            print(_fix_text(outcome))
    code = engine_exit_code(results, runs, failures)
    if code is not None:
        return code
    reproduced = EXIT_ALLOWED if all(same_cause(report.check, r, setup) for r in results) else EXIT_BLOCKED
    if outcome is None or not outcome.steps:
        # Nothing was changed (no change fixes this cause, or it cannot be applied in-process): the reproduction's
        # verdict stands.
        return reproduced
    return EXIT_ALLOWED if outcome.allowed else EXIT_BLOCKED


def _read(message: str) -> str:
    return sys.stdin.read() if message == "-" else message


def _run(
    app: ASGIApp, request: ReproRequest, specs: Sequence[Any], topology: Topology
) -> list[EngineRun[list[ProbeResult]]]:
    def job(new_session: Callable[[], Session]) -> list[ProbeResult]:
        return new_session().run(
            app, [request.probe], page_origin=request.page_origin, target_origin=request.target_origin
        )

    return run_in_engines(specs, job, topology=topology)


def _text(
    report: ParsedMessage,
    request: ReproRequest,
    results: list[ProbeResult],
    setup: CorsSetup,
    skipped: dict[str, str],
    failures: dict[str, str],
) -> str:
    probe = request.probe
    lines = [
        f"reported: {report.engine} says {report.check} ({report.check.description})",
        f"request: {probe.method} {probe.path} from {request.page_origin} to {request.target_origin}, "
        f"credentials {probe.credentials}" + "".join(f", {k}: {v}" for k, v in probe.headers),
    ]
    lines += [f"assumed: {assumption}" for assumption in request.assumptions]
    lines.append("")
    lines.append(
        f"CORS configuration: {setup.framework.name}" + (f" ({setup.policy.where})" if setup.policy.where else "")
    )
    lines.append("")
    for result in results:
        lines += _engine_lines(report, result, setup)
    if skipped or failures:
        lines += [engine_lines(skipped, failures).rstrip(), ""]
    reproduced = [r.engine.name for r in results if same_cause(report.check, r, setup)]
    lines.append(
        f"reproduced in {len(reproduced)} of {len(results)} engines"
        + (f": {', '.join(reproduced)}" if reproduced else "")
    )
    return "\n".join(lines)


def _engine_lines(report: ParsedMessage, result: ProbeResult, setup: CorsSetup) -> list[str]:
    name = f"{result.engine.name} ({result.engine.backend})"
    explanation = result.explanation
    if same_cause(report.check, result, setup):
        head = f"{name}: REPRODUCED"
        if explanation is not None and explanation.check != report.check:
            head += f" (same cause; this app's response makes it {explanation.check})"
    elif result.allowed:
        head = f"{name}: NOT REPRODUCED: this app's response was allowed"
    else:
        head = f"{name}: NOT REPRODUCED: blocked for another cause ({cause_of(result, setup) or result.verdict})"
    lines = [head]
    if result.console is None:
        lines.append(f"  console: capture unavailable; JavaScript: {result.js_error or f'status {result.status}'}")
    lines += [f"  console: {message}" for message in result.console or () if "net::" not in message]
    if explanation is not None:
        lines.append(f"  why: {explanation.detail}" + (f" [{explanation.check}]" if explanation.check else ""))
        if explanation.fix and not result.allowed:
            lines.append(f"  fix: {explanation.fix}")
    lines += [f"  wire: {exchange.describe()}" for exchange in result.exchanges]
    return [*lines, ""]


def _fix_text(outcome: FixOutcome) -> str:
    name = outcome.setup.framework.name
    lines = []
    if len(outcome.steps) > 1:
        lines += [
            f"--fix step {n}: {step.wording}: {_verdicts(step.results)}" for n, step in enumerate(outcome.steps, 1)
        ]
    if outcome.steps:
        every = "; every engine now allows it" if outcome.allowed else "; not every engine allows it yet"
        lines.append(f"--fix: {outcome.wording}: {_verdicts(outcome.results)}{every}")
    if outcome.unapplied is not None:
        lines.append(
            f"--fix: {name} cannot be changed in-process here; make this change in the app's configuration: "
            f"{outcome.unapplied}"
        )
    elif outcome.stopped is not None:
        lines.append(f"--fix: {outcome.stopped}; see the fix sentence above")
    elif not outcome.steps:
        lines.append("--fix: nothing to fix: every engine allows the request")
    return "\n".join(lines)


def _verdicts(results: Sequence[ProbeResult]) -> str:
    return ", ".join(f"{r.engine.name} {r.verdict}" for r in results)


def _document(
    report: ParsedMessage,
    request: ReproRequest,
    results: list[ProbeResult],
    setup: CorsSetup,
    outcome: FixOutcome | None,
    skipped: dict[str, str],
    failures: dict[str, str],
) -> dict[str, Any]:
    return {
        "reported": {"engine": report.engine, "check": str(report.check), "raw": report.raw},
        "request": {
            "probe": request.probe.to_json(),
            "page_origin": request.page_origin,
            "target_origin": request.target_origin,
            "assumptions": list(request.assumptions),
        },
        "cors_configuration": {"framework": setup.framework.name, "where": setup.policy.where},
        "results": [dict(r.to_json(), reproduced=same_cause(report.check, r, setup)) for r in results],
        "fix": None if outcome is None or not outcome.steps else outcome.wording,
        "fix_steps": None
        if outcome is None
        else [{"change": step.wording, "results": [r.to_json() for r in step.results]} for step in outcome.steps],
        "fix_unapplied": None if outcome is None else outcome.unapplied,
        "fixed_results": None if outcome is None or not outcome.steps else [r.to_json() for r in outcome.results],
        "engines_skipped": skipped,
        "engine_errors": failures,
    }
