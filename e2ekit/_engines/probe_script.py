"""The JavaScript function every backend evaluates in the page to run a batch of probes."""

from __future__ import annotations

from importlib.resources import files
from typing import TypedDict

__all__ = ["PROBE_FUNCTION", "WEBDRIVER_PROBE_SCRIPT", "ProbeCall", "ProbeReply"]


class ProbeCall(TypedDict):
    """What the probe function receives for one probe: the fetch() to make and how long it may take."""

    marker: int
    url: str
    method: str
    headers: list[list[str]]
    body: str | None
    credentials: str
    mode: str
    redirect: str
    timeout_ms: int
    body_limit: int
    chain: int
    """Probes of one chain run one after another, in order; chains run side by side."""


class ProbeReply(TypedDict):
    """What the probe function returns for one probe: what JavaScript could observe of the fetch()."""

    allowed: bool
    error: str | None
    timed_out: bool
    status: int | None
    type: str | None
    headers: list[list[str]]
    body: str | None
    duration_ms: float


PROBE_FUNCTION = files("e2ekit._engines").joinpath("probe_function.js").read_text(encoding="utf-8")
"""An async arrow function: ``(probes) => Promise<outcome[]>``."""

WEBDRIVER_PROBE_SCRIPT = (
    "const done = arguments[arguments.length - 1];\n"
    f"({PROBE_FUNCTION})(arguments[0]).then(done, (error) => done({{fatal: String(error)}}));"
)
"""The same function in the form WebDriver's Execute Async Script expects (a body that calls the callback)."""
