"""``repro --fix``: change the app's CORS configuration in-process, run again, and go on while a new cause blocks.

Each step takes the first blocked result's failure, asks the CORS implementation serving the app for the changes
that remove it, applies them all and runs the request again, until every engine allows it, no change is left, a
change cannot be applied in-process, or MAX_FIX_STEPS is reached. The outcome keeps every step, so the complete
change can be printed in the framework's own settings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from e2ekit._frameworks import Change, CorsSetup, detect
from e2ekit._probing.result import ProbeResult
from e2ekit._repro.causes import failure_of

__all__ = ["MAX_FIX_STEPS", "FixOutcome", "FixStep", "fix_until_allowed"]

MAX_FIX_STEPS = 5


@dataclass(frozen=True)
class FixStep:
    """Changes applied together, worded in the framework's settings, and the results of the run after them."""

    changes: tuple[Change, ...]
    wording: str
    results: tuple[ProbeResult, ...]


@dataclass(frozen=True)
class FixOutcome:
    """What ``--fix`` did: the steps applied, and a change it found but could not apply in-process, if any."""

    setup: CorsSetup
    steps: tuple[FixStep, ...] = ()
    unapplied: str | None = None
    """The configuration change to make by hand, worded in the framework's settings."""
    stopped: str | None = field(default=None)
    """Why the steps ended before every engine allowed the request, when they did."""

    @property
    def results(self) -> tuple[ProbeResult, ...]:
        """The results after the last step (empty when no step ran)."""
        return self.steps[-1].results if self.steps else ()

    @property
    def allowed(self) -> bool:
        """Whether every engine allows the request after the last step."""
        return bool(self.results) and all(result.allowed for result in self.results)

    @property
    def wording(self) -> str:
        """The complete change, every step's changes in order."""
        return " and ".join(step.wording for step in self.steps)


def fix_until_allowed(
    app: object, results: Sequence[ProbeResult], run: Callable[[], Sequence[ProbeResult]]
) -> FixOutcome:
    """Fix ``app`` step by step from the blocked ``results``; ``run`` runs the request again in every engine."""
    steps: list[FixStep] = []
    applied: list[Change] = []
    current = list(results)
    setup = detect(app)
    for _ in range(MAX_FIX_STEPS):
        blocked = [result for result in current if result.blocked]
        if not blocked:
            return FixOutcome(setup, tuple(steps))
        setup = detect(app)
        changes = _next_changes(setup, blocked, applied)
        if not changes:
            cause = "the request is still blocked" if steps else "the request is blocked"
            return FixOutcome(
                setup, tuple(steps), stopped=f"{cause} for a cause no {setup.framework.name} change fixes"
            )
        wording = setup.configuration(changes)
        if not all(setup.apply(change) for change in changes):
            return FixOutcome(setup, tuple(steps), unapplied=wording)
        applied += changes
        current = list(run())
        steps.append(FixStep(tuple(changes), wording, tuple(current)))
    stopped = None if all(r.allowed for r in current) else f"still blocked after {MAX_FIX_STEPS} changes"
    return FixOutcome(setup, tuple(steps), stopped=stopped)


def _next_changes(setup: CorsSetup, blocked: Sequence[ProbeResult], applied: Sequence[Change]) -> list[Change]:
    for result in blocked:
        failure = failure_of(result)
        if failure is None:
            continue
        changes = [change for change in setup.changes(failure) if change not in applied]
        if changes:
            return changes
    return []
