"""The corpus scenarios' apps by import string, built for the page origin PAGE_ORIGIN:
``tests.corpus_apps:method_not_allowed_default`` is the app of scenario ``method-not-allowed-default``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from e2ekit._scenarios import Scenario, load_scenarios
from e2ekit._scenarios.app import build_app
from e2ekit._serving.asgi import ASGIApp

PAGE_ORIGIN = "http://localhost:5173"
CORPUS = Path(__file__).parent.parent / "scenarios"


@cache
def scenarios() -> dict[str, Scenario]:
    return {scenario.id: scenario for scenario in load_scenarios([CORPUS])}


def __getattr__(name: str) -> ASGIApp:
    scenario = scenarios().get(name.replace("_", "-"))
    if scenario is None:
        raise AttributeError(name)
    return build_app(scenario, PAGE_ORIGIN)
