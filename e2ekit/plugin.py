"""The pytest plugin: fixtures that run probes in real browsers, one test per engine named with ``--browser``, and
scenario files collected as tests.

It builds on pytest-playwright: ``--browser`` and the ``browser_name`` parametrization choose the engines, and
``browser_type_launch_args`` reaches the Playwright-driven ones (``--headed``, ``--slowmo``, ...). The plugin loads
in every pytest run of a project that installs e2ekit, so it imports only pytest until a fixture or a scenario file
is used: the serving, engine and report layers are imported where they are needed.

Under pytest-xdist every worker launches (or connects to) its own engines and serves its own origins; a worker hands
the outcomes of the scenario items it ran to the controller (``workeroutput``, read in ``pytest_testnodedown``),
which writes one set of reports and one matrix for the whole run.
"""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from e2ekit._audit.result import AuditResult
    from e2ekit._engines.selection import EngineSpec
    from e2ekit._engines.worker import EngineWorker
    from e2ekit._errors import EngineError
    from e2ekit._probing.session import Session
    from e2ekit._scenarios.pytest_items import RunState, ScenarioFile
    from e2ekit._serving.topology import Topology

__all__ = ["e2e_audit", "e2e_engine", "e2e_session", "e2e_topology", "new_e2e_session"]

SCENARIOS_DIRECTORY = "scenarios"
SCENARIO_TABLE = re.compile(rb"^\s*\[\[\s*scenario\s*\]\]", re.MULTILINE)
"""A scenario file is a ``*.toml`` file in a directory named ``scenarios`` with at least one ``[[scenario]]`` table:
other TOML files there (a project's settings, fixtures) are not collected."""
WORKER_OUTPUT_KEY = "e2ekit_scenarios"
"""The key under which a pytest-xdist worker hands its scenario outcomes to the controller (pickled: the outcomes
are the kit's own objects, and both sides run the same code)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("e2ekit", "e2ekit: CORS behaviour in real browsers")
    group.addoption(
        "--e2e-engine",
        action="append",
        default=[],
        metavar="SPEC",
        help="run in this engine too, optionally choosing its backend, executable, Playwright server or WebDriver "
        "endpoint: NAME[:playwright|:webdriver|:PATH|:ws://HOST:PORT/|:http://HOST:PORT/], e.g. firefox:webdriver, "
        "chromium:/usr/bin/chromium, chromium:ws://127.0.0.1:3000/ or firefox:http://127.0.0.1:4444/ (a Selenium "
        "Grid, safaridriver, any W3C WebDriver server); 'all' for every engine. Can be repeated; a server or "
        "endpoint named again for the same engine adds one for pytest-xdist workers to share out.",
    )
    group.addoption(
        "--e2e-require-engines",
        action="store_true",
        default=False,
        help="fail, instead of skip, the tests of an engine that is not installed (for CI).",
    )
    group.addoption(
        "--e2e-expose",
        metavar="ADDRESS[:PORT]",
        default=None,
        help="also listen on ADDRESS, an address of this machine, and relay it to the forward proxy that answers for "
        "every origin of the run, so that a remote browser (a Playwright server or a WebDriver endpoint on another "
        "machine) reaches them all; "
        "as E2EKIT_EXPOSE. Off by default: nothing listens beyond loopback.",
    )
    group.addoption(
        "--e2e-report",
        metavar="DIR",
        default=None,
        help="write the reports of the scenario files run (report.json, report.xml, report.html) into DIR.",
    )


_SPECS: pytest.StashKey[dict[str, EngineSpec]] = pytest.StashKey()
_WORKERS: pytest.StashKey[dict[str, EngineWorker | EngineError]] = pytest.StashKey()
_SESSIONS: pytest.StashKey[list[Session]] = pytest.StashKey()
_AUDITS: pytest.StashKey[list[AuditResult]] = pytest.StashKey()
_SCENARIO_RUN: pytest.StashKey[RunState] = pytest.StashKey()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: a test that runs probes in real browsers")
    config.stash[_WORKERS] = {}
    report_dir = config.getoption("e2e_report")
    if report_dir:
        from e2ekit._errors import UsageError
        from e2ekit._reports import check_report_paths

        try:
            check_report_paths(Path(report_dir))
        except UsageError as error:
            raise pytest.UsageError(f"--e2e-report: {error}") from None
    exposed = config.getoption("e2e_expose")
    if exposed:
        _expose(config, exposed)
    texts = config.getoption("e2e_engine")
    if not texts:
        config.stash[_SPECS] = {}
        return
    from e2ekit._engines.selection import parse_engine_specs
    from e2ekit._errors import EngineSpecError

    try:
        specs = parse_engine_specs(texts)
    except EngineSpecError as error:
        raise pytest.UsageError(f"--e2e-engine: {error}") from None
    browsers: list[str] = list(config.getoption("browser", None) or [])
    browsers += [spec.name for spec in specs if spec.name not in browsers]
    # pytest-playwright parametrizes browser_name from --browser; adding the engines named here makes
    # "--e2e-engine all" mean all three without a competing parametrization.
    config.option.browser = browsers
    config.stash[_SPECS] = {spec.name: replace(spec, shard=_worker_number(config)) for spec in specs}


def _expose(config: pytest.Config, text: str) -> None:
    """Set ``E2EKIT_EXPOSE`` for this run (every engine launch reads it there), once the value is known to work."""
    from e2ekit._engines.exposure import EXPOSE_VARIABLE, parse_exposure
    from e2ekit._errors import EngineConfigError

    try:
        parse_exposure(text)
    except EngineConfigError as error:
        raise pytest.UsageError(f"--e2e-expose: {error}") from None
    previous = os.environ.get(EXPOSE_VARIABLE)
    os.environ[EXPOSE_VARIABLE] = text
    config.add_cleanup(lambda: _restore(EXPOSE_VARIABLE, previous))


def _restore(variable: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(variable, None)
    else:
        os.environ[variable] = value


def _worker_number(config: pytest.Config) -> int:
    """This process's number in a pytest-xdist run (worker "gw3" is 3); 0 without xdist."""
    worker_id: str = getattr(config, "workerinput", {}).get("workerid", "gw0")
    return int(worker_id.removeprefix("gw")) if worker_id.removeprefix("gw").isdigit() else 0


