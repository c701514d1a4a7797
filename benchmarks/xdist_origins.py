"""pytest-xdist with tests that name explicit origins (``http://localhost:3000``, ``http://[::1]:8000``, https host
names): run ``pytest -n 2`` on them N times and count the runs that pass.

Before the forward proxy, each worker bound the exact port an origin named for its whole run, and the other worker
failed with PortInUseError; now nothing binds those ports, and every worker has its own proxy.

Run: python benchmarks/xdist_origins.py [--runs N] [--browser SPEC ...]. Prints one line per run and the count; exits
1 unless every run passed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = (
    "tests/engines/test_real_origins.py",
    "tests/engines/test_samesite_cookies.py",
    "tests/serving/test_forward_proxy.py",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="how many times to run pytest -n 2 (default: 10)")
    parser.add_argument(
        "--browser", action="append", default=[], help="engine spec for --e2e-engine; repeatable (default: chromium)"
    )
    args = parser.parse_args()
    engines = [option for spec in args.browser or ["chromium"] for option in ("--e2e-engine", spec)]
    command = [sys.executable, "-m", "pytest", "-n", "2", "-q", "-p", "no:cacheprovider", *engines, *TESTS]
    passed = 0
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-200:]
        passed += done.returncode == 0
        print(f"run {run}: exit {done.returncode} in {time.perf_counter() - started:.0f} s: {summary}", flush=True)
    print(f"{passed}/{args.runs} runs of `pytest -n 2` passed")
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
