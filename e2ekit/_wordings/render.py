"""Render a check as each engine's console would print it, to show a failure in every engine's own words."""

from __future__ import annotations

from e2ekit._standard.checks import Check, check_named
from e2ekit._wordings.engines import engine_wording
from e2ekit._wordings.templates import MessageValues, Wording

__all__ = ["NoWordingError", "render", "rendered_checks", "reported_check"]


class NoWordingError(LookupError):
    """The engine prints nothing specific for this check (it fails silently or in another way)."""


def _wording(check: str, engine: str) -> Wording | None:
    wanted = check_named(check)
    module = engine_wording(engine)
    return next((w for w in module.WORDINGS if w.check is wanted and not w.parse_only), None)


def rendered_checks(engine: str) -> tuple[Check, ...]:
    """The checks ``engine`` has a console wording for, in the order of the Check registry."""
    module = engine_wording(engine)
    worded = {wording.check for wording in module.WORDINGS if not wording.parse_only}
    return tuple(check for check in Check if check in worded)


def reported_check(check: str, engine: str) -> Check | None:
    """The check a parser reads back from ``engine``'s message for ``check``: ``check`` itself where the engine
    words it distinctly, the shared one where it does not, None where the engine has no wording."""
    wording = _wording(check, engine)
    return None if wording is None else wording.reads_as


def render(
    check: str,
    engine: str,
    *,
    url: str,
    origin: str,
    api: str = "fetch",
    redirected_from: str | None = None,
    method: str | None = None,
    header: str | None = None,
    status: int | None = None,
    allow_origin_value: str | None = None,
    quoted_value: str | None = None,
) -> str:
    """The message ``engine`` prints when a ``fetch()`` (or ``api="xhr"``) from ``origin`` to ``url`` fails ``check``.

    Pass the values the wording quotes: ``method``, ``header``, ``status``, ``allow_origin_value`` (the
    Access-Control-Allow-Origin seen) or ``quoted_value`` (another quoted value); a missing one raises ValueError
    naming it. Raise NoWordingError when the engine has no message for ``check``.
    """
    wording = _wording(check, engine)
    if wording is None:
        raise NoWordingError(
            f"{engine} prints no message of its own for {check}; it words {', '.join(rendered_checks(engine))}"
        )
    values = MessageValues(url, origin, api, redirected_from, method, header, status, allow_origin_value, quoted_value)
    return engine_wording(engine).render_message(wording, values)
