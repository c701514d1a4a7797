"""Every engine's console messages, both directions: the registry of engine modules (one module per engine, all
with the same small interface), rendering a check in an engine's words, and parsing pasted console text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from e2ekit._errors import ConsoleTextError, NoWordingError
from e2ekit._standard.checks import Check, check_named
from e2ekit._wordings import chromium, firefox, webkit
from e2ekit._wordings.parsed_message import ENGINES, ParsedMessage
from e2ekit._wordings.templates import MessageValues, Wording

__all__ = [
    "ENGINE_WORDINGS",
    "EngineWording",
    "engine_wording",
    "parse_console_text",
    "render",
    "rendered_checks",
    "reported_check",
]


class EngineWording(Protocol):
    """What each engine module provides: its wordings, how to render one, how to find its messages in text."""

    ENGINE: str
    WORDINGS: tuple[Wording, ...]

    def render_message(self, wording: Wording, values: MessageValues) -> str: ...

    def find_reports(self, text: str) -> list[tuple[int, int, ParsedMessage]]: ...


ENGINE_WORDINGS: Mapping[str, EngineWording] = {module.ENGINE: module for module in (chromium, firefox, webkit)}


def engine_wording(engine: str) -> EngineWording:
    """The wording module of ``engine``; raise ValueError naming the known engines otherwise."""
    try:
        return ENGINE_WORDINGS[engine]
    except KeyError:
        raise ValueError(f'engine "{engine}" is unknown: expected one of {", ".join(ENGINES)}') from None


# WebKit's reason sentences also occur inside Chromium's messages, so WebKit reads only what the others left.
_ORDER = ("chromium", "firefox", "webkit")


def parse_console_text(text: str) -> list[ParsedMessage]:
    """Every CORS message in ``text``, in order of appearance; other lines (network errors, stack traces, the
    browser's "[Error]" prefixes) are passed over. Raise ConsoleTextError when there is none."""
    found: list[tuple[int, ParsedMessage]] = []
    unread = text
    for engine in _ORDER:
        for start, end, report in ENGINE_WORDINGS[engine].find_reports(unread):
            found.append((start, report))
            unread = unread[:start] + " " * (end - start) + unread[end:]
    if not found:
        raise ConsoleTextError(text)
    return [report for _, report in sorted(found, key=lambda item: item[0])]


def _wording(check: str, engine: str) -> Wording | None:
    wanted = check_named(check)
    module = engine_wording(engine)
    return next((w for w in module.WORDINGS if w.check is wanted and not w.parse_only), None)


def rendered_checks(engine: str) -> tuple[Check, ...]:
    """The checks ``engine`` has a console wording for, in the order of the Check registry."""
    module = engine_wording(engine)
    worded = {wording.check for wording in module.WORDINGS if not wording.parse_only}
    return tuple(check for check in Check if check in worded)


def reported_check(check: str, engine: str) -> Check | None:
    """The check a parser reads back from ``engine``'s message for ``check``: ``check`` itself where the engine
    words it distinctly, the shared one where it does not, None where the engine has no wording."""
    wording = _wording(check, engine)
    return None if wording is None else wording.reads_as


def render(
    check: str,
    engine: str,
    *,
    url: str,
    origin: str,
    api: str = "fetch",
    redirected_from: str | None = None,
    method: str | None = None,
    header: str | None = None,
    status: int | None = None,
    allow_origin_value: str | None = None,
    quoted_value: str | None = None,
) -> str:
    """The message ``engine`` prints when a ``fetch()`` (or ``api="xhr"``) from ``origin`` to ``url`` fails ``check``.

    Pass the values the wording quotes: ``method``, ``header``, ``status``, ``allow_origin_value`` (the
    Access-Control-Allow-Origin seen) or ``quoted_value`` (another quoted value); a missing one raises ValueError
    naming it. Raise NoWordingError when the engine has no message for ``check``.
    """
    wording = _wording(check, engine)
    if wording is None:
        raise NoWordingError(
            f"{engine} prints no message of its own for {check}; it words {', '.join(rendered_checks(engine))}"
        )
    values = MessageValues(url, origin, api, redirected_from, method, header, status, allow_origin_value, quoted_value)
    return engine_wording(engine).render_message(wording, values)
