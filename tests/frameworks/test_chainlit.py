"""Chainlit's server app: the fix names ``allow_origins`` under ``[project]`` in ``.chainlit/config.toml``.

With the Starlette installed here (1.10), CORSMiddleware echoes the request's origin under ``allow_origins=["*"]``
when credentials are allowed, so Chainlit's default config lets every origin through with credentials; the typical
mistake left is an origin written wrong. Chainlit is not installed here, so these tests register a stand-in for
``chainlit.server`` and ``chainlit.config`` built the way Chainlit 2.12's server.py builds its app: a FastAPI app
whose CORSMiddleware takes ``allow_origins=config.project.allow_origins`` and always ``allow_credentials=True``,
``allow_methods=["*"]`` and ``allow_headers=["*"]``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from e2ekit import Session
from e2ekit._frameworks import detect
from e2ekit._standard import Check, Facts, Failure

PAGE = "http://localhost:3000"


ChainlitApp = Callable[[list[str]], FastAPI]


@pytest.fixture
def chainlit_app(monkeypatch: pytest.MonkeyPatch) -> ChainlitApp:
    """Build Chainlit's server app for a config.toml whose ``[project] allow_origins`` is the given list."""

    def build(allow_origins: list[str]) -> FastAPI:
        return _chainlit_server(monkeypatch, allow_origins)

    return build


def _chainlit_server(monkeypatch: pytest.MonkeyPatch, allow_origins: list[str]) -> FastAPI:
    project = SimpleNamespace(allow_origins=allow_origins)
    config: Any = ModuleType("chainlit.config")
    config.config = SimpleNamespace(project=project)
    server: Any = ModuleType("chainlit.server")
    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=project.allow_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    app.get("/project/settings")(lambda: {"ok": True})
    server.app = app
    monkeypatch.setitem(sys.modules, "chainlit", ModuleType("chainlit"))
    monkeypatch.setitem(sys.modules, "chainlit.config", config)
    monkeypatch.setitem(sys.modules, "chainlit.server", server)
    return app


def test_chainlit_allows_a_credentialed_fetch_from_the_listed_page_origin(
    e2e_session: Session, chainlit_app: ChainlitApp
) -> None:
    page, _ = e2e_session.origins()

    result = e2e_session.fetch(chainlit_app([str(page)]), "/project/settings", credentials="include")

    assert result.allowed


def test_chainlit_names_the_allow_origins_entry_of_config_toml_with_a_trailing_slash(
    e2e_session: Session, chainlit_app: ChainlitApp
) -> None:
    page, _ = e2e_session.origins()

    result = e2e_session.fetch(chainlit_app([f"{page}/"]), "/project/settings", credentials="include")

    assert result.blocked
    assert result.explanation is not None
    assert result.explanation.fix == (
        f"list the origin without the trailing slash in allow_origins under [project] in .chainlit/config.toml: "
        f"'{page}', not '{page}/'"
    )


def test_chainlit_origins_are_changed_in_process_and_worded_as_the_config_toml_line(
    chainlit_app: ChainlitApp,
) -> None:
    app = chainlit_app(["http://localhost:3000/"])
    setup = detect(app)
    facts = Facts(origin=PAGE, page_origin=PAGE, credentials="include", status=200)
    [change] = setup.changes(Failure(Check.MISSING_ALLOW_ORIGIN, "no Access-Control-Allow-Origin", facts))

    assert setup.framework.name == "Chainlit"
    assert setup.configuration([change]) == (
        f'set allow_origins = ["{PAGE}"] under [project] in .chainlit/config.toml (it is ["{PAGE}/"])'
    )
    assert setup.apply(change)
    assert detect(app).policy.origins == (PAGE,)
    assert sys.modules["chainlit.config"].config.project.allow_origins == [PAGE]
