"""Wall time of the scenario corpus in every available engine: e2ekit's runner versus the naive baseline, each engine
alone, and where the runner's time goes (the phase profile).

    python benchmarks/corpus_speed.py [--browser SPEC ...] [--no-naive] [--no-alone] [PATH ...]

The runner starts one browser per engine, engines side by side, and runs the scenarios' probes batched in the page
(see e2ekit._scenarios.runner). The naive baseline (benchmarks/naive_baseline.py) opens a fresh context and page, or
a fresh window, for every probe, engines side by side too. Both include launching and closing the browsers; the
runner's time also includes preparing the scenarios (servers, apps, header-only baselines), which the naive baseline
reuses untimed. Prints both times and their ratio, the runner's time with each engine alone, the CPU time each took
(benchmarks/cpu.py), the phase profile of the run in all engines (e2ekit._phases: seconds and count per phase and
engine; the engines' phases overlap in time), and the machine's load average, since a busy machine stretches every
figure.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import time

from cpu import ProcessTreeCPU
from naive_baseline import run_naively

from e2ekit._engines.selection import EngineSpec, parse_engine_specs
from e2ekit._phases import recording_phases
from e2ekit._scenarios.loader import load_scenarios
from e2ekit._scenarios.model import Scenario
from e2ekit._scenarios.runner import ScenarioRun, prepare_scenarios, run_scenarios
from e2ekit._serving.topology import Topology


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (1 min) {five:.1f} (5 min) on {os.cpu_count()} cores"


def timed_run(
    scenarios: list[Scenario], specs: list[EngineSpec], topology: Topology
) -> tuple[float, ScenarioRun, ProcessTreeCPU]:
    """``run_scenarios`` as `e2ekit run` calls it (the scenarios prepared, the engines launched and closed); its wall
    time, what it gave and the CPU time it took."""
    with ProcessTreeCPU() as cpu:
        started = time.perf_counter()
        run = run_scenarios(scenarios, specs, topology=topology)
        seconds = time.perf_counter() - started
    return seconds, run, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["scenarios"])
    parser.add_argument("--browser", action="append", default=[], metavar="SPEC", help="default: every engine")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baseline (the slowest part)")
    parser.add_argument("--no-alone", action="store_true", help="skip the runs of each engine alone")
    parser.add_argument(
        "--by-process", action="store_true", help="with each engine alone, its CPU time per kind of process"
    )
    args = parser.parse_args()
    scenarios = load_scenarios(args.paths)
    specs = parse_engine_specs(args.browser or ["all"])
    print(f"before: {load()}")

    topology = Topology()
    with recording_phases() as phases:
        runner_seconds, run, cpu = timed_run(scenarios, specs, topology)
    outcomes = run.outcomes
    available = [spec for spec in specs if spec.name in run.engines]
    probes = sum(len(scenario.probes) for scenario in scenarios)
    names = ", ".join(spec.name for spec in available)
    print(f"corpus: {len(scenarios)} scenarios, {probes} probes, in {len(available)} engines ({names})")
    met = sum(o.passed for o in outcomes)
    print(f"runner: {runner_seconds:6.2f} s  ({len(outcomes)} outcomes, {met} met their expectations; {cpu})")
    for outcome in outcomes:
        if not outcome.passed:
            print(f"        not met: {outcome.test_id}: {'; '.join(outcome.mismatches) or outcome.engine_error}")

    if not args.no_alone and len(available) > 1:
        for spec in available:
            with Topology() as alone:
                seconds, _, cpu = timed_run(scenarios, [spec], alone)
            print(f"alone:  {seconds:6.2f} s  {spec.name} ({cpu})")
            if args.by_process:
                for kind, count, spent in cpu.by_kind():
                    print(f"        {spent:5.2f} s CPU in {count} x {kind}")

    if not args.no_naive:
        prepared = prepare_scenarios(scenarios, topology)  # the servers the runner started
        started = time.perf_counter()
        naive = _run_naive(prepared, available, topology)
        naive_seconds = time.perf_counter() - started
        print(f"naive:  {naive_seconds:6.2f} s  (a fresh context or window and a page load per probe)")
        print(f"ratio:  {naive_seconds / runner_seconds:6.1f}x")
        agree = sum(
            allowed == (outcome.verdict.value == "ALLOWED")
            for spec in available
            for allowed, outcome in zip(naive[spec.name], [o for o in outcomes if o.engine == spec.name])
        )
        print(f"verdicts: the naive baseline agrees with the runner on {agree} of {len(outcomes)} probes")

    topology.close()
    print("\nwhere the runner's time went (all engines side by side; seconds/count per phase):")
    print(phases.table())
    print(f"\nafter: {load()}")


def _run_naive(prepared: list, specs: list[EngineSpec], topology: Topology) -> dict[str, list[bool]]:  # type: ignore[type-arg]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(specs))) as pool:
        futures = {spec.name: pool.submit(run_naively, prepared, spec, topology) for spec in specs}
        return {name: future.result() for name, future in futures.items()}


if __name__ == "__main__":
    main()
