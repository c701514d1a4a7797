"""``e2ekit repro``: reproduce a pasted CORS console error against the app, in each engine, and suggest the fix."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from e2ekit._cli.engine_runs import engine_exit_code, engine_lines, split_engine_errors
from e2ekit._cli.errors import EXIT_ALLOWED, EXIT_BLOCKED, UsageError
from e2ekit._cli.options import add_engine_arguments, engines_from, unavailable_is_an_error
from e2ekit._probing.probe import CREDENTIALS_MODES, parse_header
from e2ekit._probing.result import ProbeResult
from e2ekit._probing.runs import EngineRun, run_in_engines
from e2ekit._probing.session import Session
from e2ekit._repro import PolicyFixError, ReproRequest, apply_fix, fix_for, reconstruct, same_cause
from e2ekit._repro.causes import cause_of
from e2ekit._serving.apps import load_app
from e2ekit._serving.asgi import ASGIApp
from e2ekit._serving.topology import Topology
from e2ekit._wordings import ConsoleReport, ConsoleTextError, parse_console_text

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "repro",
        help="reproduce a pasted CORS console error against the app",
        description="Parse a CORS console message (Chromium, Firefox or WebKit wording), rebuild the request it "
        "implies, run it against APP in each engine and say whether the same failure happens, why, and what fixes "
        "it. Exit 0 if it reproduced in every engine that ran (with --fix: if every engine allows the fixed app), "
        "1 otherwise, 2 on bad input, 3 if an engine failed.",
    )
    parser.add_argument(
        "message",
        metavar="TEXT",
        help='the console text, e.g. "Access to fetch at ... has been blocked by CORS policy: ..."; - reads standard input',
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
    parser.add_argument("--fix", action="store_true", help="apply the suggested CORSMiddleware change and run again")
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
    with Topology() as topology:
        runs = _run(app, request, specs, topology)
        results = [r for engine_run in runs for r in engine_run.value or []]
        fixed: list[ProbeResult] | None = None
        fix = None
        if args.fix:
            fix = next((f for r in results if (f := fix_for(cause_of(r), r)) is not None), None)
            if fix is not None:
                try:
                    apply_fix(app, fix)
                except PolicyFixError as error:
                    raise UsageError(str(error)) from None
                fixed = [r for engine_run in _run(app, request, specs, topology) for r in engine_run.value or []]
    skipped, failures = split_engine_errors(runs, strict=strict)
    if args.json:
        print(json.dumps(_document(report, request, results, fix, fixed, skipped, failures), indent=2))
    else:
        print(_text(report, request, results, skipped, failures))
        if args.fix:
            print(_fix_text(fix, fixed))
    code = engine_exit_code(results, runs, failures)
    if code is not None:
        return code
    if args.fix:
        return EXIT_ALLOWED if fixed and all(r.allowed for r in fixed) else EXIT_BLOCKED
    return EXIT_ALLOWED if all(same_cause(report.check, r) for r in results) else EXIT_BLOCKED


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
    report: ConsoleReport,
    request: ReproRequest,
    results: list[ProbeResult],
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
    for result in results:
        lines += _engine_lines(report, result)
    if skipped or failures:
        lines += [engine_lines(skipped, failures).rstrip(), ""]
    reproduced = [r.engine.name for r in results if same_cause(report.check, r)]
    lines.append(
        f"reproduced in {len(reproduced)} of {len(results)} engines"
        + (f": {', '.join(reproduced)}" if reproduced else "")
    )
    return "\n".join(lines)


def _engine_lines(report: ConsoleReport, result: ProbeResult) -> list[str]:
    name = f"{result.engine.name} ({result.engine.backend})"
    explanation = result.explanation
    if same_cause(report.check, result):
        head = f"{name}: REPRODUCED"
        if explanation is not None and explanation.check != report.check:
            head += f" (same cause; this app's response makes it {explanation.check})"
    elif result.allowed:
        head = f"{name}: NOT REPRODUCED: this app's response was allowed"
    else:
        head = f"{name}: NOT REPRODUCED: blocked for another cause ({cause_of(result) or result.verdict})"
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


def _fix_text(fix: Any, fixed: list[ProbeResult] | None) -> str:
    if fix is None or fixed is None:
        return "--fix: no CORSMiddleware parameter change fixes this cause; see the fix sentence above"
    verdicts = ", ".join(f"{r.engine.name} {r.verdict}" for r in fixed)
    every = all(r.allowed for r in fixed)
    return f"--fix: {fix}: {verdicts}" + (
        "; every engine now allows it" if every else "; not every engine allows it yet"
    )


def _document(
    report: ConsoleReport,
    request: ReproRequest,
    results: list[ProbeResult],
    fix: Any,
    fixed: list[ProbeResult] | None,
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
        "results": [dict(r.to_json(), reproduced=same_cause(report.check, r)) for r in results],
        "fix": None if fix is None else str(fix),
        "fixed_results": None if fixed is None else [r.to_json() for r in fixed],
        "engines_skipped": skipped,
        "engine_errors": failures,
    }
