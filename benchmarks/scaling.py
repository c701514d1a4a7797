"""Scaling out: the corpus's wall time under pytest with one and two pytest-xdist workers, and with two workers that
each connect to a Playwright server of their own; then what a remote engine costs per probe against a local one.

    python benchmarks/scaling.py [--repeat N] [--probes N] [--no-corpus] [PATH ...]

Each corpus run is ``pytest PATH --browser chromium -n N --e2e-report DIR`` in a subprocess, timed from start to
exit (so it includes pytest's start, the workers' start and every browser launch), and printed as a ratio against
the ``-n 1`` run of the same invocation; ``--repeat`` keeps the fastest of N runs of each. The two servers are
``playwright run-server`` on loopback, started here and running the system Chromium (or Playwright's, when
installed). Each row says whether its (merged) report agrees with the ``-n 1`` one in every verdict-level field.

The per-probe rows launch a local Chromium, then connect to one of the servers twice (its browser reaching the
kit's origins through ``expose_network``, then through the forward proxy exposed with ``E2EKIT_EXPOSE`` on
127.0.0.2), and time ``--probes`` probes batched in one page evaluation and the same probes one evaluation each.
Chromium only: ``playwright run-server`` can serve only Playwright's own Firefox and WebKit builds, which cannot be
installed here. Then the same through WebDriver endpoints on loopback (e2ekit._engines.webdriver_server): Chromium at
a standalone chromedriver and through a Selenium Grid 4, against the local Chromium above; Firefox at a standalone
geckodriver and through the Grid, against a local Firefox (WebDriver, its geckodriver started by the kit). A part
that is not installed is named and left out. ``--no-corpus`` measures the per-probe costs only. No assertion;
figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from e2ekit import Probe, Session, Topology, launch_engine
from e2ekit._engines.exposure import EXPOSE_VARIABLE
from e2ekit._engines.playwright_server import PlaywrightServer
from e2ekit._engines.selection import EngineSpec, resolve_engine
from e2ekit._engines.webdriver_server import WebDriverServer
from e2ekit._errors import EngineUnavailable
from e2ekit._reports.comparison import report_differences

ROOT = Path(__file__).resolve().parents[1]


def corpus_seconds(paths: list[str], workers: int, engines: list[str], report: Path) -> float:
    """Wall time of one pytest run of the corpus; its report is written to ``report``."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths, "--e2e-report", str(report)]
    command += ["-n", str(workers)] if workers else ["-p", "no:xdist"]
    command += [arg for engine in engines for arg in ("--e2e-engine", engine)]
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if not (report / "report.json").exists():
        sys.exit(f"{' '.join(command)} wrote no report (exit {completed.returncode}):\n{completed.stdout[-3000:]}")
    return seconds


def server_endpoint(server: PlaywrightServer) -> str:
    """The server's endpoint, telling it to run the system Chromium where Playwright's own is not installed."""
    plan = resolve_engine(EngineSpec("chromium"))
    if plan.playwright_build or plan.executable is None:
        return server.endpoint
    return server.endpoint_launching(plan.executable)


