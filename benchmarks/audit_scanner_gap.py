"""Over the scenario corpus's CORS policies: what a header-only scanner reports that no browser honours, and what
browsers allow that it does not report.

    python benchmarks/audit_scanner_gap.py [--browser SPEC ...] [PATH ...]

Each distinct policy of scenarios/*.toml (loaded with the kit's scenario loader, its app built as the runner builds
it) is audited with the scenario's page origin as the one allowed origin (a loopback page without a port on port
3000), its GET paths as the paths, its login visited when it sets cookies. Every engine is launched once; each audit
runs in a session of its own. For every hostile origin and read the browsers decided, the header-level view (the app's
answer to a forged Origin) is compared with the browsers: "scanner-only" where the scanner reports a read no browser
allowed, "browser-only" the reverse. Scanner reports on origins no browser page can have (skipped cases) are counted
apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence

from e2ekit._audit.attempts import AttemptKind
from e2ekit._audit.findings import Difference, Severity
from e2ekit._audit.plan import AuditOptions
from e2ekit._audit.running import PreparedAudit, prepare_audit, run_audits
from e2ekit._engines.selection import parse_engine_specs
from e2ekit._errors import UsageError
from e2ekit._probing.origins import Origin
from e2ekit._scenarios.app import build_app, cors_arguments
from e2ekit._scenarios.loader import load_scenarios
from e2ekit._scenarios.model import Scenario
from e2ekit._serving.topology import Topology

LOOPBACK_PAGE_PORT = 3000
LOGIN_PATH = "/login"


def page_origin(scenario: Scenario) -> str:
    page = Origin.parse(scenario.page)
    return str(page if page.port is not None else page.with_port(LOOPBACK_PAGE_PORT))


def policy_key(scenario: Scenario, page: str) -> str:
    cors = None if scenario.cors is None else cors_arguments(scenario.cors, page)
    cookies = [cookie.header() for cookie in scenario.cookies]
    return json.dumps([scenario.app, cors, sorted(scenario.layers), cookies, page], sort_keys=True, default=str)


def distinct_policies(scenarios: Sequence[Scenario]) -> list[tuple[Scenario, str]]:
    found: dict[str, tuple[Scenario, str]] = {}
    for scenario in scenarios:
        page = page_origin(scenario)
        found.setdefault(policy_key(scenario, page), (scenario, page))
    return list(found.values())


def prepare(topology: Topology, scenario: Scenario, page: str) -> PreparedAudit | str:
    paths = [p.probe.path for p in scenario.probes if p.probe.method == "GET"] or [scenario.probes[0].probe.path]
    options = AuditOptions([page], paths=list(dict.fromkeys(paths)), visits=[LOGIN_PATH] if scenario.cookies else [])
    try:
        return prepare_audit(topology, build_app(scenario, page), options)
    except UsageError as error:
        return f"{scenario.id}: not audited: {error}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["scenarios"])
    parser.add_argument("--browser", action="append", default=[], metavar="SPEC", help="default: every engine")
    args = parser.parse_args()
    scenarios = load_scenarios(args.paths)
    policies = distinct_policies(scenarios)
    started = time.perf_counter()
    with Topology() as topology:
        prepared: list[tuple[Scenario, PreparedAudit]] = []
        for scenario, page in policies:
            item = prepare(topology, scenario, page)
            if isinstance(item, str):
                print(item)
            else:
                prepared.append((scenario, item))
        results = run_audits([item for _, item in prepared], parse_engine_specs(args.browser or ["all"]))
    elapsed = time.perf_counter() - started
    directions: Counter[tuple[str, str]] = Counter()
    verified: Counter[str] = Counter()
    scanner_reports = 0
    unservable_reports = 0
    decided = 0
    for (scenario, item), result in zip(prepared, results):
        for finding in result.findings:
            if finding.severity is Severity.DIFFERENCE and finding.difference is not None:
                directions[finding.difference.value, finding.kind.value] += 1
                print(
                    f"{scenario.id}: {finding.difference} {finding.kind.label} from {finding.origin}: "
                    f"allowed in {', '.join(finding.allowed_in) or 'no engine'}; "
                    f"{finding.header_view.headers if finding.header_view else 'no header view'}"
                )
            else:
                verified[finding.severity.value] += 1
        skipped_in: dict[str, set[str]] = {}
        for case in result.skipped:  # an origin may be skipped for a different reason in each engine
            skipped_in.setdefault(case.origin, set()).update(case.engines)
        skipped = {origin for origin, engines in skipped_in.items() if len(engines) == len(result.engines)}
        for (index, _path), view in item.views.items():
            origin = item.plan.cases[index].hostile.origin
            for kind in (AttemptKind.CREDENTIALED_READ, AttemptKind.UNCREDENTIALED_READ):
                if not view.reports(kind):
                    continue
                if origin in skipped:
                    unservable_reports += 1
                else:
                    scanner_reports += 1
        decided += sum(engine.tried for engine in result.engines)
    engines = sorted({engine.engine for result in results for engine in result.engines})
    for name, reason in {**results[0].engines_unavailable, **results[0].engine_errors}.items():
        print(f"{name}: did not run: {reason}")
    scanner_only = sum(count for (direction, _), count in directions.items() if direction == Difference.SCANNER_ONLY)
    browser_only = sum(count for (direction, _), count in directions.items() if direction == Difference.BROWSER_ONLY)
    print(
        f"\n{len(scenarios)} scenarios, {len(policies)} distinct policies, {len(prepared)} audited in "
        f"{', '.join(engines)}; {decided} engine verdicts in {elapsed:.0f} s"
    )
    print(
        f"header-only scanner: {scanner_reports} reads reported (with and without credentials apart) on origins a "
        f"page can have (+{unservable_reports} on origins no browser page can have, skipped)"
    )
    print(f"browser-verified findings: {dict(sorted(verified.items()))}")
    print(f"scanner-only (reported, no browser honours it): {scanner_only} {by_kind(directions, 'scanner-only')}")
    print(
        f"browser-only (a browser allows, the scanner misses it): {browser_only} {by_kind(directions, 'browser-only')}"
    )
    return 0


def by_kind(directions: Counter[tuple[str, str]], direction: str) -> dict[str, int]:
    return {kind: count for (found, kind), count in sorted(directions.items()) if found == direction}


if __name__ == "__main__":
    sys.exit(main())
