"""Each engine's CORS console messages: render a check in an engine's own words, and parse pasted console text."""

from __future__ import annotations

from e2ekit._wordings.messages import (
    ENGINE_WORDINGS,
    EngineWording,
    engine_wording,
    parse_console_text,
    render,
    rendered_checks,
    reported_check,
)
from e2ekit._wordings.parsed_message import (
    ENGINES,
    ParsedMessage,
    build_report,
    implied_credentials,
    line_around,
    status_code,
)
from e2ekit._wordings.templates import MessageValues, Template, Wording, find_wordings

__all__ = [
    "ENGINES",
    "ENGINE_WORDINGS",
    "EngineWording",
    "MessageValues",
    "ParsedMessage",
    "Template",
    "Wording",
    "build_report",
    "engine_wording",
    "find_wordings",
    "implied_credentials",
    "line_around",
    "parse_console_text",
    "render",
    "rendered_checks",
    "reported_check",
    "status_code",
]
