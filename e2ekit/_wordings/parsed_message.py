"""What a CORS console message says: one report per message, and the error for text that holds none."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from e2ekit._standard.checks import Check

__all__ = ["ENGINES", "ParsedMessage", "build_report", "implied_credentials", "line_around", "status_code"]

ENGINES = ("chromium", "firefox", "webkit")


@dataclass(frozen=True)
class ParsedMessage:
    """One CORS failure as an engine's console reported it, with the request features the wording implies.

    ``target_url`` is the URL that was blocked (the last one after redirects) and ``page_origin`` the page's
    origin, when the wording names them. ``check`` uses the model's identifiers (``e2ekit._standard.Check``).
    ``allow_origin_value`` is the Access-Control-Allow-Origin value a message quotes; ``quoted_value`` any other
    value it quotes (an Access-Control-Allow-Credentials value, an unparsable token or list, a redirect location,
    an address space). ``raw`` is the message as found, white space folded.
    """

    engine: str
    api: str | None
    target_url: str | None
    redirected_from: str | None
    page_origin: str | None
    preflight: bool
    check: Check
    credentials: str | None
    method: str | None
    header: str | None
    status: int | None
    allow_origin_value: str | None
    quoted_value: str | None
    raw: str


def implied_credentials(check: Check) -> str | None:
    """ "include" for the checks that only fail when the request includes credentials."""
    failure = check.value.split(".", 1)[1]
    return "include" if failure in ("wildcard-with-credentials", "credentials-not-true") else None


def line_around(text: str, start: int, end: int) -> str:
    """The text from ``start`` to the end of the line where ``end`` falls, white space folded: a message's raw form."""
    line_end = text.find("\n", end)
    return " ".join(text[start : len(text) if line_end == -1 else line_end].split())


def status_code(text: str | None) -> int | None:
    """A status code group as an int; Firefox prints "(null)" when there was no response."""
    return int(text) if text is not None and re.fullmatch(r"\d+", text) else None


def build_report(
    engine: str, check: Check, groups: Mapping[str, str | None], *, api: str | None, preflight: bool, raw: str
) -> ParsedMessage:
    """A report from the fields a wording's pattern captured; a message about a preflight check is one."""

    def value(name: str) -> str | None:
        found = groups.get(name)
        return None if found is None else found.strip()

    return ParsedMessage(
        engine=engine,
        api=api,
        target_url=value("url"),
        redirected_from=value("redirected_from"),
        page_origin=value("origin"),
        preflight=preflight or check.value.startswith("preflight."),
        check=check,
        credentials=implied_credentials(check),
        method=value("method"),
        header=value("header"),
        status=status_code(value("status")),
        allow_origin_value=value("allow_origin_value"),
        quoted_value=value("quoted_value"),
        raw=raw,
    )
