"""Launch time and per-probe cost per engine: probes batched in one page evaluation vs one evaluation per probe, with
every request through the kit's forward proxy (how engines run) and, for comparison, direct to real loopback servers
(how engines ran before the proxy, and still do when launched ``direct``), plus https origins through the proxy.

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

from e2ekit import EngineWorker, Probe, Session, Topology, launch_engine
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


ROUTES = (
    # (label, launched direct, page origin, target origin): loopback origins without a port have real servers too.
    ("direct", True, "http://localhost", "http://127.0.0.1"),
    ("proxy", False, "http://localhost", "http://127.0.0.1"),
    ("proxy https", False, "https://app.example.test", "https://api.example.test"),
)


def measure(worker: EngineWorker, topology: Topology, page: str, target: str, count: int) -> tuple[float, float]:
    """Seconds per probe, batched and one evaluation each."""
    application = app()
    simple = Probe("/api")
    preflighted = Probe("/api", "PUT", (("Content-Type", "application/json"),), "{}")
    with Session(worker, topology) as session:
        page_origin, target_origin = session.origins(page, target)

        def run(probes: list[Probe]) -> object:
            return session.run(application, probes, page_origin=page_origin, target_origin=target_origin)

        run([simple])  # load the page once, outside the measurements
        probes = [simple, preflighted] * (count // 2)
        batched = timed(lambda: run(probes)) / len(probes)
        single = timed(lambda: [run([probe]) for probe in probes]) / len(probes)
    return batched, single


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--browser", action="append", default=[], help="engine spec; repeatable (default: all)")
    parser.add_argument("--probes", type=int, default=200, help="probes per measurement (default: 200)")
    args = parser.parse_args()
    print(
        f"{'engine':<34} {'route':<12} {'launch s':>9} {'batched ms/probe':>17} {'one call ms/probe':>18} "
        f"{'vs direct':>10}"
    )
    with Topology() as topology:
        for spec in parse_engine_specs(args.browser or ["all"]):
            costs: dict[str, tuple[float, float]] = {}
            for label, direct, page, target in ROUTES:
                launch = time.perf_counter()
                worker = launch_engine(spec, direct=direct)
                launched = time.perf_counter() - launch
                info = worker.info
                try:
                    costs[label] = measure(worker, topology, page, target, args.probes)
                finally:
                    worker.close()
                batched, single = costs[label]
                print(
                    f"{info!s:<34} {label:<12} {launched:>9.2f} {batched * 1000:>17.1f} {single * 1000:>18.1f} "
                    + (f"{single / costs['direct'][1]:>9.2f}x" if "direct" in costs else f"{'':>10}")
                )
            proxy_batched, proxy_single = costs["proxy"]
            direct_batched, direct_single = costs["direct"]
            print(
                f"{'':<34} {'proxy/direct':<12} {'':>9} {proxy_batched / direct_batched:>16.2f}x "
                f"{proxy_single / direct_single:>17.2f}x"
            )


if __name__ == "__main__":
    main()
