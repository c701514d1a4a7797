"""The conformance run: every pure CORS policy of the corpus, in every framework, in every engine.

A scenario is pure when its app is only a ``[scenario.cors]`` policy (no ``layers``, no ``app``). Each is prepared
once: its origins are chosen, its policy made explicit, and one app built per framework; then every engine runs all
of them, engines side by side, each (scenario, framework) in a fresh session of its own (its cookies are cleared
before the next framework's turn). Scenarios sharing a page origin run one after another, so a page loads once.

``python -m conformance`` (or ``nox -s conformance``) runs it and writes the reports.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from conformance.apps import FRAMEWORKS, REFERENCE, Built, CannotExpress, Framework, framework_named
from conformance.policy import Policy
from conformance.records import (
    CANNOT_EXPRESS,
    ENGINE_ERROR,
    NOT_SERVABLE,
    REFUSED,
    Record,
    record_of,
    unmeasured_record,
)
from e2ekit import (
    SAME_ORIGIN,
    AppLoadError,
    EngineError,
    EngineSpec,
    EngineSpecError,
    EngineUnavailable,
    Origin,
    Scenario,
    ScenarioError,
    Session,
    Topology,
    load_scenarios,
    run_in_engines,
)
from e2ekit._engines.selection import parse_engine_specs

__all__ = ["Case", "Conformance", "Unbuilt", "main", "pure_scenarios", "run_conformance"]

CORPUS = Path(__file__).resolve().parent.parent / "scenarios"
LOGIN_PATH = "/login"
MEASURED_PACKAGES = ("e2ekit", "uvicorn")
"""Distributions reported beside the frameworks' own: the kit and the server it serves ASGI apps with."""


@dataclass(frozen=True)
class Unbuilt:
    """Why a framework has no app for a policy: CANNOT EXPRESS, REFUSED or NOT SERVABLE YET, and the reason."""

    verdict: str
    note: str


@dataclass(frozen=True)
class Case:
    """A scenario ready to run: concrete origins, the explicit policy, and each framework's app (or why none)."""

    scenario: Scenario
    page: Origin
    target: Origin
    policy: Policy
    apps: dict[str, Built | Unbuilt]

    @property
    def origin_header(self) -> str:
        """What the browser sends as Origin: "null" from an opaque page."""
        return "null" if self.scenario.opaque_page else str(self.page)

    @property
    def target_argument(self) -> str:
        return SAME_ORIGIN if self.scenario.target == SAME_ORIGIN else str(self.target)


@dataclass
class Conformance:
    """Everything a run measured, and what the reports need to show it."""

    cases: list[Case]
    frameworks: list[Framework]
    engines: dict[str, str]
    """The engines that ran, in run order, each with its version and backend ("156.0.8078.108 (playwright)")."""
    records: list[Record]
    versions: dict[str, str]
    unavailable: dict[str, str] = field(default_factory=dict)
    """Engines not installed here, with the command that installs them."""
    seconds: float = 0.0
    measured_at: str = ""
    """When the run started (UTC, ISO 8601)."""


def pure_scenarios(scenarios: Sequence[Scenario]) -> list[Scenario]:
    """The scenarios whose app is a CORS policy and nothing else."""
    return [
        scenario for scenario in scenarios if scenario.cors is not None and not scenario.layers and not scenario.app
    ]


