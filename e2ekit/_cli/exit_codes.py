"""Exit codes, and how ``check`` and ``repro`` report engines that did not run.

The code follows from an error's branch in the tree of e2ekit._errors: a UsageError is bad input (2), an EngineError
an engine that failed (3), an AppShutdownError an app that failed at shutdown, after the results were printed (4);
an interrupted run exits 130 (Ctrl-C) or 143 (SIGTERM) after printing the results obtained so far.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from e2ekit._errors import EngineConfigError, EngineInterrupted, EngineUnavailable, UsageError
from e2ekit._probing.result import ProbeResult, Verdict
from e2ekit._probing.runs import EngineRun

__all__ = [
    "EXIT_ALLOWED",
    "EXIT_APP_SHUTDOWN",
    "EXIT_BLOCKED",
    "EXIT_ENGINE_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_USAGE",
    "engine_exit_code",
    "engine_lines",
    "is_interruption",
    "split_engine_errors",
]

EXIT_ALLOWED = 0
EXIT_BLOCKED = 1
EXIT_USAGE = 2
EXIT_ENGINE_ERROR = 3
EXIT_APP_SHUTDOWN = 4
EXIT_INTERRUPTED = 130


def split_engine_errors(runs: Sequence[EngineRun[Any]], *, strict: bool) -> tuple[dict[str, str], dict[str, str]]:
    """Engines skipped as not installed (when not named explicitly), and engines that failed."""
    skipped = {str(r.spec): str(r.error) for r in runs if isinstance(r.error, EngineUnavailable) and not strict}
    failures = {str(r.spec): str(r.error) for r in runs if r.error is not None and str(r.spec) not in skipped}
    return skipped, failures


def engine_lines(skipped: dict[str, str], failures: dict[str, str]) -> str:
    """One paragraph per engine that gave no results: skipped (not installed), INTERRUPTED or ENGINE ERROR."""
    lines = [f"{name}: skipped: {reason}\n" for name, reason in skipped.items()]
    for name, reason in failures.items():
        if is_interruption(reason):
            lines.append(f"{name}: INTERRUPTED: {reason.removeprefix(EngineInterrupted.PREFIX)}\n")
        else:
            lines.append(f"{name}: ENGINE ERROR: {reason}\n")
    return "".join(line + "\n" for line in lines)


def is_interruption(reason: str) -> bool:
    """Whether an engine's error message says the run was stopped rather than that the engine failed."""
    return reason.startswith(EngineInterrupted.PREFIX)


def engine_exit_code(
    results: Sequence[ProbeResult], runs: Sequence[EngineRun[Any]], failures: dict[str, str]
) -> int | None:
    """2 if a named engine is not installed or misconfigured, 3 if an engine failed; None when the engines ran."""
    if any(isinstance(r.error, (EngineUnavailable, EngineConfigError)) for r in runs if str(r.spec) in failures):
        return EXIT_USAGE
    if failures or any(result.verdict is Verdict.ENGINE_ERROR for result in results):
        return EXIT_ENGINE_ERROR
    if not results:
        raise UsageError("no engine is installed here: run `e2ekit install-browsers`, or see `e2ekit browsers`")
    return None
