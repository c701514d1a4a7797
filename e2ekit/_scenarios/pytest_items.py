"""Scenario files as pytest items: each scenario x probe x engine is one test item.

Engines come from pytest-playwright's ``--browser`` (default chromium; ``--e2e-engine all`` adds every engine). The
first scenario item to run starts one browser per engine and runs every collected scenario in all of them at once,
through the runner; each item then reports its own outcome. A pytest-xdist worker runs only the items it is given,
which arrive a few at a time: there an item runs its scenario in its engine unless an earlier item already did
(``ScenarioShard``), and the worker hands its outcomes to the controller, which writes the reports (e2ekit.plugin).
e2ekit.plugin decides which files are collected and holds the hooks; this module is imported only when a scenario
file is collected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from e2ekit._engines.selection import EngineSpec
from e2ekit._errors import EngineInterrupted, EngineUnavailable, ScenarioError, UsageError
from e2ekit._probing.result import Verdict
from e2ekit._scenarios.loader import read_scenarios
from e2ekit._scenarios.model import Scenario
from e2ekit._scenarios.outcome import ProbeOutcome
from e2ekit._scenarios.runner import ScenarioShard, run_scenarios
from e2ekit._serving.topology import Topology

__all__ = ["RunState", "ScenarioFile", "ScenarioItem", "failure_text"]

_Key = tuple[str, str, int, str]
"""(file, scenario id, probe index, engine)."""


class RunState:
    """What the run of this pytest session produced, shared by every scenario item.

    ``spec_of`` gives the spec of an engine named by ``--browser``; ``sharded`` is set in a pytest-xdist worker.
    """

    def __init__(self, spec_of: Callable[[str], EngineSpec] = EngineSpec, *, sharded: bool = False) -> None:
        self.spec_of = spec_of
        self.sharded = sharded
        self.topology: Topology | None = None
        self.outcomes: dict[_Key, ProbeOutcome] = {}
        self.unavailable: dict[str, EngineUnavailable] = {}
        self.unusable: dict[tuple[str, str], str] = {}
        """Scenarios whose app cannot be served, by (file, id): their items fail with this one line."""
        self.engines: list[str] = []
        self.ran = False
        self.shard: ScenarioShard | None = None
        self.run_here: list[_Key] = []
        """The keys of the items this process ran, in order: the outcomes a pytest-xdist worker hands on."""

    def close(self) -> None:
        """Close the engines a sharded run kept, then the servers."""
        try:
            if self.shard is not None:
                self.shard.close()
        finally:
            if self.topology is not None:
                self.topology.close()


class ScenarioFile(pytest.File):
    """A scenario file: one item per scenario, probe and engine; ``state`` is the run's, shared by every file."""

    def __init__(self, *, state: RunState, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.state = state

    def collect(self) -> Iterator[ScenarioItem]:
        try:
            scenarios = read_scenarios(self.path)
        except ScenarioError as error:
            # CollectError shows only its message: the file, scenario, key and expectation, no traceback.
            raise self.CollectError(str(error)) from None
        engines = list(self.config.getoption("browser", None) or ["chromium"])
        for scenario in scenarios:
            for index in range(len(scenario.probes)):
                for engine in engines:
                    yield ScenarioItem.from_parent(
                        self,
                        name=f"{scenario.id}[{index}][{engine}]",
                        scenario=scenario,
                        index=index,
                        engine=engine,
                        state=self.state,
                    )


class ScenarioMismatch(Exception):
    """The outcome did not meet the scenario's expectations (or the engine failed)."""

    def __init__(self, outcome: ProbeOutcome) -> None:
        super().__init__(outcome)
        self.outcome = outcome


class ScenarioItem(pytest.Item):
    """One probe of one scenario in one engine."""

    def __init__(self, *, scenario: Scenario, index: int, engine: str, state: RunState, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.state = state
        self.scenario = scenario
        self.index = index
        self.engine = engine
        self.add_marker(pytest.mark.e2e)

    @property
    def key(self) -> _Key:
        return (self.scenario.file, self.scenario.id, self.index, self.engine)

    def runtest(self) -> None:
        state = self.state
        if state.sharded:
            _run_own(self, state)
        elif not state.ran:
            _run_collected(self.session, state)
        if self.engine in state.unavailable:
            error = state.unavailable[self.engine]
            if self.config.getoption("e2e_require_engines", False):
                pytest.fail(f"{self.engine} could not be started: {error}", pytrace=False)
            pytest.skip(str(error))
        if self.key[:2] in state.unusable:
            pytest.fail(state.unusable[self.key[:2]], pytrace=False)
        outcome = state.outcomes[self.key]
        state.run_here.append(self.key)
        if outcome.verdict is Verdict.INTERRUPTED:  # no verdict on the app, as in the JUnit report
            pytest.skip(str(EngineInterrupted.of(self.engine)))
        if outcome.engine_error is not None or outcome.mismatches:
            raise ScenarioMismatch(outcome)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if not isinstance(excinfo.value, ScenarioMismatch):
            return str(super().repr_failure(excinfo, style))
        return failure_text(excinfo.value.outcome)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.scenario.id}[{self.index}][{self.engine}]: {self.scenario.title}"


def failure_text(outcome: ProbeOutcome) -> str:
    """What a failed scenario item shows: the unmet expectations, then the full result and the header-only verdict."""
    probe = outcome.probe
    lines = [f"{outcome.scenario.file}: [{outcome.scenario.id}] probe {outcome.index}: {outcome.scenario.title}"]
    if outcome.engine_error is not None:
        lines.append(f"ENGINE ERROR: {outcome.engine_error}")
    lines += [f"- {mismatch}" for mismatch in outcome.mismatches]
    if probe.note:
        lines.append(f"note: {probe.note}")
    if outcome.result is not None:
        lines += ["", str(outcome.result)]
    lines.append(f"header-only check: {outcome.baseline.verdict} ({outcome.baseline.detail})")
    if outcome.scenario.source:
        lines.append(f"source: {outcome.scenario.source}")
    return "\n".join(lines)


def _run_collected(session: pytest.Session, state: RunState) -> None:
    """Run every collected scenario in every collected engine, engines side by side, once per pytest session."""
    state.ran = True
    items = [item for item in session.items if isinstance(item, ScenarioItem)]
    scenarios: dict[tuple[str, str], Scenario] = {}
    for item in items:
        scenarios.setdefault((item.scenario.file, item.scenario.id), item.scenario)
        if item.engine not in state.engines:
            state.engines.append(item.engine)
    specs = [state.spec_of(engine) for engine in state.engines]
    state.topology = state.topology or Topology()
    result = run_scenarios(
        list(scenarios.values()), specs, topology=state.topology, launch_args=_launch_args(session), keep_going=True
    )
    state.unavailable.update(result.unavailable)
    state.unusable.update(result.unusable)
    _record(state, result.outcomes)


def _run_own(item: ScenarioItem, state: RunState) -> None:
    """Run the item's scenario in the item's engine, unless it ran already or the engine is not installed."""
    if item.key in state.outcomes or item.engine in state.unavailable or item.key[:2] in state.unusable:
        return
    if item.engine not in state.engines:
        state.engines.append(item.engine)
    if state.shard is None:
        state.topology = state.topology or Topology()
        state.shard = ScenarioShard(state.spec_of, topology=state.topology, launch_args=_launch_args(item.session))
    try:
        _record(state, state.shard.run(item.scenario, item.engine))
    except EngineUnavailable as error:
        state.unavailable[item.engine] = error
    except UsageError as error:  # the scenario's app cannot be served: its items fail, the others run
        state.unusable[item.key[:2]] = str(error)


def _launch_args(session: pytest.Session) -> dict[str, Any]:
    return {"headless": not session.config.getoption("headed", False)}


def _record(state: RunState, outcomes: list[ProbeOutcome]) -> None:
    for outcome in outcomes:
        state.outcomes[(outcome.scenario.file, outcome.scenario.id, outcome.index, outcome.engine)] = outcome
