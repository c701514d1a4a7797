"""Run scenarios in several engines: one browser per engine, scenarios one after another, each in a fresh session.

A scenario's probes run batched, in one page evaluation. Scenarios that share a page origin and set no cookies
run one after another and reuse the loaded page (Session skips a navigation to the document already shown), so
most of a corpus costs one evaluation per scenario. Isolation stays complete: every probe URL is unique (no
preflight or HTTP cache carries over), and closing the session clears the cookies a scenario set.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from e2ekit._engines.selection import EngineSpec
from e2ekit._engines.worker import EngineWorker, StopRequest, launch_engine
from e2ekit._errors import EngineError, EngineInterrupted, EngineUnavailable, UsageError
from e2ekit._probing.origins import Origin
from e2ekit._probing.runs import EngineRun, run_in_engines
from e2ekit._probing.session import Session
from e2ekit._scenarios.app import build_app
from e2ekit._scenarios.baseline import baseline_verdict
from e2ekit._scenarios.model import Scenario
from e2ekit._scenarios.outcome import BaselineVerdict, ProbeOutcome, mismatches
from e2ekit._serving.asgi import ASGIApp
from e2ekit._serving.topology import SAME_ORIGIN, Topology

__all__ = [
    "PreparedScenario",
    "ScenarioRun",
    "ScenarioShard",
    "execution_order",
    "outcomes_in_order",
    "prepare_scenarios",
    "run_by_engine",
    "run_scenarios",
]

LOGIN_PATH = "/login"


@dataclass(frozen=True)
class PreparedScenario:
    """A scenario with its concrete origins (ports chosen), its app and the header-only verdict of each probe."""

    scenario: Scenario
    page: Origin
    target: Origin
    app: ASGIApp
    baselines: tuple[BaselineVerdict, ...]

    @property
    def target_argument(self) -> str | Origin:
        # The Origin itself, not its string: a loopback origin on its scheme's default port would read back as "pick
        # a port".
        return SAME_ORIGIN if self.scenario.target == SAME_ORIGIN else self.target

    @property
    def origin_header(self) -> str:
        """What the browser sends as Origin: "null" from an opaque page."""
        return "null" if self.scenario.opaque_page else str(self.page)


def prepare_scenarios(
    scenarios: Sequence[Scenario], topology: Topology, *, unusable: dict[tuple[str, str], str] | None = None
) -> list[PreparedScenario]:
    """Start the servers, build each app with the page origin substituted, and compute the header-only baselines.

    A scenario whose app cannot be served (it does not import, its port is taken) raises UsageError, or, when
    ``unusable`` is given, is left out and recorded there by (file, id) with the one-line reason.
    """
    prepared: list[PreparedScenario] = []
    for scenario in scenarios:
        try:
            prepared.append(_prepare(scenario, topology))
        except UsageError as error:
            if unusable is None:
                raise
            unusable[(scenario.file, scenario.id)] = str(error)
    return prepared


def _prepare(scenario: Scenario, topology: Topology) -> PreparedScenario:
    wanted = SAME_ORIGIN if scenario.target == SAME_ORIGIN else Origin.parse(scenario.target, what="target origin")
    page, target = topology.origins(Origin.parse(scenario.page, what="page origin"), wanted)
    app = build_app(scenario, str(page))
    item = PreparedScenario(scenario, page, target, app, ())
    baselines = tuple(baseline_verdict(app, scenario, probe, item.origin_header) for probe in scenario.probes)
    return replace(item, baselines=baselines)


def run_by_engine(
    prepared: Sequence[PreparedScenario],
    specs: Sequence[EngineSpec],
    *,
    topology: Topology,
    launch_args: dict[str, Any] | None = None,
) -> list[EngineRun[list[ProbeOutcome]]]:
    """Each engine's outcomes (scenario order, then probe order), or the error that kept the engine from starting.

    When the run is interrupted (Ctrl-C, SIGTERM), the outcomes obtained stand and every other one carries the
    EngineInterrupted message as its engine error.
    """

    def job(new_session: Callable[[], Session]) -> list[ProbeOutcome]:
        by_scenario: dict[int, list[ProbeOutcome]] = {}
        broken: str | None = None
        for position in execution_order(prepared):
            item = prepared[position]
            session = new_session()
            if session.engine.interrupted:  # Ctrl-C: keep what ran, mark the rest
                broken = str(EngineInterrupted.of(session.engine.name))
            if broken is not None:
                by_scenario[position] = _error_outcomes(item, session.engine.name, broken)
                continue
            by_scenario[position], broken = _run_scenario(item, session)
        return [outcome for position in range(len(prepared)) for outcome in by_scenario[position]]

    return run_in_engines(specs, job, topology=topology, launch_args=launch_args)


def execution_order(prepared: Sequence[PreparedScenario]) -> list[int]:
    """Positions of ``prepared`` in the order to run them: grouped by probe page, scenarios with cookies last.

    Scenarios without cookies that share a page document run one after another, so the engine loads that page
    once; a scenario with cookies needs its own visit and page load anyway (and its cookies are cleared after it).
    The order changes only cost: every scenario starts from an empty cookie jar and unique probe URLs.
    """
    first_seen: dict[tuple[str, bool], int] = {}
    for item in prepared:
        first_seen.setdefault((str(item.page), item.scenario.opaque_page), len(first_seen))

    def cost_key(position: int) -> tuple[bool, int]:
        item = prepared[position]
        return bool(item.scenario.cookies), first_seen[(str(item.page), item.scenario.opaque_page)]

    return sorted(range(len(prepared)), key=cost_key)


@dataclass(frozen=True)
class ScenarioRun:
    """What running scenarios gave: the outcomes of the engines that started, and the engines that are not installed."""

    outcomes: list[ProbeOutcome]
    """Ordered by scenario, probe, then engine; an engine that failed to start has error outcomes."""
    engines: list[str]
    """The engines that ran (or failed), in the order of the specs; unavailable ones are left out."""
    unavailable: dict[str, EngineUnavailable]
    """Engines that are not installed here, by name, with the error that names their install command."""
    unusable: dict[tuple[str, str], str] = field(default_factory=dict)
    """Scenarios left out because their app cannot be served, by (file, id), with the reason (``keep_going``)."""


def run_scenarios(
    scenarios: Sequence[Scenario],
    specs: Sequence[EngineSpec],
    *,
    topology: Topology,
    launch_args: dict[str, Any] | None = None,
    keep_going: bool = False,
) -> ScenarioRun:
    """Run every probe of every scenario in every engine, engines side by side: the one entry point the CLI, the
    pytest plugin and the benchmarks share.

    A scenario whose app cannot be served raises UsageError before any browser starts, or with ``keep_going`` is
    left out and named in ``ScenarioRun.unusable`` (the pytest plugin fails just its items).
    """
    unusable: dict[tuple[str, str], str] = {}
    prepared = prepare_scenarios(scenarios, topology, unusable=unusable if keep_going else None)
    runs = run_by_engine(prepared, specs, topology=topology, launch_args=launch_args)
    unavailable = {run.spec.name: run.error for run in runs if isinstance(run.error, EngineUnavailable)}
    started = [run for run in runs if run.spec.name not in unavailable]
    engines = [run.spec.name for run in started]
    return ScenarioRun(outcomes_in_order(prepared, started), engines, unavailable, unusable)


def outcomes_in_order(
    prepared: Sequence[PreparedScenario], runs: Sequence[EngineRun[list[ProbeOutcome]]]
) -> list[ProbeOutcome]:
    """Interleave the engines' outcomes: scenario, probe, engine; an engine that did not start gets error outcomes."""
    by_engine: list[list[ProbeOutcome]] = []
    for run in runs:
        if run.value is not None:
            by_engine.append(run.value)
        else:
            interrupted = isinstance(run.error, EngineInterrupted)
            message = str(run.error) if interrupted else f"{run.spec} could not be started: {run.error}"
            by_engine.append(
                [
                    ProbeOutcome(item.scenario, index, run.spec.name, None, baseline, (), engine_error=message)
                    for item in prepared
                    for index, baseline in enumerate(item.baselines)
                ]
            )
    return [outcome for row in zip(*by_engine) for outcome in row]


