"""Sessions: ``tests`` (the test suite), ``e2e`` (the scenario corpus in every engine), ``lint`` (ruff, mypy),
``conformance`` (one set of CORS policies across Python web frameworks)."""

from __future__ import annotations

import itertools
import os

import nox

nox.options.sessions = ["tests"]  # what plain `nox` runs
nox.options.reuse_existing_virtualenvs = True


def chosen_engines(posargs: list[str]) -> list[str]:
    """Engine names chosen in the session's arguments (``-- --browser firefox``); empty means all."""
    names = [value for option, value in itertools.pairwise(posargs) if option in ("--browser", "--e2e-engine")]
    names += [arg.split("=", 1)[1] for arg in posargs if arg.startswith(("--browser=", "--e2e-engine="))]
    return [name.split(":", 1)[0] for name in names if name != "all"]


def install(session: nox.Session, *extras: str) -> None:
    """Install e2ekit into the session, then the browsers the run needs when any is missing."""
    session.install("-e", f".[{','.join(extras)}]" if extras else ".")
    session.run("e2ekit", "install-browsers", "--if-missing", *chosen_engines(session.posargs))


def engine_args(posargs: list[str]) -> list[str]:
    """Every engine unless the arguments choose some; on CI a missing engine fails instead of being skipped."""
    every = [] if chosen_engines(posargs) else ["--e2e-engine", "all"]
    return [*every, *(["--e2e-require-engines"] if os.environ.get("CI") else [])]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite; browser tests run in every engine."""
    install(session, "test")
    session.run("pytest", *engine_args(session.posargs), *session.posargs)


@nox.session
def e2e(session: nox.Session) -> None:
    """Run the scenario corpus in every available engine; reports go to e2e-report/."""
    install(session, "geckodriver")
    session.run("pytest", "scenarios", "--e2e-report", "e2e-report", *engine_args(session.posargs), *session.posargs)


@nox.session(default=False)
def conformance(session: nox.Session) -> None:
    """Run the corpus's CORS policies against seven frameworks in every engine; reports go to conformance-report/."""
    install(session, "conformance")
    session.run("python", "-m", "conformance", "--report-dir", "conformance-report", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Lint and format-check with ruff, type-check the package with mypy --strict."""
    session.install("-e", ".[test]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", "e2ekit", *session.posargs)
