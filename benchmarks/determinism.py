"""Run the scenario corpus twice in every available engine and check that both runs give identical verdicts.

    python benchmarks/determinism.py [--browser SPEC ...] [PATH ...]

Compares, per scenario probe and engine: the verdict, the unmet expectations, what crossed the wire (preflight
sent, request reached the app, cookie sent), the status JavaScript read and the header-only verdict. Exits 1 and
lists the differences if the runs disagree.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from e2ekit._engines.selection import parse_engine_specs
from e2ekit._scenarios.loader import load_scenarios
from e2ekit._scenarios.outcome import ProbeOutcome
from e2ekit._scenarios.runner import run_scenarios
from e2ekit._serving.topology import Topology

Fingerprint = tuple[object, ...]


def fingerprint(outcome: ProbeOutcome) -> Fingerprint:
    result = outcome.result
    wire = (
        None
        if result is None
        else (result.preflight is not None, result.reached_app, result.cookie_sent, result.status)
    )
    return (outcome.verdict.value, outcome.mismatches, wire, outcome.baseline.verdict)


def run_once(paths: Sequence[str], browsers: Sequence[str]) -> dict[str, Fingerprint]:
    specs = parse_engine_specs(list(browsers) or ["all"])
    with Topology() as topology:
        run = run_scenarios(load_scenarios(paths), specs, topology=topology)
    return {
        f"{outcome.scenario.id}[{outcome.index}][{outcome.engine}]": fingerprint(outcome) for outcome in run.outcomes
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["scenarios"])
    parser.add_argument("--browser", action="append", default=[], metavar="SPEC", help="default: every engine")
    args = parser.parse_args()
    first = run_once(args.paths, args.browser)
    second = run_once(args.paths, args.browser)
    differences = [key for key in first.keys() | second.keys() if first.get(key) != second.get(key)]
    for key in sorted(differences):
        print(f"{key}: first run {first.get(key)}, second run {second.get(key)}")
    print(f"{len(first)} probe outcomes per run; {len(differences)} differ between the two runs")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