def _run_scenario(item: PreparedScenario, session: Session) -> tuple[list[ProbeOutcome], str | None]:
    """The scenario's outcomes in the session's engine, and an error text if its cookies could not be cleared.

    run_in_engines closes every session again when the job ends, so an unexpected exception leaks nothing.
    """
    scenario = item.scenario
    engine = session.engine.name
    try:
        if scenario.cookies:
            session.visit(item.app, LOGIN_PATH, target_origin=item.target)
        results = session.run(
            item.app,
            [probe.probe for probe in scenario.probes],
            page_origin=item.page,
            target_origin=item.target_argument,
            opaque_page=scenario.opaque_page,
        )
    except EngineInterrupted as error:
        return _error_outcomes(item, engine, str(error)), None
    except EngineError as error:
        return _error_outcomes(item, engine, f"setting up the scenario failed: {error}"), _close(session)
    outcomes = [
        ProbeOutcome(
            scenario=scenario,
            index=index,
            engine=engine,
            result=result,
            baseline=baseline,
            mismatches=mismatches(probe, result),
            engine_error=result.engine_error,
        )
        for index, (probe, result, baseline) in enumerate(zip(scenario.probes, results, item.baselines))
    ]
    return outcomes, _close(session)


def _close(session: Session) -> str | None:
    try:
        session.close()
    except EngineError as error:
        # Later scenarios would start with this one's cookies: stop trusting the engine rather than mix them.
        return f"the cookies of an earlier scenario could not be cleared: {error}"
    return None


