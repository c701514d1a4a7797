"""Message templates that render an engine's wording and parse it back, so both directions share one text.

A template is the engine's sentence with ``{field}`` placeholders. Parsing is lenient where pasting is lossy:
any run of white space matches any other (wrapped lines), and quote characters are optional and interchangeable
(Firefox's ‘ ’ often arrive as ' ' or not at all).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from e2ekit._standard.checks import Check

__all__ = ["MessageValues", "Template", "Wording", "find_wordings"]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_URL = r"[^\s'‘’\"“”]+"
_WORD = r"[^\s'‘’\"“”,]+"
_FIELDS = {
    "url": _URL,
    "redirected_from": _URL,
    "origin": _URL,
    "kind": r"[A-Za-z]+(?:\s[A-Za-z]+)*?",
    "method": _WORD,
    "header": _WORD,
    "status": r"\d+|\(null\)",
    "allow_origin_value": r"[^\n]*?",
    "quoted_value": r"[^\n]*?",
}
_QUOTES = {"'": "[‘’']?", "‘": "[‘’']?", "’": "[‘’']?", '"': '["“”]?'}


def _literal(text: str) -> str:
    parts: list[str] = []
    for char in text:
        if char.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        else:
            parts.append(_QUOTES.get(char) or re.escape(char))
    return "".join(parts)


class Template:
    """One wording with ``{field}`` placeholders; ``regex`` is the lenient pattern that matches it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.fields = tuple(_PLACEHOLDER.findall(text))
        unknown = set(self.fields) - set(_FIELDS)
        if unknown:
            raise ValueError(
                f"template {text!r} uses unknown fields {sorted(unknown)}: expected some of {sorted(_FIELDS)}"
            )
        pieces = _PLACEHOLDER.split(text)
        regex = []
        for index, piece in enumerate(pieces):
            if index % 2 == 0:
                regex.append(_literal(piece))
            elif index == len(pieces) - 2 and not pieces[-1]:
                # A value that ends the message runs to the end of the line.
                regex.append(f"(?P<{piece}>{_FIELDS[piece].replace('*?', '*')})")
            else:
                regex.append(f"(?P<{piece}>{_FIELDS[piece]})")
        self.regex = "".join(regex)

    def render(self, values: Mapping[str, str], *, engine: str, check: str) -> str:
        """The text with its fields filled from ``values``; raise ValueError naming a field that is missing."""
        missing = [name for name in self.fields if name not in values]
        if missing:
            needed = ", ".join(f"{name}=..." for name in missing)
            raise ValueError(f"the {engine} wording of {check} quotes {', '.join(missing)}: pass {needed}")
        return self.text.format_map(values)


@dataclass(frozen=True)
class Wording:
    """How one engine words one check.

    ``reported``: the check a parser reads back, when the engine words ``check`` like another one (WebKit says
    "Origin ... is not allowed" for a missing, invalid or mismatched value alike); such a wording is only rendered.
    ``status``: the engine appends the response's status code. ``preflight_prefix``: Chromium puts "Response to
    preflight request doesn't pass access control check: " before the reason. ``hints``: sentences the engine
    appends for some APIs ("fetch", "xhr"). ``parse_only``: an older or warning wording, recognised but never
    rendered. ``defaults``: field values used when rendering without them (fixed lists the engine prints).
    """

    check: Check
    template: Template
    reported: Check | None = None
    status: bool = False
    preflight_prefix: bool = False
    hints: Mapping[str, str] = field(default_factory=dict)
    parse_only: bool = False
    defaults: Mapping[str, str] = field(default_factory=dict)

    @property
    def reads_as(self) -> Check:
        """The check a parser reports for this wording."""
        return self.reported or self.check


@dataclass(frozen=True)
class MessageValues:
    """The values a message may quote; which ones it needs depends on the engine's wording of the check."""

    url: str
    origin: str
    api: str = "fetch"
    redirected_from: str | None = None
    method: str | None = None
    header: str | None = None
    status: int | None = None
    allow_origin_value: str | None = None
    quoted_value: str | None = None

    def fields(self, defaults: Mapping[str, str]) -> dict[str, str]:
        """The values as template fields: the given ones over ``defaults``."""
        given = {
            "url": self.url,
            "origin": self.origin,
            "redirected_from": self.redirected_from,
            "method": self.method,
            "header": self.header,
            "status": None if self.status is None else str(self.status),
            "allow_origin_value": self.allow_origin_value,
            "quoted_value": self.quoted_value,
        }
        return {**defaults, **{name: value for name, value in given.items() if value is not None}}


def find_wordings(
    text: str, patterns: Sequence[tuple[Wording, re.Pattern[str]]]
) -> list[tuple[re.Match[str], Wording]]:
    """Every non-overlapping match of ``patterns`` in ``text``, in order; the longest wins where two overlap."""
    found = [(match, wording) for wording, pattern in patterns for match in pattern.finditer(text)]
    found.sort(key=lambda item: (item[0].start(), -item[0].end()))
    kept: list[tuple[re.Match[str], Wording]] = []
    for match, wording in found:
        if not kept or match.start() >= kept[-1][0].end():
            kept.append((match, wording))
    return kept
