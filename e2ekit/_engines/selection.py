"""Engine specs: which engine to run and, optionally, through which backend or executable.

Syntax: ``NAME[:BACKEND | :EXECUTABLE]``, e.g. ``chromium``, ``firefox:webdriver``, ``chromium:/usr/bin/chromium``.
``all`` stands for every engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from e2ekit._engines.base import ENGINE_NAMES

__all__ = ["BACKENDS", "EngineSpec", "EngineSpecError", "parse_engine_specs"]

BACKENDS = ("playwright", "webdriver")


class EngineSpecError(ValueError):
    """An engine was named in a way e2ekit does not understand."""


@dataclass(frozen=True)
class EngineSpec:
    name: str
    backend: str | None = None
    executable: str | None = None

    @classmethod
    def parse(cls, text: str) -> EngineSpec:
        name, colon, rest = text.partition(":")
        if name not in ENGINE_NAMES:
            raise EngineSpecError(
                f'unknown engine "{text}": expected {", ".join(ENGINE_NAMES)} or all, optionally followed by '
                f'":{"|:".join(BACKENDS)}" or ":/path/to/executable"'
            )
        if not colon:
            return cls(name)
        if rest in BACKENDS:
            return cls(name, backend=rest)
        if rest.startswith("/") or rest.startswith("."):
            return cls(name, executable=rest)
        raise EngineSpecError(
            f'engine "{text}": "{rest}" is neither a backend ({", ".join(BACKENDS)}) nor a path to an executable'
        )

    def __str__(self) -> str:
        suffix = self.backend or self.executable
        return f"{self.name}:{suffix}" if suffix else self.name


def parse_engine_specs(texts: list[str] | tuple[str, ...]) -> list[EngineSpec]:
    """Parse repeated engine options, expanding ``all``; duplicates of a name are an error."""
    specs: list[EngineSpec] = []
    for text in texts:
        specs += [EngineSpec(name) for name in ENGINE_NAMES] if text == "all" else [EngineSpec.parse(text)]
    names = [spec.name for spec in specs]
    for name in names:
        if names.count(name) > 1:
            raise EngineSpecError(f'engine "{name}" is named more than once; name each engine once')
    return specs