def app() -> Starlette:
    return Starlette(
        routes=[Route("/api", lambda request: PlainTextResponse("ok"), methods=["GET", "PUT"])],
        middleware=[Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"])],
    )


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def probe_costs(spec: EngineSpec, probes: int, topology: Topology) -> tuple[float, float, float]:
    """Launch (or connect) seconds, then seconds per probe batched and one evaluation per probe."""
    target = app()
    simple = Probe("/api")
    preflighted = Probe("/api", "PUT", (("Content-Type", "application/json"),), "{}")
    launched = time.perf_counter()
    worker = launch_engine(spec)
    launch = time.perf_counter() - launched
    try:
        with Session(worker, topology) as session:
            session.run(target, [simple])  # load the page once, outside the measurements
            batch = [simple, preflighted] * (probes // 2)
            batched = timed(lambda: session.run(target, batch)) / len(batch)
            single = timed(lambda: [session.run(target, [probe]) for probe in batch]) / len(batch)
    finally:
        worker.close()
    return launch, batched, single


def print_costs(title: str, costs: dict[str, tuple[float, float, float]], baseline: str) -> None:
    """One row per engine: launch, per-probe costs, and the ratios against ``baseline``'s."""
    print(f"\n{title}")
    print(f"  {'engine':<52} {'launch s':>9} {'batched ms':>11} {'one call ms':>12}  of {baseline}: batched / one call")
    _, base_batched, base_single = costs[baseline]
    for label, (launch, batched, single) in costs.items():
        print(
            f"  {label:<52} {launch:>9.2f} {batched * 1000:>11.1f} {single * 1000:>12.1f}  "
            f"{batched / base_batched:4.2f}x / {single / base_single:4.2f}x"
        )


def webdriver_endpoint_costs(
    costs: dict[str, tuple[float, float, float]], name: str, probes: int, topology: Topology
) -> None:
    """Add the costs of engine ``name`` at a standalone driver and through a Selenium Grid, both on loopback."""
    standalone = {"chromium": WebDriverServer.chromedriver, "firefox": WebDriverServer.geckodriver}[name]
    driver = {"chromium": "chromedriver", "firefox": "geckodriver"}[name]
    endpoints: list[tuple[str, Callable[[], WebDriverServer]]] = [
        (f"WebDriver endpoint ({driver} on loopback)", standalone),
        ("Selenium Grid 4 standalone on loopback", lambda: WebDriverServer.grid(chromium=name == "chromium")),
    ]
    for label, server in endpoints:
        try:
            with server() as endpoint:
                costs[label] = probe_costs(EngineSpec.parse(f"{name}:{endpoint.endpoint}"), probes, topology)
        except EngineUnavailable as missing:
            print(f"  {label}: left out: {missing}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["scenarios"])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each setup; the fastest counts (default: 1)")
    parser.add_argument("--probes", type=int, default=200, help="probes per cost measurement (default: 200)")
    parser.add_argument("--no-corpus", action="store_true", help="measure the per-probe costs only")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as temp,
        PlaywrightServer(unsafe=True) as first,
        PlaywrightServer(unsafe=True) as second,
    ):
        remote = [f"chromium:{server_endpoint(first)}", f"chromium:{server_endpoint(second)}"]
        if not args.no_corpus:
            corpus_figures(args.paths, args.repeat, temp, remote)
        with Topology() as topology:
            chromium = {
                "local": probe_costs(EngineSpec("chromium"), args.probes, topology),
                "Playwright server, expose_network": probe_costs(EngineSpec.parse(remote[0]), args.probes, topology),
            }
            # The opt-in path: the forward proxy relayed at an explicit address (a loopback one here).
            os.environ[EXPOSE_VARIABLE] = "127.0.0.2"
            chromium["Playwright server, E2EKIT_EXPOSE"] = probe_costs(
                EngineSpec.parse(remote[0]), args.probes, topology
            )
            del os.environ[EXPOSE_VARIABLE]
            webdriver_endpoint_costs(chromium, "chromium", args.probes, topology)
            firefox = {
                "local (WebDriver)": probe_costs(EngineSpec("firefox", backend="webdriver"), args.probes, topology)
            }
            webdriver_endpoint_costs(firefox, "firefox", args.probes, topology)
        heading = f"per probe ({args.probes} probes; launch includes connecting)"
        print_costs(f"chromium, {heading}", chromium, "local")
        print_costs(f"firefox, {heading}", firefox, "local (WebDriver)")


def corpus_figures(paths: list[str], repeat: int, temp: str, remote: list[str]) -> None:
    """The corpus's wall time in each setup, as ratios against ``-n 1``, and whether each report agrees with it."""
    setups = [
        ("one process, no xdist", 0, ["chromium"]),
        ("-n 1", 1, ["chromium"]),
        ("-n 2", 2, ["chromium"]),
        ("-n 2, two Playwright servers", 2, remote),
    ]
    seconds: dict[str, float] = {}
    reports: dict[str, dict[str, object]] = {}
    for number, (label, workers, engines) in enumerate(setups):
        for run in range(repeat):
            report = Path(temp) / f"{number}-{run}"
            took = corpus_seconds(paths, workers, engines, report)
            seconds[label] = min(took, seconds.get(label, took))
            reports.setdefault(label, json.loads((report / "report.json").read_text(encoding="utf-8")))
    baseline = reports["-n 1"]
    print(f"corpus ({', '.join(paths)}) in chromium: wall time of a pytest run, fastest of {repeat}")
    for label, _, _ in setups:
        differences = report_differences(baseline, reports[label])
        agreement = "agrees" if not differences else f"{len(differences)} differences"
        print(
            f"  {label:<30} {seconds[label]:6.1f} s  {seconds[label] / seconds['-n 1']:5.2f}x of -n 1  "
            f"(report {agreement} with -n 1)"
        )
        for line in differences[:10]:
            print(f"    {line}")


if __name__ == "__main__":
    main()
