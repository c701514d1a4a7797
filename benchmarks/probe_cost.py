"""Launch time and per-probe cost per engine: probes batched in one page evaluation vs one evaluation per probe, and
against the floor, every request through the kit's forward proxy (how engines run) and, for comparison, direct to
real loopback servers (how engines ran before the proxy, and still do when launched ``direct``), plus https origins
through the proxy.

Run: python benchmarks/probe_cost.py [--browser SPEC ...] [--probes N] [--floor N]. Prints one table; no assertion.

- batched: a session runs N probes in one evaluation, one after another (a simple GET and a PUT with a preflight,
  alternately; so 1.5 requests a probe), results and explanations included.
- simple: the same with simple GETs only, one request a probe: what the floor is made of.
- one call: each probe in an evaluation of its own.
- floor: N plain ``fetch()`` calls of the simple GET in one evaluation, side by side (``Promise.all``), nothing
  recorded but what the servers always record: what the browser and the servers need for a request, at best.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from e2ekit import EngineWorker, Probe, Session, Topology, launch_engine
from e2ekit._engines.base import Engine
from e2ekit._engines.playwright import PlaywrightEngine
from e2ekit._engines.selection import parse_engine_specs
from e2ekit._engines.webdriver import WebDriverEngine
from e2ekit._serving.marker import add_marker

FLOOR_FUNCTION = "async (urls) => { await Promise.all(urls.map(async (url) => (await fetch(url)).text())); }"


def app() -> Starlette:
    async def api(request: Any) -> PlainTextResponse:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route("/api", api, methods=["GET", "PUT"])],
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


def evaluate(engine: Engine, function: str, argument: object) -> None:
    """Evaluate an async JavaScript function in the engine's probe page (a benchmark's own, not a probe)."""
    if isinstance(engine, PlaywrightEngine):
        engine._page.evaluate(function, argument)
    else:
        assert isinstance(engine, WebDriverEngine)
        script = f"const done = arguments[arguments.length - 1]; ({function})(arguments[0]).then(done, done);"
        engine.driver.execute_async_script(script, argument)


def measure(
    worker: EngineWorker, topology: Topology, page: str, target: str, count: int, floor_count: int
) -> dict[str, float]:
    """Seconds per probe: batched, simple, one call each; seconds per fetch: the floor."""
    application = app()
    simple = Probe("/api")
    preflighted = Probe("/api", "PUT", (("Content-Type", "application/json"),), "{}")
    with Session(worker, topology) as session:
        page_origin, target_origin = session.origins(page, target)

        def run(probes: list[Probe]) -> object:
            return session.run(application, probes, page_origin=page_origin, target_origin=target_origin)

        run([simple])  # load the page once, outside the measurements
        probes = [simple, preflighted] * (count // 2)
        costs = {
            "batched": timed(lambda: run(probes)) / len(probes),
            "simple": timed(lambda: run([simple] * count)) / count,
            "one call": timed(lambda: [run([probe]) for probe in probes]) / len(probes),
        }
        served = topology.app(application)
        state = topology.start_app(served)
        urls = []
        for _ in range(floor_count):
            marker, _recording = topology.router.register(served, state)
            urls.append(add_marker(f"{target_origin}/api", marker))
        seconds = timed(lambda: worker.call(lambda e: evaluate(e, FLOOR_FUNCTION, urls), 120, "run the floor"))
        costs["floor"] = seconds / floor_count
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="append", default=[], help="engine spec; repeatable (default: all)")
    parser.add_argument("--probes", type=int, default=200, help="probes per measurement (default: 200)")
    parser.add_argument("--floor", type=int, default=1000, help="fetches in the floor's evaluation (default: 1000)")
    args = parser.parse_args()
    print(
        f"{'engine':<34} {'route':<12} {'launch s':>9} {'batched':>8} {'simple':>7} {'one call':>9} {'floor':>6}"
        f" {'simple/floor':>13} {'one call vs direct':>19}   (ms per probe or fetch)"
    )
    with Topology() as topology:
        for spec in parse_engine_specs(args.browser or ["all"]):
            costs: dict[str, dict[str, float]] = {}
            for label, direct, page, target in ROUTES:
                launch = time.perf_counter()
                worker = launch_engine(spec, direct=direct)
                launched = time.perf_counter() - launch
                info = worker.info
                try:
                    costs[label] = cost = measure(worker, topology, page, target, args.probes, args.floor)
                finally:
                    worker.close()
                vs_direct = f"{cost['one call'] / costs['direct']['one call']:>18.2f}x" if "direct" in costs else ""
                print(
                    f"{info!s:<34} {label:<12} {launched:>9.2f} {cost['batched'] * 1000:>8.1f}"
                    f" {cost['simple'] * 1000:>7.1f} {cost['one call'] * 1000:>9.1f} {cost['floor'] * 1000:>6.1f}"
                    f" {cost['simple'] / cost['floor']:>12.2f}x {vs_direct:>19}"
                )


if __name__ == "__main__":
    main()
