"""Exit codes, and the errors that mean "the command was given bad input" (one line, exit 2, no traceback)."""

from __future__ import annotations

from e2ekit._engines.selection import EngineSpecError
from e2ekit._probing.origins import OriginError
from e2ekit._probing.probe import ProbeError
from e2ekit._scenarios.errors import ScenarioError
from e2ekit._serving.apps import AppLoadError
from e2ekit._serving.server import ServerError

__all__ = ["EXIT_ALLOWED", "EXIT_BLOCKED", "EXIT_ENGINE_ERROR", "EXIT_USAGE", "USAGE_ERRORS", "UsageError"]

EXIT_ALLOWED = 0
EXIT_BLOCKED = 1
EXIT_USAGE = 2
EXIT_ENGINE_ERROR = 3


class UsageError(ValueError):
    """A command-line value e2ekit cannot use."""


USAGE_ERRORS: tuple[type[Exception], ...] = (
    UsageError,
    AppLoadError,
    OriginError,
    ProbeError,
    EngineSpecError,
    ServerError,
    ScenarioError,
)