def run_conformance(
    scenarios: Sequence[Scenario],
    frameworks: Sequence[Framework],
    specs: Sequence[EngineSpec],
    *,
    topology: Topology,
) -> Conformance:
    """Run every probe of every scenario for every framework in every engine; engines side by side."""
    started = time.monotonic()
    measured_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    cases = prepare_cases(scenarios, frameworks, topology)
    engines: dict[str, str] = {}

    def job(new_session: Callable[[], Session]) -> list[Record]:
        records: list[Record] = []
        for case in _execution_order(cases):
            for framework in frameworks:
                session = new_session()
                info = session.engine.info
                engines.setdefault(info.name, f"{info.version} ({info.backend})")
                try:
                    records += _run_case(case, framework, session)
                finally:
                    session.close()  # clears the cookies the framework's /login set before the next one runs
        return records

    runs = run_in_engines(specs, job, topology=topology)
    unavailable = {run.spec.name: str(run.error) for run in runs if isinstance(run.error, EngineUnavailable)}
    records: list[Record] = []
    for run in runs:
        if run.value is not None:
            records += run.value
        elif run.spec.name not in unavailable:
            note = f"{run.spec} could not be started: {run.error}"
            records += _unmeasured(cases, frameworks, run.spec.name, ENGINE_ERROR, note)
    order = {case.scenario.id: position for position, case in enumerate(cases)}
    names = [framework.key for framework in frameworks]
    engine_order = [spec.name for spec in specs]
    records.sort(key=lambda r: (order[r.scenario], r.probe, names.index(r.framework), engine_order.index(r.engine)))
    return Conformance(
        cases=cases,
        frameworks=list(frameworks),
        engines={spec.name: engines.get(spec.name, "did not start") for spec in specs if spec.name not in unavailable},
        records=records,
        versions=measured_versions(frameworks),
        unavailable=unavailable,
        seconds=time.monotonic() - started,
        measured_at=measured_at,
    )


def prepare_cases(scenarios: Sequence[Scenario], frameworks: Sequence[Framework], topology: Topology) -> list[Case]:
    """Choose each scenario's origins, make its policy explicit and build each framework's app for it."""
    cases = []
    for scenario in scenarios:
        assert scenario.cors is not None
        wanted = SAME_ORIGIN if scenario.target == SAME_ORIGIN else Origin.parse(scenario.target, what="target origin")
        page, target = topology.origins(Origin.parse(scenario.page, what="page origin"), wanted)
        policy = Policy.from_scenario(scenario.cors, str(page))
        apps = {framework.key: _built(framework, policy, scenario, topology) for framework in frameworks}
        cases.append(Case(scenario, page, target, policy, apps))
    return cases


def _built(framework: Framework, policy: Policy, scenario: Scenario, topology: Topology) -> Built | Unbuilt:
    try:
        built = framework.build(policy, scenario.cookies)
    except CannotExpress as error:
        return Unbuilt(CANNOT_EXPRESS, str(error))
    except (ValueError, TypeError) as error:  # the CORS package refused the configuration itself
        return Unbuilt(REFUSED, f"{type(error).__name__}: {error}")
    try:
        topology.app(built.app)  # how e2ekit serves it (WSGI through a2wsgi, aiohttp by its own server)
    except AppLoadError as error:
        return Unbuilt(NOT_SERVABLE, str(error))
    return built


def _run_case(case: Case, framework: Framework, session: Session) -> list[Record]:
    scenario = case.scenario
    engine = session.engine.info.name
    built = case.apps[framework.key]
    if isinstance(built, Unbuilt):
        return _unmeasured([case], [framework], engine, built.verdict, built.note)
    try:
        if scenario.cookies:
            session.visit(built.app, LOGIN_PATH, target_origin=str(case.target))
        results = session.run(
            built.app,
            [probe.probe for probe in scenario.probes],
            page_origin=str(case.page),
            target_origin=case.target_argument,
            opaque_page=scenario.opaque_page,
        )
    except EngineError as error:
        return _unmeasured([case], [framework], engine, ENGINE_ERROR, str(error))
    return [record_of(scenario.id, index, framework.key, result) for index, result in enumerate(results)]


def _unmeasured(
    cases: Sequence[Case], frameworks: Sequence[Framework], engine: str, verdict: str, note: str
) -> list[Record]:
    return [
        unmeasured_record(case.scenario.id, index, framework.key, engine, verdict, note)
        for case in cases
        for framework in frameworks
        for index in range(len(case.scenario.probes))
    ]


