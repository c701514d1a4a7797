"""The JavaScript function every backend evaluates in the page to run a batch of probes."""

from __future__ import annotations

from importlib.resources import files

__all__ = ["PROBE_FUNCTION", "WEBDRIVER_PROBE_SCRIPT"]

PROBE_FUNCTION = files("e2ekit._engines").joinpath("probe_function.js").read_text(encoding="utf-8")
"""An async arrow function: ``(probes) => Promise<outcome[]>``."""

WEBDRIVER_PROBE_SCRIPT = (
    "const done = arguments[arguments.length - 1];\n"
    f"({PROBE_FUNCTION})(arguments[0]).then(done, (error) => done({{fatal: String(error)}}));"
)
"""The same function in the form WebDriver's Execute Async Script expects (a body that calls the callback)."""
