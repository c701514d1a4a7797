"""pytest collection of scenario files: each scenario x probe x engine is one test item.

A ``*.toml`` file is collected when a directory named ``scenarios`` holds it (below the rootdir). Engines come from
pytest-playwright's ``--browser`` (default chromium; ``--e2e-engine all`` adds every engine). The first scenario
item to run starts one browser per engine and runs every collected scenario in all of them at once, through the
runner; each item then reports its own outcome. Registered by e2ekit.plugin through ``pytest_plugins``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from e2ekit._engines.base import EngineUnavailable
from e2ekit._engines.selection import EngineSpec, EngineSpecError, parse_engine_specs
from e2ekit._probing.runs import EngineRun
from e2ekit._reports import render_matrix, write_reports
from e2ekit._scenarios.errors import ScenarioError
from e2ekit._scenarios.loader import read_scenarios
from e2ekit._scenarios.model import Scenario
from e2ekit._scenarios.outcome import ProbeOutcome
from e2ekit._scenarios.runner import outcomes_in_order, prepare_scenarios, run_by_engine
from e2ekit._serving.topology import Topology

__all__ = ["ScenarioFile", "ScenarioItem", "pytest_addoption", "pytest_collect_file"]

SCENARIOS_DIRECTORY = "scenarios"

_Key = tuple[str, str, int, str]
"""(file, scenario id, probe index, engine)."""


class _RunState:
    """What the run of this pytest session produced, shared by every scenario item."""

    def __init__(self) -> None:
        self.topology: Topology | None = None
        self.outcomes: dict[_Key, ProbeOutcome] = {}
        self.unavailable: dict[str, EngineUnavailable] = {}
        self.engines: list[str] = []
        self.ran = False


_STATE = pytest.StashKey[_RunState]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("e2ekit", "e2ekit: CORS behaviour in real browsers")
    group.addoption(
        "--e2e-report",
        metavar="DIR",
        default=None,
        help="write the reports of the scenario files run (report.json, report.xml, report.html) into DIR.",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_STATE] = _RunState()


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None and state.topology is not None:
        state.topology.close()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    if file_path.suffix != ".toml" or not _in_scenarios_directory(file_path, parent.config.rootpath):
        return None
    file: ScenarioFile = ScenarioFile.from_parent(parent, path=file_path)
    return file


def _in_scenarios_directory(path: Path, root: Path) -> bool:
    try:
        folders = path.relative_to(root).parts[:-1]
    except ValueError:
        folders = (path.parent.name,)
    return SCENARIOS_DIRECTORY in folders


class ScenarioFile(pytest.File):
    """A scenario file: one item per scenario, probe and engine."""

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
                        self, name=f"{scenario.id}[{index}][{engine}]", scenario=scenario, index=index, engine=engine
                    )


class ScenarioMismatch(Exception):
    """The outcome did not meet the scenario's expectations (or the engine failed)."""

    def __init__(self, outcome: ProbeOutcome) -> None:
        super().__init__(outcome)
        self.outcome = outcome


class ScenarioItem(pytest.Item):
    """One probe of one scenario in one engine."""

    def __init__(self, *, scenario: Scenario, index: int, engine: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.index = index
        self.engine = engine
        self.add_marker(pytest.mark.e2e)

    @property
    def key(self) -> _Key:
        return (self.scenario.file, self.scenario.id, self.index, self.engine)

    def runtest(self) -> None:
        state = self.config.stash[_STATE]
        if not state.ran:
            _run_collected(self.session, state)
        if self.engine in state.unavailable:
            error = state.unavailable[self.engine]
            if self.config.getoption("e2e_require_engines", False):
                pytest.fail(f"{self.engine} could not be started: {error}", pytrace=False)
            pytest.skip(str(error))
        outcome = state.outcomes[self.key]
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
    lines.append(f"header-only check: {'PASS' if outcome.baseline.passed else 'FAIL'} ({outcome.baseline.detail})")
    if outcome.scenario.source:
        lines.append(f"source: {outcome.scenario.source}")
    return "\n".join(lines)


def _run_collected(session: pytest.Session, state: _RunState) -> None:
    """Run every collected scenario in every collected engine, engines side by side, once per pytest session."""
    state.ran = True
    items = [item for item in session.items if isinstance(item, ScenarioItem)]
    scenarios: dict[tuple[str, str], Scenario] = {}
    for item in items:
        scenarios.setdefault((item.scenario.file, item.scenario.id), item.scenario)
        if item.engine not in state.engines:
            state.engines.append(item.engine)
    config = session.config
    try:
        named = {spec.name: spec for spec in parse_engine_specs(config.getoption("e2e_engine", None) or [])}
    except EngineSpecError:  # e2ekit.plugin already turned this into a usage error at configure time
        named = {}
    specs = [named.get(engine, EngineSpec(engine)) for engine in state.engines]
    state.topology = state.topology or Topology()
    prepared = prepare_scenarios(list(scenarios.values()), state.topology)
    launch_args = {"headless": not config.getoption("headed", False)}
    runs = run_by_engine(prepared, specs, topology=state.topology, launch_args=launch_args)
    started: list[EngineRun[list[ProbeOutcome]]] = []
    for run in runs:
        if isinstance(run.error, EngineUnavailable):
            state.unavailable[run.spec.name] = run.error
        else:
            started.append(run)
    for outcome in outcomes_in_order(prepared, started):
        state.outcomes[(outcome.scenario.file, outcome.scenario.id, outcome.index, outcome.engine)] = outcome


def _session_outcomes(config: pytest.Config) -> list[ProbeOutcome]:
    state = config.stash.get(_STATE, None)
    return [] if state is None else list(state.outcomes.values())


def pytest_sessionfinish(session: pytest.Session) -> None:
    directory = session.config.getoption("e2e_report", None)
    outcomes = _session_outcomes(session.config)
    if directory and outcomes:
        write_reports(outcomes, Path(directory))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    outcomes = _session_outcomes(config)
    if not outcomes:
        return
    state = config.stash[_STATE]
    engines = [engine for engine in state.engines if engine not in state.unavailable]
    terminalreporter.write_sep("=", "e2ekit scenarios")
    terminalreporter.write_line(render_matrix(outcomes, engines, color=bool(terminalreporter.hasmarkup)))
    directory = config.getoption("e2e_report", None)
    if directory:
        terminalreporter.write_line(f"e2ekit: reports written to {directory}")
