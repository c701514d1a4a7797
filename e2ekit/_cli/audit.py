"""``e2ekit audit``: which hostile origins real browsers let read the app's responses, ranked, with the fix."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from e2ekit._audit.findings import Severity
from e2ekit._audit.plan import AuditOptions
from e2ekit._audit.result import AuditResult
from e2ekit._audit.running import prepare_audit, run_audit
from e2ekit._cli.exit_codes import EXIT_ENGINE_ERROR
from e2ekit._cli.options import (
    add_app_arguments,
    add_engine_arguments,
    app_from,
    engines_from,
    topology_from,
    unavailable_is_an_error,
)
from e2ekit._errors import UsageError
from e2ekit._probing.probe import parse_header
from e2ekit._reports.audit_files import check_audit_paths, write_audit_reports
from e2ekit._reports.audit_json import audit_json

__all__ = ["EXIT_CRITICAL", "EXIT_NO_CRITICAL", "add_parser", "exit_code", "run"]

EXIT_NO_CRITICAL = 0
EXIT_CRITICAL = 1


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="check which hostile origins real browsers let read the app's responses",
        description="Serve APP at the target origin, load the --visit paths (a login) in each engine, then open an "
        "attacker's page on each hostile origin (an unrelated site, null, http, subdomains, prefix and suffix "
        "matches, special characters, origins crafted from the policy's patterns) and try reads with and without "
        "credentials, a preflighted read and, for each --method, a state-changing request. Findings are what a "
        "browser allowed, critical first, beside what a header-only scanner concludes. Exit 0 with no critical "
        "finding, 1 with one, 2 on bad input, 3 if an engine failed, 4 if the app failed at shutdown.",
    )
    add_app_arguments(parser)
    parser.add_argument(
        "--origin",
        action="append",
        default=[],
        required=True,
        help="an origin meant to have access, e.g. https://app.example.com; repeatable (every other is hostile)",
    )
    parser.add_argument(
        "--target-origin",
        default=None,
        help="origin that serves APP (default: https://api.<site of the first --origin>; for a loopback origin, "
        "https on its host on a port e2ekit picks): https, since an https page cannot fetch an http target",
    )
    parser.add_argument(
        "--path",
        action="append",
        default=[],
        help="path to read, with query (default: /, or the path of a URL APP); repeatable",
    )
    parser.add_argument(
        "--method",
        action="append",
        default=[],
        help="also send a credentialed state-changing request with this method (e.g. POST, DELETE) to each path: "
        "it reaches the app; repeatable",
    )
    parser.add_argument(
        "--header", action="append", default=[], metavar='"NAME: VALUE"', help="header for every request; repeatable"
    )
    parser.add_argument(
        "--visit",
        action="append",
        default=[],
        metavar="PATH",
        help="load PATH on the target as a top-level page first, in each engine (e.g. a login that sets a cookie); "
        "repeatable",
    )
    parser.add_argument(
        "--private",
        action="store_true",
        help="the app's data is protected by network position (an intranet API): a read without credentials is "
        "critical",
    )
    parser.add_argument(
        "--category",
        action="append",
        default=[],
        metavar="ID",
        help="try only hostile origins of this category (e.g. null, prefix-match); repeatable (default: all)",
    )
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument("--report-dir", type=Path, metavar="DIR", help="write audit.json and audit.html into DIR")
    add_engine_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    app = app_from(args)
    options = AuditOptions(
        origins=args.origin,
        target_origin=args.target_origin,
        paths=args.path,
        methods=args.method,
        headers=[parse_header(text) for text in args.header],
        visits=args.visit,
        private=args.private,
        categories=args.category or None,
    )
    specs = engines_from(args)
    # Checked before any browser starts: a report that cannot be written must not cost the run.
    check_audit_paths(args.report_dir)
    with topology_from(args) as topology:
        prepared = prepare_audit(topology, app, options)
        result = run_audit(prepared, specs)
        unavailable = "; ".join(result.engines_unavailable.values())
        if unavailable and unavailable_is_an_error(args):
            raise UsageError(unavailable)  # an engine named that is not installed is bad input, as in `e2ekit run`
        if not result.engines and not result.engine_errors:
            raise UsageError(f"no engine is installed: {unavailable}; run `e2ekit install-browsers`")
        print(json.dumps(audit_json(result), indent=2) if args.json else result)
        if args.report_dir is not None:
            for path in write_audit_reports(result, args.report_dir).values():
                print(f"e2ekit: wrote {path}", file=sys.stderr)
        sys.stdout.flush()
        return exit_code(result)


def exit_code(result: AuditResult) -> int:
    """3 if an engine failed (the audit is incomplete), else 1 with a critical finding, 0 without."""
    if result.engine_errors:
        return EXIT_ENGINE_ERROR
    return EXIT_CRITICAL if result.count(Severity.CRITICAL) else EXIT_NO_CRITICAL