def _error_outcomes(item: PreparedScenario, engine: str, message: str) -> list[ProbeOutcome]:
    return [
        ProbeOutcome(item.scenario, index, engine, None, baseline, (), engine_error=message)
        for index, baseline in enumerate(item.baselines)
    ]


class ScenarioShard:
    """Scenarios run as one process of a sharded run receives them (a pytest-xdist worker gets its tests a few at a
    time, and never knows them all in advance): each scenario in one engine per call, each engine launched on first
    use and kept until ``close()``.

    A scenario runs whole (every probe, in order, in one session) whichever of its tests comes first, as
    ``run_scenarios`` runs it: its outcomes are the same as in a run of one process.
    """

    def __init__(
        self,
        spec_of: Callable[[str], EngineSpec],
        *,
        topology: Topology,
        launch_args: dict[str, Any] | None = None,
    ) -> None:
        self._spec_of = spec_of
        self._topology = topology
        self._launch_args = launch_args
        self._stop = StopRequest()
        self._engines: dict[str, EngineWorker | str] = {}
        """Launched engines, or why one is unusable (it did not start; an earlier scenario's cookies stayed)."""
        self._prepared: dict[tuple[str, str], PreparedScenario] = {}

    def run(self, scenario: Scenario, engine: str) -> list[ProbeOutcome]:
        """Every probe's outcome of ``scenario`` in ``engine``; EngineUnavailable if the engine is not installed."""
        key = (scenario.file, scenario.id)
        if key not in self._prepared:
            self._prepared[key] = prepare_scenarios([scenario], self._topology)[0]
        item = self._prepared[key]
        worker = self._engine(engine)
        if isinstance(worker, str):
            return _error_outcomes(item, engine, worker)
        outcomes, broken = _run_scenario(item, Session(worker, self._topology))
        if broken is not None:  # later scenarios would start with this one's cookies
            self._engines[engine] = broken
        return outcomes

    def _engine(self, name: str) -> EngineWorker | str:
        if name not in self._engines:
            spec = self._spec_of(name)
            try:
                self._engines[name] = launch_engine(spec, launch_args=self._launch_args, stop=self._stop)
            except EngineUnavailable:
                raise
            except EngineError as error:
                self._engines[name] = f"{spec} could not be started: {error}"
        return self._engines[name]

    def close(self) -> None:
        """Close every engine this shard launched."""
        engines, self._engines = self._engines, {}
        for worker in engines.values():
            if isinstance(worker, EngineWorker):
                worker.close()
