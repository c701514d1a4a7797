"""``e2ekit repro``: reproduce a pasted CORS console error against the app, in each engine, and suggest the fix."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from e2ekit._cli.exit_codes import EXIT_ALLOWED, EXIT_BLOCKED, engine_exit_code, engine_lines, split_engine_errors
from e2ekit._cli.options import add_engine_arguments, engines_from, unavailable_is_an_error
from e2ekit._errors import ConsoleTextError, UsageError
from e2ekit._frameworks import CorsSetup, detect
from e2ekit._probing.probe import CREDENTIALS_MODES, parse_header
from e2ekit._probing.result import ProbeResult, caveat_lines
from e2ekit._probing.runs import EngineRun, run_in_engines
from e2ekit._probing.session import Session
from e2ekit._repro import FixOutcome, ReportedRequest, ReproRequest, distinct_requests, fix_until_allowed, match
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
        "it. Text with several messages (a console dump) is reproduced request by request; other lines "
        "(net::ERR_FAILED, stack traces) are ignored. Exit 0 if every request reproduced in every engine that ran "
        "(with --fix: if every engine allows the fixed app; where the fix cannot be applied in-process, as without "
        "--fix), 1 otherwise, 2 on bad input, 3 if an engine failed.",
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
        "--page-origin", default=None, help="page origin to use instead of the message's (any http or https origin)"
    )
    parser.add_argument(
        "--target-origin",
        default=None,
        help="origin to serve the app at (default: the origin of the URL the message names, exactly)",
    )
    parser.add_argument(
        "--path",
        default=None,
        help="path to fetch, with query, for a message that names no URL (WebKit's first line, forum posts); it also "
        "replaces the path of a URL the message names",
    )
    parser.add_argument(
        "--body", default=None, help='request body (default for methods other than GET and HEAD: {"e2ekit": true})'
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


@dataclass(frozen=True)
class Reproduction:
    """One distinct request of the paste: its messages, the results in every engine, and what --fix did."""

    reported: ReportedRequest
    results: list[ProbeResult]
    outcome: FixOutcome | None = None

    @property
    def request(self) -> ReproRequest:
        return self.reported.request

    @property
    def report(self) -> ParsedMessage:
        return self.reported.report

    def reproduced(self, setup: CorsSetup) -> bool:
        return all(match(self.report, r, setup).reproduced for r in self.results)


def run(args: argparse.Namespace) -> int:
    text = _read(args.message)
    try:
        reports = parse_console_text(text)
    except ConsoleTextError as error:
        raise UsageError(str(error)) from None
    requests = distinct_requests(
        reports,
        page_origin=args.page_origin,
        target_origin=args.target_origin,
        method=args.method,
        headers=[parse_header(h) for h in args.header],
        credentials=args.credentials,
        path=args.path,
        body=args.body,
    )
    app = load_app(args.app, factory=args.factory, app_dir=args.app_dir)
    specs = engines_from(args)
    strict = unavailable_is_an_error(args)
    setup = detect(app)
    with Topology() as topology:
        runs = _run(app, [reported.request for reported in requests], specs, topology)
        reproductions = []
        for index, reported in enumerate(requests):
            results = [r for engine_run in runs if engine_run.value for r in engine_run.value[index]]
            outcome: FixOutcome | None = None
            if args.fix and results:

                def again(request: ReproRequest = reported.request) -> list[ProbeResult]:
                    return [
                        r[0] for engine_run in _run(app, [request], specs, topology) for r in engine_run.value or []
                    ]

                outcome = fix_until_allowed(app, results, again)
            reproductions.append(Reproduction(reported, results, outcome))
    skipped, failures = split_engine_errors(runs, strict=strict)
    if args.json:
        print(json.dumps(_document(reproductions, setup, skipped, failures), indent=2))
    else:
        print(_text(reproductions, setup, skipped, failures))
    every = [r for reproduction in reproductions for r in reproduction.results]
    code = engine_exit_code(every, runs, failures)
    if code is not None:
        return code
    verdicts = []
    for reproduction in reproductions:
        outcome = reproduction.outcome
        if outcome is None or not outcome.steps:
            # Nothing was changed (no change fixes this cause, or it cannot be applied in-process): the
            # reproduction's verdict stands.
            verdicts.append(reproduction.reproduced(setup))
        else:
            verdicts.append(outcome.allowed)
    return EXIT_ALLOWED if all(verdicts) else EXIT_BLOCKED


def _read(message: str) -> str:
    return sys.stdin.read() if message == "-" else message


def _run(
    app: ASGIApp, requests: Sequence[ReproRequest], specs: Sequence[Any], topology: Topology
) -> list[EngineRun[list[list[ProbeResult]]]]:
    """Each engine's results: one list per request, each request in a session of its own."""

    def job(new_session: Callable[[], Session]) -> list[list[ProbeResult]]:
        results = []
        for request in requests:
            with new_session() as session:
                results.append(
                    session.run(
                        app,
                        [request.probe],
                        page_origin=request.page_origin,
                        target_origin=request.target_origin,
                        opaque_page=request.opaque_page,
                    )
                )
        return results

    return run_in_engines(specs, job, topology=topology)