def _engine_spec(config: pytest.Config, name: str) -> EngineSpec:
    """The spec of engine ``name`` in this process: as ``--e2e-engine`` gave it, else the bare name."""
    from e2ekit._engines.selection import EngineSpec

    spec = config.stash[_SPECS].get(name)
    return spec if spec is not None else EngineSpec(name, shard=_worker_number(config))


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_SCENARIO_RUN, None)
    if state is not None:
        state.close()


def _run_state(config: pytest.Config) -> RunState:
    from e2ekit._scenarios.pytest_items import RunState

    if _SCENARIO_RUN not in config.stash:
        sharded = hasattr(config, "workerinput")
        config.stash[_SCENARIO_RUN] = RunState(lambda name: _engine_spec(config, name), sharded=sharded)
    return config.stash[_SCENARIO_RUN]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    if file_path.suffix != ".toml" or not _is_scenario_file(file_path, parent.config.rootpath):
        return None
    from e2ekit._scenarios.pytest_items import ScenarioFile

    file: ScenarioFile = ScenarioFile.from_parent(parent, path=file_path, state=_run_state(parent.config))
    return file


def _is_scenario_file(path: Path, root: Path) -> bool:
    try:
        folders = path.relative_to(root).parts[:-1]
    except ValueError:
        folders = (path.parent.name,)
    if SCENARIOS_DIRECTORY not in folders:
        return False
    try:
        return SCENARIO_TABLE.search(path.read_bytes()) is not None
    except OSError:
        return False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e_engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def e2e_topology() -> Iterator[Topology]:
    """The origins of this test run (page and target), answered by the kit's forward proxy until the end of the run."""
    from e2ekit._serving.topology import Topology

    with Topology() as topology:
        yield topology


@pytest.fixture(scope="session")
def e2e_engine(
    request: pytest.FixtureRequest, browser_name: str, browser_type_launch_args: dict[str, Any]
) -> Iterator[EngineWorker]:
    """The browser engine named by ``browser_name``, launched once per run; skipped if it is not installed."""
    from e2ekit._engines.worker import launch_engine
    from e2ekit._errors import EngineError, EngineUnavailable

    workers = request.config.stash[_WORKERS]
    if browser_name not in workers:
        spec = _engine_spec(request.config, browser_name)
        try:
            workers[browser_name] = launch_engine(spec, launch_args=browser_type_launch_args)
        except EngineError as error:
            workers[browser_name] = error
    worker = workers[browser_name]
    if isinstance(worker, EngineError):
        if isinstance(worker, EngineUnavailable) and not request.config.getoption("e2e_require_engines"):
            pytest.skip(str(worker))
        pytest.fail(f"{browser_name} could not be started: {worker}", pytrace=False)
    yield worker
    worker.close()
    del workers[browser_name]


