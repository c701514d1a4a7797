"""The engines whose console wording is known: one module per engine, all with the same small interface."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from e2ekit._wordings import chromium, firefox, webkit
from e2ekit._wordings.parsed import ENGINES, ConsoleReport
from e2ekit._wordings.templates import MessageValues, Wording

__all__ = ["ENGINE_WORDINGS", "EngineWording", "engine_wording"]


class EngineWording(Protocol):
    """What each engine module provides: its wordings, how to render one, how to find its messages in text."""

    ENGINE: str
    WORDINGS: tuple[Wording, ...]

    def render_message(self, wording: Wording, values: MessageValues) -> str: ...

    def find_reports(self, text: str) -> list[tuple[int, int, ConsoleReport]]: ...


ENGINE_WORDINGS: Mapping[str, EngineWording] = {module.ENGINE: module for module in (chromium, firefox, webkit)}


def engine_wording(engine: str) -> EngineWording:
    """The wording module of ``engine``; raise ValueError naming the known engines otherwise."""
    try:
        return ENGINE_WORDINGS[engine]
    except KeyError:
        raise ValueError(f'engine "{engine}" is unknown: expected one of {", ".join(ENGINES)}') from None