def _execution_order(cases: Sequence[Case]) -> list[Case]:
    """Cases grouped by page (one page load serves a group), scenarios with cookies last: they load pages anyway."""
    first_seen: dict[tuple[str, bool], int] = {}
    for case in cases:
        first_seen.setdefault((str(case.page), case.scenario.opaque_page), len(first_seen))
    return sorted(
        cases, key=lambda case: (bool(case.scenario.cookies), first_seen[(str(case.page), case.scenario.opaque_page)])
    )


def measured_versions(frameworks: Sequence[Framework]) -> dict[str, str]:
    """The installed version of every package measured: the frameworks' and their CORS packages', and the kit's."""
    names = [*dict.fromkeys(name for framework in frameworks for name in framework.packages), *MEASURED_PACKAGES]
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def quiet_expected_errors() -> None:
    """``/error`` raises on purpose; the frameworks that log the traceback would bury the table under them."""
    for name in ("conformance.apps", "aiohttp.server", "aiohttp.web", "quart.app", "django.request"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m conformance",
        description="Run the corpus's CORS policies against seven web frameworks in real browsers, and report where "
        "the frameworks' answers differ from Starlette's for the same policy.",
    )
    parser.add_argument(
        "--browser",
        action="append",
        default=[],
        metavar="SPEC",
        help="engine to run (repeatable): chromium, firefox, webkit, optionally NAME:BACKEND or NAME:PATH; "
        "default: all",
    )
    parser.add_argument(
        "--framework",
        action="append",
        default=[],
        metavar="NAME",
        help=f"framework to run (repeatable; {REFERENCE} always runs, as the reference): "
        + ", ".join(framework.key for framework in FRAMEWORKS),
    )
    parser.add_argument(
        "-k",
        dest="patterns",
        action="append",
        default=[],
        metavar="TEXT",
        help="run only the scenarios whose id contains TEXT (repeatable)",
    )
    parser.add_argument(
        "--scenarios", default=str(CORPUS), metavar="DIR", help="the scenario corpus (default: %(default)s)"
    )
    parser.add_argument(
        "--report-dir", default="conformance-report", metavar="DIR", help="where report.json and report.html go"
    )
    parser.add_argument(
        "--docs", metavar="FILE", help="replace the measured section of this Markdown file (docs/conformance.md)"
    )
    args = parser.parse_args(argv)
    try:
        specs = parse_engine_specs(args.browser or ["all"])
        frameworks = _chosen_frameworks(args.framework)
        scenarios = [
            scenario
            for scenario in pure_scenarios(load_scenarios([args.scenarios]))
            if not args.patterns or any(pattern in scenario.id for pattern in args.patterns)
        ]
    except (EngineSpecError, ScenarioError, ValueError) as error:
        print(f"conformance: {error}", file=sys.stderr)
        return 2
    if not scenarios:
        print(f"conformance: no scenario id contains {' or '.join(map(repr, args.patterns))}", file=sys.stderr)
        return 2
    from conformance.report import render_terminal, update_docs, write_html, write_json

    quiet_expected_errors()
    with Topology() as topology:
        conformance = run_conformance(scenarios, frameworks, specs, topology=topology)
    print(render_terminal(conformance))
    directory = Path(args.report_dir)
    directory.mkdir(parents=True, exist_ok=True)
    write_json(conformance, directory / "report.json")
    write_html(conformance, directory / "report.html")
    print(f"reports: {directory / 'report.json'}, {directory / 'report.html'}")
    if args.docs:
        update_docs(conformance, Path(args.docs))
        print(f"updated the measured section of {args.docs}")
    if not conformance.engines:
        print("conformance: no engine is installed; see `e2ekit browsers`", file=sys.stderr)
        return 3
    return 3 if any(record.verdict == ENGINE_ERROR for record in conformance.records) else 0


def _chosen_frameworks(keys: Sequence[str]) -> list[Framework]:
    if not keys:
        return list(FRAMEWORKS)
    chosen = {REFERENCE, *(framework_named(key).key for key in keys)}
    return [framework for framework in FRAMEWORKS if framework.key in chosen]
