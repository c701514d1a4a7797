"""Where real engines depart from the Fetch standard, as measured by e2ekit's corpus: the model predicts the
standard, and a result whose engine did otherwise names the engine behaviour behind the difference."""

from __future__ import annotations

from collections.abc import Mapping

from e2ekit._standard.checks import Check, check_named

__all__ = ["ENGINE_DEVIATIONS", "known_deviation"]

ENGINE_DEVIATIONS: Mapping[Check, Mapping[str, str]] = {
    # Fetch, "CORS-preflight fetch": "*" in Access-Control-Allow-Headers does not match `Authorization`.
    Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD: {
        "chromium": "Chromium 156 still lets '*' in Access-Control-Allow-Headers cover Authorization (the exclusion "
        "is announced as a deprecation, not enforced), and logs nothing to the console",
        "firefox": "Firefox ESR 153 still lets '*' in Access-Control-Allow-Headers cover Authorization",
        "webkit": "WebKitGTK 2.50 lets '*' in Access-Control-Allow-Headers cover Authorization (WebKit never "
        "implemented the exclusion)",
    },
}


def known_deviation(check: str | None, engine: str) -> str | None:
    """The engine behaviour that makes ``engine`` differ from the standard on ``check``, if e2ekit knows one."""
    if check is None:
        return None
    by_engine = ENGINE_DEVIATIONS.get(check_named(check))
    return None if by_engine is None else by_engine.get(engine)
