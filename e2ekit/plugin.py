"""The pytest plugin: fixtures that run probes in real browsers, one test per engine named with ``--browser``.

It builds on pytest-playwright: ``--browser`` and the ``browser_name`` parametrization choose the engines, and
``browser_type_launch_args`` reaches the Playwright-driven ones (``--headed``, ``--slowmo``, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest

from e2ekit._engines.base import EngineError, EngineUnavailable
from e2ekit._engines.launch import launch_engine
from e2ekit._engines.selection import EngineSpec, EngineSpecError, parse_engine_specs
from e2ekit._engines.worker import EngineWorker
from e2ekit._probing.session import Session
from e2ekit._serving.topology import Topology

__all__ = ["e2e_engine", "e2e_session", "e2e_topology", "new_e2e_session"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("e2ekit", "e2ekit: CORS behaviour in real browsers")
    group.addoption(
        "--e2e-engine",
        action="append",
        default=[],
        metavar="SPEC",
        help="run in this engine too, optionally choosing its backend or executable: NAME[:playwright|:webdriver|:PATH],"
        " e.g. firefox:webdriver or chromium:/usr/bin/chromium; 'all' for every engine. Can be repeated.",
    )
    group.addoption(
        "--e2e-require-engines",
        action="store_true",
        default=False,
        help="fail, instead of skip, the tests of an engine that is not installed (for CI).",
    )


def pytest_configure(config: pytest.Config) -> None:
    try:
        specs = parse_engine_specs(config.getoption("e2e_engine"))
    except EngineSpecError as error:
        raise pytest.UsageError(f"--e2e-engine: {error}") from None
    browsers: list[str] = list(config.getoption("browser", None) or [])
    for spec in specs:
        if spec.name not in browsers:
            browsers.append(spec.name)
    if specs:
        # pytest-playwright parametrizes browser_name from --browser; adding the engines named here makes
        # "--e2e-engine all" mean all three without a competing parametrization.
        config.option.browser = browsers
    config.stash[_SPECS] = {spec.name: spec for spec in specs}
    config.stash[_WORKERS] = {}
    config.addinivalue_line("markers", "e2e: a test that runs probes in real browsers")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e_engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)


_SPECS = pytest.StashKey[dict[str, EngineSpec]]()
_WORKERS = pytest.StashKey[dict[str, EngineWorker | EngineError]]()


@pytest.fixture(scope="session")
def e2e_topology() -> Iterator[Topology]:
    """The loopback servers of this test run (page and target origins), started on demand and stopped at the end."""
    with Topology() as topology:
        yield topology


@pytest.fixture(scope="session")
def e2e_engine(
    request: pytest.FixtureRequest, browser_name: str, browser_type_launch_args: dict[str, Any]
) -> Iterator[EngineWorker]:
    """The browser engine named by ``browser_name``, launched once per run; skipped if it is not installed."""
    workers = request.config.stash[_WORKERS]
    if browser_name not in workers:
        spec = request.config.stash[_SPECS].get(browser_name, EngineSpec(browser_name))
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


_SESSIONS = pytest.StashKey[list[Session]]()


@pytest.fixture
def new_e2e_session(
    request: pytest.FixtureRequest, e2e_engine: EngineWorker, e2e_topology: Topology
) -> Iterator[Callable[[], Session]]:
    """Factory for isolated browsing sessions in the test's engine, each with an empty cookie jar."""
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
    return report


# Scenario files (scenarios/*.toml) become test items; their hooks live with the scenario runner.
pytest_plugins = ["e2ekit._scenarios.pytest_items"]
