"""Launch time and per-probe cost per engine: probes batched in one page evaluation vs one evaluation per probe.

Run: python benchmarks/probe_cost.py [--browser SPEC ...] [--probes N]. Prints one table; no assertion.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from e2ekit import Probe, Session, Topology, launch_engine
from e2ekit._engines.selection import parse_engine_specs


def app() -> Starlette:
    return Starlette(
        routes=[Route("/api", lambda request: PlainTextResponse("ok"), methods=["GET", "PUT"])],
        middleware=[Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"])],
    )


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--browser", action="append", default=[], help="engine spec; repeatable (default: all)")
    parser.add_argument("--probes", type=int, default=200, help="probes per measurement (default: 200)")
    args = parser.parse_args()
    target = app()
    simple = Probe("/api")
    preflighted = Probe("/api", "PUT", {"Content-Type": "application/json"}, "{}")
    print(f"{'engine':<34} {'launch s':>9} {'batched ms/probe':>17} {'one call ms/probe':>18} {'ratio':>6}")
    with Topology() as topology:
        for spec in parse_engine_specs(args.browser or ["all"]):
            launch = time.perf_counter()
            worker = launch_engine(spec)
            launched = time.perf_counter() - launch
            info = worker.info
            try:
                with Session(worker, topology) as session:
                    session.run(target, [simple])  # load the page once, outside the measurements
                    probes = [simple, preflighted] * (args.probes // 2)
                    batched = timed(lambda probes=probes: session.run(target, probes)) / len(probes)  # type: ignore[misc]
                    single = timed(lambda probes=probes: [session.run(target, [p]) for p in probes]) / len(probes)  # type: ignore[misc]
            finally:
                worker.close()
            print(
                f"{info!s:<34} {launched:>9.2f} {batched * 1000:>17.1f} {single * 1000:>18.1f} "
                f"{single / batched:>5.1f}x"
            )


if __name__ == "__main__":
    main()
