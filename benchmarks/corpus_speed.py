"""Wall time of the scenario corpus in every available engine: e2ekit's runner versus the naive baseline.

    python benchmarks/corpus_speed.py [--browser SPEC ...] [PATH ...]

The runner starts one browser per engine, engines side by side, and runs each scenario's probes batched in one
page (see e2ekit._scenarios.runner). The naive baseline (benchmarks/naive_baseline.py) opens a fresh context and
page, or a fresh window, for every probe, engines side by side too. Both include launching the browsers; servers
and the header-only baselines are prepared once, before either is timed. Prints both times and their ratio.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import time

from naive_baseline import run_naively

from e2ekit._engines.selection import EngineSpec, parse_engine_specs
from e2ekit._scenarios.loader import load_scenarios
from e2ekit._scenarios.runner import prepare_scenarios, run_scenarios
from e2ekit._serving.topology import Topology


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["scenarios"])
    parser.add_argument("--browser", action="append", default=[], metavar="SPEC", help="default: every engine")
    args = parser.parse_args()
    scenarios = load_scenarios(args.paths)
    specs = parse_engine_specs(args.browser or ["all"])
    with Topology() as topology:
        started = time.perf_counter()
        run = run_scenarios(scenarios, specs, topology=topology)
        runner_seconds = time.perf_counter() - started
        outcomes = run.outcomes
        available = [spec for spec in specs if spec.name in run.engines]
        prepared = prepare_scenarios(scenarios, topology)
        probes = sum(len(item.scenario.probes) for item in prepared)

        started = time.perf_counter()
        naive = _run_naive(prepared, available, topology)
        naive_seconds = time.perf_counter() - started

    names = ", ".join(spec.name for spec in available)
    print(f"corpus: {len(scenarios)} scenarios, {probes} probes, in {len(available)} engines ({names})")
    met = sum(o.passed for o in outcomes)
    print(f"runner: {runner_seconds:6.1f} s  ({len(outcomes)} outcomes, {met} met their expectations)")
    for outcome in outcomes:
        if not outcome.passed:
            print(f"        not met: {outcome.test_id}: {'; '.join(outcome.mismatches) or outcome.engine_error}")
    print(f"naive:  {naive_seconds:6.1f} s  (a fresh context or window and a page load per probe)")
    print(f"ratio:  {naive_seconds / runner_seconds:6.1f}x")
    agree = sum(
        allowed == (outcome.verdict.value == "ALLOWED")
        for spec in available
        for allowed, outcome in zip(naive[spec.name], [o for o in outcomes if o.engine == spec.name])
    )
    print(f"verdicts: the naive baseline agrees with the runner on {agree} of {len(outcomes)} probes")


def _run_naive(prepared: list, specs: list[EngineSpec], topology: Topology) -> dict[str, list[bool]]:  # type: ignore[type-arg]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(specs))) as pool:
        futures = {spec.name: pool.submit(run_naively, prepared, spec, topology) for spec in specs}
        return {name: future.result() for name, future in futures.items()}


if __name__ == "__main__":
    main()
