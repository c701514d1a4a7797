"""Every error e2ekit raises, in one tree under E2ekitError; a caller (and the CLI's exit code) needs only the branch.

E2ekitError
├── UsageError (ValueError): a value given to e2ekit cannot be used; the CLI exits 2
│   ├── OriginError        an origin string
│   ├── ProbeError         a probe fetch() would refuse
│   ├── AppLoadError       an app (import string, object, URL) that cannot be served
│   ├── ScenarioError      a scenario file
│   ├── EngineSpecError    an engine named in a way e2ekit does not understand
│   ├── ConsoleTextError   pasted text that holds no CORS message
│   └── ServerError        a server for an origin could not be started
│       ├── PortInUseError   a port the kit must bind is taken (origins no longer bind theirs: kept for callers)
│       └── AppStartupError  the app's lifespan startup failed, or did not complete in time
├── AppShutdownError (RuntimeError): the app failed while shutting down, after the results were reported; exit 4
├── EngineError (RuntimeError): a browser failed to start, stopped answering or died; the CLI exits 3
│   ├── EngineInterrupted  the run was stopped (Ctrl-C: exit 130, SIGTERM: exit 143) before the engine finished
│   ├── EngineUnavailable  the engine is not installed here
│   └── EngineConfigError  the engine was configured with something that does not work (also a UsageError)
└── Internal: HeaderListError, NoWordingError (raised and handled inside the kit)
"""

from __future__ import annotations

__all__ = [
    "AppLoadError",
    "AppShutdownError",
    "AppStartupError",
    "ConsoleTextError",
    "E2ekitError",
    "EngineConfigError",
    "EngineError",
    "EngineInterrupted",
    "EngineSpecError",
    "EngineUnavailable",
    "HeaderListError",
    "NoWordingError",
    "OriginError",
    "PortInUseError",
    "ProbeError",
    "ScenarioError",
    "ServerError",
    "UsageError",
]


class E2ekitError(Exception):
    """The root of every error e2ekit raises."""


class UsageError(E2ekitError, ValueError):
    """A value given to e2ekit (an option, an origin, an app, a file) cannot be used; the message says what was
    found, what was expected and how to fix it."""


class OriginError(UsageError):
    """An origin string could not be used."""


class ProbeError(UsageError):
    """A probe was described with a value fetch() does not accept. ``argument`` names it (``path``, ``method``,
    ``headers.X-Name``, ...), ``value`` is what was given and ``expected`` says what would do, for messages that
    point at a scenario file's key rather than at a keyword argument."""

    def __init__(self, message: str, *, argument: str, value: object, expected: str) -> None:
        super().__init__(message)
        self.argument = argument
        self.value = value
        self.expected = expected


class AppLoadError(UsageError):
    """The app under test cannot be loaded or served."""


class ScenarioError(UsageError):
    """A scenario file cannot be used, e.g.
    ``scenarios/credentials.toml: [wildcard-with-cookie] expect = "maybe": expected "allowed" or "blocked"``.
    """


class EngineSpecError(UsageError):
    """An engine was named in a way e2ekit does not understand."""


class ConsoleTextError(UsageError):
    """Text handed to the parser holds no CORS message of any engine."""

    def __init__(self, text: str) -> None:
        found = " ".join(text.split())[:80]
        super().__init__(
            "expected a CORS error such as \"Access to fetch at '...' from origin '...' has been blocked by CORS "
            'policy: ..." (Chromium), "Cross-Origin Request Blocked: ..." (Firefox) or "... due to access '
            f'control checks." (WebKit); found: "{found}"'
        )


class ServerError(UsageError):
    """A server for an origin could not be started."""


class PortInUseError(ServerError):
    """A port the kit must bind is taken by another process. Origins no longer bind the port they name (the forward
    proxy answers for them), so this is kept for callers that catch it."""


class AppStartupError(ServerError):
    """The app under test reported that its startup failed."""


class AppShutdownError(E2ekitError, RuntimeError):
    """The app under test failed while shutting down (its lifespan shutdown raised, hung, or asked to end the
    process with a non-zero code). Shutdown comes after the results are reported, so they are never lost to it."""


class EngineError(E2ekitError, RuntimeError):
    """A browser failed to start, stopped answering, or died."""


class EngineInterrupted(EngineError):
    """The run was stopped (Ctrl-C, SIGTERM) before the engine finished what it was asked."""

    PREFIX = "interrupted: "
    """How every message of this error starts (reports tell an interrupted engine from a failed one by it)."""

    @classmethod
    def of(cls, name: str) -> EngineInterrupted:
        return cls(f"{cls.PREFIX}the run was stopped (Ctrl-C or SIGTERM) before {name} finished")


class EngineUnavailable(EngineError):
    """The engine is not installed here; the message names the command that installs it."""


class EngineConfigError(EngineError, UsageError):
    """The engine was configured with something that does not work, such as an executable path that does not exist."""


class HeaderListError(E2ekitError, ValueError):
    """A header value that is not a comma-separated list of tokens."""

    def __init__(self, value: str, token: str) -> None:
        super().__init__(f"'{value}' is not a comma-separated list of tokens: '{token}' is not a token")
        self.value = value
        self.token = token


class NoWordingError(E2ekitError, LookupError):
    """The engine prints nothing specific for this check (it fails silently or in another way)."""
