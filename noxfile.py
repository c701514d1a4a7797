"""Sessions: ``tests`` (the test suite) and ``e2e`` (the scenario corpus in every available engine)."""

from __future__ import annotations

import os

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True


def install(session: nox.Session, *extras: str) -> None:
    """Install e2ekit into the session, then the browsers it drives when any is missing."""
    session.install("-e", f".[{','.join(extras)}]" if extras else ".")
    session.run("e2ekit", "install-browsers", "--if-missing")


def engine_args(posargs: list[str]) -> list[str]:
    """Every engine unless the arguments choose some (``-- --browser firefox``); on CI a missing one fails."""
    chosen = any(arg.startswith(("--browser", "--e2e-engine")) for arg in posargs)
    return [*([] if chosen else ["--e2e-engine", "all"]), *(["--e2e-require-engines"] if os.environ.get("CI") else [])]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite; browser tests run in every engine."""
    install(session, "test")
    session.run("pytest", *engine_args(session.posargs), *session.posargs)


@nox.session
def e2e(session: nox.Session) -> None:
    """Run the end-to-end browser suite in every available engine."""
    install(session, "test")
    session.run("pytest", "-m", "e2e", *engine_args(session.posargs), *session.posargs)