def _text(
    reproductions: list[Reproduction], setup: CorsSetup, skipped: dict[str, str], failures: dict[str, str]
) -> str:
    configuration = f"CORS configuration: {setup.framework.name}" + (
        f" ({setup.policy.where})" if setup.policy.where else ""
    )
    several = len(reproductions) > 1
    lines = []
    if several:
        messages = sum(len(r.reported.reports) for r in reproductions)
        lines += [
            f"reported: {messages} CORS messages about {len(reproductions)} distinct requests; other lines ignored",
            configuration,
            "",
        ]
    for number, reproduction in enumerate(reproductions, 1):
        if several:
            lines.append(f"== request {number} of {len(reproductions)} ==")
        lines += _request_lines(reproduction, setup, configuration=None if several else configuration)
        if reproduction.outcome is not None:
            lines.append(_fix_text(reproduction.outcome))
        if several:
            lines.append("")
    if skipped or failures:
        lines.insert(len(lines) - 1 if not several else len(lines), engine_lines(skipped, failures).rstrip())
    if several:
        done = sum(reproduction.reproduced(setup) for reproduction in reproductions)
        lines.append(f"reproduced {done} of {len(reproductions)} requests in every engine")
    return "\n".join(lines).rstrip("\n")


def _request_lines(reproduction: Reproduction, setup: CorsSetup, *, configuration: str | None) -> list[str]:
    report, request, results = reproduction.report, reproduction.request, reproduction.results
    probe = request.probe
    lines = [f"reported: {report.engine} says {report.check} ({report.check.description})"]
    lines += [f"  also: {other.raw}" for other in reproduction.reported.reports if other is not report]
    lines.append(
        f"request: {probe.method} {probe.path} from {request.shown_page} to {request.target_origin}, "
        f"credentials {probe.credentials}" + "".join(f", {k}: {v}" for k, v in probe.headers)
    )
    lines += [f"assumed: {assumption}" for assumption in request.assumptions]
    lines.append("")
    if configuration is not None:
        lines += [configuration, ""]
    for result in results:
        lines += _engine_lines(report, result, setup)
    reproduced = [r.engine.name for r in results if match(report, r, setup).reproduced]
    lines.append(
        f"reproduced in {len(reproduced)} of {len(results)} engines"
        + (f": {', '.join(reproduced)}" if reproduced else "")
    )
    return lines


def _engine_lines(report: ParsedMessage, result: ProbeResult, setup: CorsSetup) -> list[str]:
    name = f"{result.engine.name} ({result.engine.backend})"
    explanation = result.explanation
    found = match(report, result, setup)
    if found.reproduced:
        head = f"{name}: REPRODUCED"
        notes = []
        if explanation is not None and explanation.check != report.check:
            notes.append(f"same cause; this app's response makes it {explanation.check}")
        if found.reason:
            notes.append(found.reason)
        if notes:
            head += f" ({'; '.join(notes)})"
    else:
        head = f"{name}: NOT REPRODUCED: {found.reason}"
    lines = [head]
    if result.console is None:
        lines.append(f"  console: capture unavailable; JavaScript: {result.js_error or f'status {result.status}'}")
    lines += [f"  console: {message}" for message in result.console or () if "net::" not in message]
    if explanation is not None:
        lines.append(f"  why: {explanation.detail}" + (f" [{explanation.check}]" if explanation.check else ""))
        if explanation.fix and not result.allowed:
            lines.append(f"  fix: {explanation.fix}")
        lines += caveat_lines(explanation)
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


def _request_document(reproduction: Reproduction, setup: CorsSetup) -> dict[str, Any]:
    report, request, outcome = reproduction.report, reproduction.request, reproduction.outcome
    return {
        "reported": {"engine": report.engine, "check": str(report.check), "status": report.status, "raw": report.raw},
        "messages": [other.raw for other in reproduction.reported.reports],
        "request": {
            "probe": request.probe.to_json(),
            "page_origin": request.page_origin,
            "opaque_page": request.opaque_page,
            "target_origin": request.target_origin,
            "assumptions": list(request.assumptions),
        },
        "results": [dict(r.to_json(), reproduced=match(report, r, setup).reproduced) for r in reproduction.results],
        "fix": None if outcome is None or not outcome.steps else outcome.wording,
        "fix_steps": None
        if outcome is None
        else [{"change": step.wording, "results": [r.to_json() for r in step.results]} for step in outcome.steps],
        "fix_unapplied": None if outcome is None else outcome.unapplied,
        "fixed_results": None if outcome is None or not outcome.steps else [r.to_json() for r in outcome.results],
    }


def _document(
    reproductions: list[Reproduction], setup: CorsSetup, skipped: dict[str, str], failures: dict[str, str]
) -> dict[str, Any]:
    """The first request's reproduction at the top level (the shape of a single message), the others in
    ``other_requests``."""
    first, *others = reproductions
    return {
        **_request_document(first, setup),
        "cors_configuration": {"framework": setup.framework.name, "where": setup.policy.where},
        "other_requests": [_request_document(other, setup) for other in others],
        "engines_skipped": skipped,
        "engine_errors": failures,
    }
