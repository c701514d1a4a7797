"""Audit a correct exact-origin policy 10 times in a row in every engine: every run must find nothing.

    python benchmarks/audit_determinism.py [--runs N] [--browser SPEC ...]

Prints, per run, the findings by severity (all must be 0), the cases skipped and the wall time of the audit in all
engines side by side (engine launches included, as a user's run has them); then the time of one audit in each engine
on its own, and, as the baseline in this process, what the header-only view of the same hostile origins costs (one
forged request per origin, no browser). Exits 1 if any run has a finding.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from e2ekit import Severity, audit
from e2ekit._audit.header_view import header_views
from e2ekit._audit.plan import AuditOptions
from e2ekit._audit.running import prepare_audit
from e2ekit._engines.selection import parse_engine_specs
from e2ekit._serving.topology import Topology

ALLOWED = "https://app.example.com"
OPTIONS = {"paths": ["/api/me"], "methods": ["POST"], "visits": ["/login"]}


async def me(request: Request) -> Response:
    return JSONResponse({"user": "ada", "method": request.method})


async def login(request: Request) -> Response:
    response = PlainTextResponse("logged in")
    response.headers["set-cookie"] = "sid=abc123; Path=/; SameSite=None; Secure"
    return response


APP = Starlette(
    routes=[Route("/api/me", me, methods=["GET", "POST"]), Route("/login", login)],
    middleware=[
        Middleware(
            CORSMiddleware,
            allow_origins=[ALLOWED],
            allow_credentials=True,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-Requested-With"],
        )
    ],
)
"""The correct policy: the one origin meant to have access, exactly, with credentials."""


def timed_audit(browsers: Sequence[str]) -> tuple[float, dict[str, int], int, str]:
    started = time.perf_counter()
    result = audit(APP, [ALLOWED], browsers=list(browsers), **OPTIONS)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    counts = {severity.value: result.count(severity) for severity in Severity}
    engines = ", ".join(f"{e.engine} {e.tried} tried/{e.skipped} skipped" for e in result.engines)
    return elapsed, counts, len(result.skipped), engines


def header_only_seconds() -> float:
    """The baseline: the header-level view of the same hostile origins, the app served the same way."""
    with Topology() as topology:
        prepared = prepare_audit(topology, APP, AuditOptions([ALLOWED], **OPTIONS))  # type: ignore[arg-type]
        started = time.perf_counter()
        header_views(topology, APP, prepared.plan)
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--browser", action="append", default=[], metavar="SPEC", help="default: every engine")
    args = parser.parse_args()
    browsers = args.browser or ["all"]
    times = []
    with_findings = 0
    for number in range(1, args.runs + 1):
        elapsed, counts, skipped, engines = timed_audit(browsers)
        times.append(elapsed)
        found = sum(counts.values())
        with_findings += bool(found)
        findings = ", ".join(f"{count} {severity}" for severity, count in counts.items())
        print(f"run {number:2}: {findings}; {skipped} cases skipped; {engines}; {elapsed:.1f} s", flush=True)
    print(
        f"{args.runs} runs, {with_findings} with a finding; one audit in {', '.join(browsers)} side by side: "
        f"median {statistics.median(times):.1f} s, min {min(times):.1f} s, max {max(times):.1f} s"
    )
    baseline = header_only_seconds()
    for spec in parse_engine_specs(browsers):
        elapsed, counts, _, engines = timed_audit([str(spec)])
        print(f"one audit in {engines}: {elapsed:.1f} s, {elapsed / baseline:.0f}x the header-only view")
    print(f"baseline: the header-only view of the same hostile origins takes {baseline:.2f} s")
    return 1 if with_findings else 0


if __name__ == "__main__":
    sys.exit(main())
