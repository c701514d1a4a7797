"""Every result's explanation: the Fetch-standard check that failed, each engine's wording of it, and the fix in
the terms of the CORS implementation that serves the app (e2ekit._frameworks); and the caveats: what the page got
besides the verdict (a header it cannot read, a cookie that stayed behind, an error status), each with its fix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from e2ekit._errors import NoWordingError
from e2ekit._frameworks import detect
from e2ekit._probing.exchange import Exchange
from e2ekit._probing.probe import Probe
from e2ekit._standard import (
    Check,
    find_caveats,
    is_redirect,
    known_deviation,
    location,
    predict,
    stricter_deviation,
)
from e2ekit._wordings import ENGINES, render

__all__ = ["CaveatNote", "Explanation", "explain"]


@dataclass(frozen=True)
class CaveatNote:
    """Something the page got besides the verdict, likely not what it wanted: ``kind`` is the caveat's identifier
    (``"response.header-not-exposed"``, ``"cookie.samesite-default"``, ...; see e2ekit._standard.caveats),
    ``detail`` says what happened in this engine, ``fix`` how to change it in the app's terms (None where e2ekit
    knows none)."""

    kind: str
    detail: str
    fix: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "detail": self.detail, "fix": self.fix}


@dataclass(frozen=True)
class Explanation:
    """Why a probe was allowed or blocked according to the Fetch standard, and what would fix it.

    ``allowed`` is the model's prediction; ``agrees`` says whether the engine did the same, and when it did not,
    ``engine_behaviour`` names the known departure from the standard behind it. ``messages`` holds the failure in
    each engine's own console wording; ``fix`` names the settings of the CORS implementation serving the app.
    ``caveats`` are what the page got besides the verdict, for allowed and blocked results alike.
    """

    allowed: bool
    check: str | None
    detail: str
    fix: str | None
    agrees: bool
    messages: Mapping[str, str] = field(default_factory=dict)
    engine_behaviour: str | None = None
    caveats: tuple[CaveatNote, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "check": self.check,
            "detail": self.detail,
            "fix": self.fix,
            "agrees": self.agrees,
            "engine_behaviour": self.engine_behaviour,
            "messages": dict(self.messages),
            "caveats": [caveat.to_json() for caveat in self.caveats],
        }


def explain(
    probe: Probe,
    page_origin: str,
    target_url: str,
    exchanges: Sequence[Exchange],
    *,
    engine: str,
    engine_allowed: bool,
    app: object = None,
    readable: Sequence[str] | None = None,
    earlier: Sequence[Exchange] = (),
    aborted_after: float | None = None,
) -> Explanation:
    """Explain one probe from what the wire recorder saw, in ``engine``, whose verdict was ``engine_allowed``.

    ``app`` is the app under test: the fix names the settings of the CORS implementation that serves it (without
    one, the response headers to send). ``readable`` are the response header names JavaScript could read (the
    model's when None); ``earlier`` the exchanges of the session before this probe, whose Set-Cookie lines say
    which cookies the request should have carried; ``aborted_after`` the fetch timeout, when the page aborted the
    fetch at it.
    """
    prediction = predict(probe, page_origin, target_url, exchanges, aborted_after=aborted_after)
    check = None if prediction.check is None else str(prediction.check)
    failure = prediction.failure
    setup = detect(app)
    caveats = find_caveats(
        probe,
        page_origin,
        target_url,
        exchanges,
        engine=engine,
        allowed=engine_allowed,
        readable=readable,
        earlier=earlier,
    )
    notes = tuple(CaveatNote(str(c.kind), c.detail, setup.caveat_advice(c)) for c in caveats)
    if not engine_allowed and check in (None, Check.NOT_SENT):
        stricter = _stricter(engine, page_origin, target_url, exchanges)
        if stricter is not None:
            return _stricter_explanation(stricter, engine, probe, page_origin, target_url, exchanges, notes)
    agrees = engine_allowed == prediction.allowed
    return Explanation(
        allowed=prediction.allowed,
        check=check,
        detail=prediction.detail,
        fix=None if failure is None else setup.advice(failure),
        agrees=agrees,
        engine_behaviour=None if agrees else _departure(check, engine),
        messages={} if check is None else _messages(check, probe, page_origin, target_url, exchanges),
        caveats=notes,
    )


def _stricter(
    engine: str, page_origin: str, target_url: str, exchanges: Sequence[Exchange]
) -> tuple[Check, str] | None:
    """A known rule by which ``engine`` blocks, before sending, a request the standard lets through, and the URL it
    refused: the standard names no check there (or only that nothing was sent)."""
    urls = _urls(target_url, exchanges)
    check = stricter_deviation(engine, page_origin, urls[-1:])
    return None if check is None else (check, urls[-1])


_STANDARD_LETS_THROUGH = {
    Check.MIXED_CONTENT: "http on a loopback host, which the Fetch standard lets an https page fetch (a loopback host "
    "is potentially trustworthy, so the request is not mixed content)",
}
"""Why the standard lets through what an engine blocks by a known stricter rule (``stricter_deviation``)."""


def _stricter_explanation(
    stricter: tuple[Check, str],
    engine: str,
    probe: Probe,
    page_origin: str,
    target_url: str,
    exchanges: Sequence[Exchange],
    caveats: tuple[CaveatNote, ...],
) -> Explanation:
    check, url = stricter
    return Explanation(
        allowed=True,
        check=None,
        detail=f"nothing reached the server for '{url}', {_STANDARD_LETS_THROUGH[check]}",
        fix=None,
        agrees=False,
        engine_behaviour=_departure(check, engine),
        messages=_messages(check, probe, page_origin, target_url, exchanges, engines=(engine,)),
        caveats=caveats,
    )


def _urls(target_url: str, exchanges: Sequence[Exchange]) -> list[str]:
    """The URLs the fetch went to: the target, then each redirect's target."""
    return [target_url] + [urljoin(e.url, location(e) or "") for e in exchanges if is_redirect(e)]


def _messages(
    check: str,
    probe: Probe,
    page_origin: str,
    target_url: str,
    exchanges: Sequence[Exchange],
    engines: Sequence[str] = ENGINES,
) -> dict[str, str]:
    """The failure as each of ``engines`` words it in the console, from the values the exchanges hold."""
    preflight = next((e for e in exchanges if e.is_preflight), None)
    relevant = (
        preflight
        if check.startswith("preflight.") and preflight is not None
        else (exchanges[-1] if exchanges else None)
    )
    values: dict[str, Any] = {
        "url": exchanges[-1].url if exchanges else target_url,
        "origin": page_origin,
        "method": probe.method,
    }
    if relevant is not None:
        values["status"] = relevant.status
        values["allow_origin_value"] = relevant.response_header("access-control-allow-origin")
        values["quoted_value"] = relevant.response_header(
            "access-control-allow-credentials"
        ) or relevant.response_header("location")
    refused = preflight.refused_request_headers if preflight else []
    values["header"] = next(iter(refused or [name for name, _ in probe.headers]), None)
    if check == Check.MIXED_CONTENT:  # blocked before it was sent: the message names the URL that was refused
        values["url"] = _urls(target_url, exchanges)[-1]
    messages: dict[str, str] = {}
    for engine in engines:
        try:
            messages[engine] = render(check, engine, **values)
        except (NoWordingError, ValueError):
            continue  # the engine has no wording of its own for this check, or it quotes a value not seen here
    return messages


def _departure(check: str | None, engine: str) -> str:
    known = known_deviation(check, engine)
    return known or f"{engine} departs from the Fetch standard here in a way e2ekit does not know yet"
