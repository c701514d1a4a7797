"""Typed reads from one TOML table, each failure a ScenarioError in the shape
``<file>: [<scenario>] <key> = <found>: expected <what>``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from e2ekit._errors import ScenarioError

__all__ = ["Fields", "render", "sentence_list"]

_MISSING = object()
_RENDER_LIMIT = 80


def render(value: Any) -> str:
    """A value written as TOML would write it (shortened), so the message shows what the file says."""
    try:
        text = _render(value)
    except RecursionError:  # a value nested hundreds of levels deep: its start says enough
        text = "{ ... }" if isinstance(value, Mapping) else "[ ... ]"
    return text if len(text) <= _RENDER_LIMIT else text[: _RENDER_LIMIT - 3] + "..."


def _render(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{key} = {_render(item)}" for key, item in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_render(item) for item in value) + "]"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def sentence_list(items: Iterable[str], last: str = "or") -> str:
    """``a, b or c``."""
    words = list(items)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


class Fields:
    """Reads keys of ``table``; ``where`` is the bracketed scenario label, ``prefix`` the dotted path of the table."""

    def __init__(self, table: Mapping[str, Any], *, file: str, where: str, prefix: str = "") -> None:
        self.table = table
        self.file = file
        self.where = where
        self.prefix = prefix

    def error(self, key: str, value: Any, expected: str) -> ScenarioError:
        return ScenarioError(f"{self.file}: [{self.where}] {self.prefix}{key} = {render(value)}: expected {expected}")

    def missing(self, key: str, expected: str) -> ScenarioError:
        return ScenarioError(f"{self.file}: [{self.where}] {self.prefix}{key} is missing: expected {expected}")

    def check_keys(self, known: Iterable[str]) -> None:
        """Every key must be one of ``known``: a misspelt key would otherwise be silently ignored."""
        allowed = list(known)
        for key, value in self.table.items():
            if key not in allowed:
                raise self.error(key, value, f"one of the keys {', '.join(allowed)} (unknown key)")

    def _get(self, key: str, expected: str, required: bool) -> Any:
        value = self.table.get(key, _MISSING)
        if value is _MISSING and required:
            raise self.missing(key, expected)
        return value

    def string(self, key: str, *, required: bool = False, expected: str = "a string") -> str | None:
        value = self._get(key, expected, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            raise self.error(key, value, expected)
        return value

    def boolean(self, key: str, default: bool | None = None) -> bool | None:
        value = self.table.get(key, _MISSING)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            raise self.error(key, value, "true or false")
        return value

    def integer(self, key: str, *, low: int, high: int, expected: str) -> int | None:
        value = self.table.get(key, _MISSING)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(key, value, expected)
        return value

    def choice(self, key: str, choices: Iterable[str], default: str | None = None, *, fold: bool = False) -> str | None:
        """One of ``choices``; with ``fold`` the case does not matter and the canonical spelling is returned."""
        options = list(choices)
        expected = sentence_list([json.dumps(option) for option in options])
        value = self.table.get(key, _MISSING)
        if value is _MISSING:
            return default
        if isinstance(value, str):
            for option in options:
                if value == option or (fold and value.lower() == option.lower()):
                    return option
        raise self.error(key, value, expected)

    def string_list(self, key: str, *, expected: str = "a list of strings") -> tuple[str, ...] | None:
        value = self.table.get(key, _MISSING)
        if value is _MISSING:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.error(key, value, expected)
        return tuple(value)

    def subtable(self, key: str, expected: str) -> Mapping[str, Any] | None:
        value = self.table.get(key, _MISSING)
        if value is _MISSING:
            return None
        if not isinstance(value, Mapping):
            raise self.error(key, value, expected)
        return value

    def tables(self, key: str, expected: str) -> list[Mapping[str, Any]]:
        """An array of tables (``[[scenario.probe]]``); empty when absent."""
        value = self.table.get(key, _MISSING)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
            raise self.error(key, value, expected)
        return list(value)

    def nested(self, table: Mapping[str, Any], prefix: str) -> Fields:
        return Fields(table, file=self.file, where=self.where, prefix=f"{self.prefix}{prefix}")