@pytest.fixture
def new_e2e_session(
    request: pytest.FixtureRequest, e2e_engine: EngineWorker, e2e_topology: Topology
) -> Iterator[Callable[[], Session]]:
    """Factory for isolated browsing sessions in the test's engine, each with an empty cookie jar."""
    from e2ekit._probing.session import Session

    sessions = request.node.stash.setdefault(_SESSIONS, [])

    def new_session() -> Session:
        session = Session(e2e_engine, e2e_topology)
        sessions.append(session)
        return session

    yield new_session
    for session in sessions:
        session.close()


@pytest.fixture
def e2e_session(new_e2e_session: Callable[[], Session]) -> Session:
    """A browsing session in the test's engine with an empty cookie jar: ``e2e_session.fetch(app, "/api", ...)``."""
    return new_e2e_session()


@pytest.fixture
def e2e_audit(
    request: pytest.FixtureRequest, e2e_engine: EngineWorker, e2e_topology: Topology
) -> Callable[..., AuditResult]:
    """Audit an app against hostile origins in the test's engine: ``e2e_audit(app, ["https://app.example.com"],
    visits=["/login"]).assert_no_critical()``; a failed test shows the findings."""
    from e2ekit._audit.plan import AuditOptions
    from e2ekit._audit.running import audit_in_engine

    audits = request.node.stash.setdefault(_AUDITS, [])

    def run_audit(app: object, origins: Sequence[str], **options: Any) -> AuditResult:
        result = audit_in_engine(e2e_engine, e2e_topology, app, AuditOptions(origins, **options))
        audits.append(result)
        return result

    return run_audit


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    sessions = item.stash.get(_SESSIONS, [])
    if report.failed and call.when == "call":
        results = [result for session in sessions for result in session.results]
        if results:
            report.sections.append(("e2ekit results", "\n\n".join(str(result) for result in results)))
        for audit in item.stash.get(_AUDITS, []):
            report.sections.append(("e2ekit audit", str(audit)))
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    state = config.stash.get(_SCENARIO_RUN, None)
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the controller writes the reports
        if state is not None and state.run_here:
            outcomes = [state.outcomes[key] for key in state.run_here]
            handed = {"outcomes": outcomes, "engines": state.engines, "unavailable": state.unavailable}
            config.workeroutput[WORKER_OUTPUT_KEY] = pickle.dumps(handed)  # type: ignore[attr-defined]
        return
    directory = config.getoption("e2e_report", None)
    if state is not None and state.outcomes and directory:
        from e2ekit._reports import write_reports

        write_reports(list(state.outcomes.values()), Path(directory))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """On the pytest-xdist controller: take in the scenario outcomes of a worker that finished."""
    handed = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY)
    if handed is None:  # the worker ran no scenario item, or crashed before handing anything on
        return
    received = pickle.loads(handed)
    state = _run_state(node.config)
    order = list(node.config.getoption("browser", None) or [])
    for outcome in received["outcomes"]:
        state.outcomes[(outcome.scenario.file, outcome.scenario.id, outcome.index, outcome.engine)] = outcome
    state.unavailable.update(received["unavailable"])
    engines = {*state.engines, *received["engines"]}
    state.engines = sorted(engines, key=lambda name: order.index(name) if name in order else len(order))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(_SCENARIO_RUN, None)
    if state is None or not state.outcomes:
        return
    from e2ekit._reports import render_matrix

    engines = [engine for engine in state.engines if engine not in state.unavailable]
    terminalreporter.write_sep("=", "e2ekit scenarios")
    outcomes = list(state.outcomes.values())
    terminalreporter.write_line(render_matrix(outcomes, engines, color=bool(terminalreporter.hasmarkup)))
    directory = config.getoption("e2e_report", None)
    if directory:
        terminalreporter.write_line(f"e2ekit: reports written to {directory}")
