"""How long `e2ekit check APP` takes for one probe, to its first verdict and to exit: in Chromium alone and in every
engine.

    python benchmarks/check_latency.py [--runs N] [--browser SPEC ...]

Each figure is the wall time of a fresh `e2ekit check` process (the same code as the `e2ekit` command: interpreter
start, imports, servers, the app, the browsers' launch, the probe, the clean-up), the median and the fastest of N
runs: until its first verdict appears on stdout (each engine's results are shown once known, in engine order), and
until it exits. Then one check in this process with the phase timer on (e2ekit._phases), to show where its time
goes, and the machine's load average, since a busy machine stretches every figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

from e2ekit._cli import main as e2ekit_main
from e2ekit._phases import recording_phases

APP = textwrap.dedent(
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route


    async def api(request):
        return PlainTextResponse("ok")


    app = Starlette(routes=[Route("/api", api)], middleware=[Middleware(CORSMiddleware, allow_origins=["*"])])
    """
)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (1 min) {five:.1f} (5 min) on {os.cpu_count()} cores"


def check_arguments(app_dir: str, browser: str) -> list[str]:
    return ["check", "latency_app:app", "--app-dir", app_dir, "--path", "/api", "--browser", browser]


def wall_times(app_dir: str, browser: str, runs: int) -> tuple[list[float], list[float]]:
    """Seconds from start to the first verdict on stdout (check shows each engine's results once known), and to
    exit, of each of ``runs`` processes."""
    command = [sys.executable, "-m", "e2ekit._cli", *check_arguments(app_dir, browser)]
    first_verdicts, exits = [], []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout is not None
        first_line = process.stdout.readline()
        first_verdicts.append(time.perf_counter() - started)
        _, stderr = process.communicate(timeout=120)
        exits.append(time.perf_counter() - started)
        if process.returncode != 0 or not first_line.startswith(("ALLOWED", "BLOCKED")):
            raise SystemExit(f"{' '.join(command)} exited {process.returncode}: {stderr.strip()[-300:]}")
    return first_verdicts, exits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="processes per figure (default: 5)")
    parser.add_argument("--browser", action="append", default=[], metavar="SPEC", help="default: chromium, then all")
    args = parser.parse_args()
    browsers = args.browser or ["chromium", "all"]
    print(f"before: {load()}")
    with tempfile.TemporaryDirectory() as app_dir:
        Path(app_dir, "latency_app.py").write_text(APP)
        for browser in browsers:
            first_verdicts, exits = wall_times(app_dir, browser, args.runs)
            print(
                f"e2ekit check --browser {browser} ({args.runs} processes): exit median "
                f"{statistics.median(exits):.2f} s, fastest {min(exits):.2f} s; first verdict median "
                f"{statistics.median(first_verdicts):.2f} s, fastest {min(first_verdicts):.2f} s"
            )
        for browser in browsers:
            with recording_phases() as phases, redirect_stdout(StringIO()):
                started = time.perf_counter()
                e2ekit_main(check_arguments(app_dir, browser))
                seconds = time.perf_counter() - started
            print(f"\none check in this process (imports done), --browser {browser}: {seconds:.2f} s")
            print(phases.table())
    print(f"\nafter: {load()}")


if __name__ == "__main__":
    main()
