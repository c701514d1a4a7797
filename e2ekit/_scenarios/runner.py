"""Run scenarios in several engines: one browser per engine, each scenario in a fresh session.

A scenario's probes run batched, in one page evaluation. Scenarios that share a probe page and whose built-in app
sets no cookie run in groups: one evaluation for the group, each scenario's probes in order, the scenarios side by
side (e2ekit._probing.session.run_batches), so most of a corpus costs a few evaluations of one loaded page. A
scenario with cookies runs alone: its visit sets them in a second tab, and closing its session clears them.
Isolation stays complete: every probe URL is unique (no preflight or HTTP cache carries over), and no scenario
runs beside or after another scenario's cookies.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from e2ekit._engines.selection import EngineSpec
from e2ekit._engines.worker import EngineWorker, StopRequest, launch_engine
from e2ekit._errors import EngineError, EngineInterrupted, EngineUnavailable, UsageError
from e2ekit._phases import SCENARIOS, phase
from e2ekit._probing.origins import Origin
from e2ekit._probing.runs import EngineRun, run_in_engines
from e2ekit._probing.session import FETCH_TIMEOUT, Batch, Session, run_batches
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
    "execution_groups",
    "outcomes_in_order",
    "prepare_scenarios",
    "run_scenarios",
]

LOGIN_PATH = "/login"
GROUP_SIZE = 16
"""Scenarios run side by side in one evaluation at most: a fetch's timeout counts from its start, and the engine
queues fetches beyond its connection limit, so a group stays small enough that none waits long in that queue."""


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
    return with_baselines(_serve_scenarios(scenarios, topology, unusable=unusable))


def _serve_scenarios(
    scenarios: Sequence[Scenario], topology: Topology, *, unusable: dict[tuple[str, str], str] | None
) -> list[PreparedScenario]:
    """``prepare_scenarios`` without the baselines: what can fail, and must, before any browser starts."""
    prepared: list[PreparedScenario] = []
    for scenario in scenarios:
        try:
            prepared.append(_serve(scenario, topology))
        except UsageError as error:
            if unusable is None:
                raise
            unusable[(scenario.file, scenario.id)] = str(error)
    return prepared


def _serve(scenario: Scenario, topology: Topology) -> PreparedScenario:
    wanted = SAME_ORIGIN if scenario.target == SAME_ORIGIN else Origin.parse(scenario.target, what="target origin")
    page, target = topology.origins(Origin.parse(scenario.page, what="page origin"), wanted)
    return PreparedScenario(scenario, page, target, build_app(scenario, str(page)), ())


def with_baselines(served: Sequence[PreparedScenario], timeout: float = FETCH_TIMEOUT) -> list[PreparedScenario]:
    """The scenarios with the header-only verdict of each probe (in-process, a few milliseconds a probe; an app
    that does not answer within ``timeout`` seconds is BLOCKED)."""
    with phase("baselines"):
        return [
            replace(
                item,
                baselines=tuple(
                    baseline_verdict(item.app, item.scenario, probe, item.origin_header, timeout=timeout)
                    for probe in item.scenario.probes
                ),
            )
            for item in served
        ]


def _run_by_engine(
    ready: Callable[[], Sequence[PreparedScenario]],
    specs: Sequence[EngineSpec],
    *,
    topology: Topology,
    launch_args: dict[str, Any] | None = None,
    fetch_timeout: float = FETCH_TIMEOUT,
) -> list[EngineRun[list[ProbeOutcome]]]:
    """Each engine's outcomes (scenario order, then probe order), or the error that kept the engine from starting;
    each engine runs the scenarios ``ready()`` returns once it has started.

    When the run is interrupted (Ctrl-C, SIGTERM), the outcomes obtained stand and every other one is INTERRUPTED.
    """

    def job(new_session: Callable[[], Session]) -> list[ProbeOutcome]:
        prepared = ready()
        by_scenario: dict[int, list[ProbeOutcome]] = {}
        broken: str | None = None
        for group in execution_groups(prepared):
            items = [prepared[position] for position in group]
            sessions = [new_session() for _ in group]
            engine = sessions[0].engine
            if engine.interrupted:  # Ctrl-C: keep what ran, mark the rest
                outcomes = [_interrupted_outcomes(item, engine.name) for item in items]
            elif broken is not None:
                outcomes = [_error_outcomes(item, engine.name, broken) for item in items]
            else:
                with phase(SCENARIOS, engine.name):
                    outcomes, broken = _run_group(items, sessions)
            by_scenario.update(zip(group, outcomes))
        return [outcome for position in range(len(prepared)) for outcome in by_scenario[position]]

    return run_in_engines(specs, job, topology=topology, launch_args=launch_args, fetch_timeout=fetch_timeout)


def execution_groups(prepared: Sequence[PreparedScenario]) -> list[list[int]]:
    """Positions of ``prepared`` in the order to run them, in groups that run side by side in one evaluation.

    A group is up to GROUP_SIZE consecutive scenarios that share a probe page and set no cookie; every other scenario
    is a group of its own. Scenarios are ordered by probe page, those with cookies last, and otherwise keep their
    order. The order and the groups change only cost: every scenario starts from an empty cookie jar and unique
    probe URLs.
    """
    first_seen: dict[tuple[str, bool], int] = {}
    for item in prepared:
        first_seen.setdefault(_page_key(item), len(first_seen))

    def cost_key(position: int) -> tuple[bool, int]:
        item = prepared[position]
        return bool(item.scenario.cookies), first_seen[_page_key(item)]

    groups: list[list[int]] = []
    for position in sorted(range(len(prepared)), key=cost_key):
        item = prepared[position]
        last = groups[-1] if groups else []
        if (
            _sets_no_cookie(item)
            and last
            and len(last) < GROUP_SIZE
            and all(_sets_no_cookie(prepared[p]) and _page_key(prepared[p]) == _page_key(item) for p in last)
        ):
            last.append(position)
        else:
            groups.append([position])
    return groups


def _page_key(item: PreparedScenario) -> tuple[str, bool]:
    return str(item.page), item.scenario.opaque_page


def _sets_no_cookie(item: PreparedScenario) -> bool:
    """Whether the scenario certainly sets no cookie: its app is the built-in one, which sets cookies only in the
    visit to /login, and only those the scenario declares (e2ekit._scenarios.routes). A scenario's own app may set
    any."""
    return not item.scenario.cookies and item.scenario.app is None


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
    fetch_timeout: float = FETCH_TIMEOUT,
) -> ScenarioRun:
    """Run every probe of every scenario in every engine, engines side by side: the one entry point the CLI, the
    pytest plugin and the benchmarks share.

    A scenario whose app cannot be served raises UsageError before any browser starts, or with ``keep_going`` is
    left out and named in ``ScenarioRun.unusable`` (the pytest plugin fails just its items). ``fetch_timeout``: the
    seconds each fetch (and the header-only check's request) may take.
    """
    unusable: dict[tuple[str, str], str] = {}
    served = _serve_scenarios(scenarios, topology, unusable=unusable if keep_going else None)
    # The header-only baselines (in-process, ~0.3 s for the corpus) are computed while the browsers start.
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="e2ekit-baselines") as pool:
        baselines = pool.submit(with_baselines, served, fetch_timeout)
        runs = _run_by_engine(
            baselines.result, specs, topology=topology, launch_args=launch_args, fetch_timeout=fetch_timeout
        )
        prepared = baselines.result()
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
        elif isinstance(run.error, EngineInterrupted):
            by_engine.append([outcome for item in prepared for outcome in _interrupted_outcomes(item, run.spec.name)])
        else:
            message = f"{run.spec} could not be started: {run.error}"
            by_engine.append(
                [
                    ProbeOutcome(item.scenario, index, run.spec.name, None, baseline, (), engine_error=message)
                    for item in prepared
                    for index, baseline in enumerate(item.baselines)
                ]
            )
    return [outcome for row in zip(*by_engine) for outcome in row]


def _run_group(
    items: Sequence[PreparedScenario], sessions: Sequence[Session]
) -> tuple[list[list[ProbeOutcome]], str | None]:
    """The outcomes of a group of scenarios (execution_groups), each in its session, and an error text if cookies
    could not be cleared.

    run_in_engines closes every session again when the job ends, so an unexpected exception leaks nothing.
    """
    engine = sessions[0].engine.name
    try:
        for item, session in zip(items, sessions):
            if item.scenario.cookies:  # a group of one
                session.visit(item.app, LOGIN_PATH, target_origin=item.target)
        found = run_batches(
            [
                Batch(
                    session,
                    item.app,
                    [probe.probe for probe in item.scenario.probes],
                    page_origin=item.page,
                    target_origin=item.target_argument,
                    opaque_page=item.scenario.opaque_page,
                )
                for item, session in zip(items, sessions)
            ]
        )
    except EngineInterrupted:
        return [_interrupted_outcomes(item, engine) for item in items], None
    except EngineError as error:
        message = f"setting up the scenario failed: {error}"
        return [_error_outcomes(item, engine, message) for item in items], _close(sessions)
    outcomes = [
        [
            ProbeOutcome(
                scenario=item.scenario,
                index=index,
                engine=engine,
                result=result,
                baseline=baseline,
                mismatches=mismatches(probe, result),
                engine_error=result.engine_error,
            )
            for index, (probe, result, baseline) in enumerate(zip(item.scenario.probes, results, item.baselines))
        ]
        for item, results in zip(items, found)
    ]
    return outcomes, _close(sessions)


def _close(sessions: Sequence[Session]) -> str | None:
    broken = None
    for session in sessions:
        try:
            session.close()
        except EngineError as error:
            # Later scenarios would start with this one's cookies: stop trusting the engine rather than mix them.
            broken = broken or f"the cookies of an earlier scenario could not be cleared: {error}"
    return broken


def _interrupted_outcomes(item: PreparedScenario, engine: str) -> list[ProbeOutcome]:
    return [
        ProbeOutcome(item.scenario, index, engine, None, baseline, (), interrupted=True)
        for index, baseline in enumerate(item.baselines)
    ]


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
        [outcomes], broken = _run_group([item], [Session(worker, self._topology)])
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
