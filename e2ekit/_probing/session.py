"""A browsing session: one engine, one cookie jar, a page that runs probes against the app under test."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from e2ekit._engines.probe_script import ProbeCall, ProbeReply
from e2ekit._engines.worker import EngineWorker
from e2ekit._errors import EngineError, EngineInterrupted, UsageError
from e2ekit._phases import phase
from e2ekit._probing.exchange import Exchange
from e2ekit._probing.explanation import explain
from e2ekit._probing.origins import Origin, SiteRelation, as_origin, site_relation
from e2ekit._probing.probe import Probe
from e2ekit._probing.result import ProbeResult, Verdict
from e2ekit._serving.asgi import ASGIApp
from e2ekit._serving.marker import add_marker, strip_markers
from e2ekit._serving.page import OPAQUE_QUERY, PAGE_PATH
from e2ekit._serving.router import Recording
from e2ekit._serving.topology import SAME_ORIGIN, Topology

__all__ = ["DEFAULT_PAGE_ORIGIN", "DEFAULT_TARGET_ORIGIN", "Batch", "Session", "probe_payload", "run_batches"]

DEFAULT_PAGE_ORIGIN = "http://localhost"
DEFAULT_TARGET_ORIGIN = "http://127.0.0.1"

FETCH_TIMEOUT = 10.0
"""Seconds one fetch may take before the page aborts it, by default (``Session(fetch_timeout=...)``)."""
MAX_FETCH_TIMEOUT = 3600.0
NAVIGATION_TIMEOUT = 15.0
CONSOLE_WAIT = 1.0
"""Seconds to wait, per batch, for the console messages of blocked probes to arrive."""
BODY_LIMIT = 4096


class Session:
    """An isolated browsing session in one engine; use as a context manager.

    It starts with an empty cookie jar: every session clears, when it closes, the cookies its origins set. Probes in
    one session run in order and share the jar, as in one browser tab: a cookie set by a visit or a response is sent
    (or not) by later probes. Preflight and HTTP caches never carry over between probes, because every probe URL is
    unique.

    ``fetch_timeout``: seconds each fetch may take before the page aborts it; an app that has not answered by then
    gets a BLOCKED result whose explanation says so (``request.no-response``).
    """

    def __init__(self, worker: EngineWorker, topology: Topology, *, fetch_timeout: float = FETCH_TIMEOUT) -> None:
        if not 0 < fetch_timeout <= MAX_FETCH_TIMEOUT:
            raise UsageError(
                f"fetch_timeout must be a number of seconds above 0 and at most {MAX_FETCH_TIMEOUT:g}, "
                f"not {fetch_timeout!r}"
            )
        self.fetch_timeout = fetch_timeout
        self._worker = worker
        self._topology = topology
        self._origins: set[str] = set()
        self._markers: list[int] = []
        self._visits: list[Recording] = []
        self.results: list[ProbeResult] = []
        """Every result this session produced, in order."""

    @property
    def engine(self) -> EngineWorker:
        return self._worker

    def origins(
        self, page_origin: str | Origin = DEFAULT_PAGE_ORIGIN, target_origin: str | Origin = DEFAULT_TARGET_ORIGIN
    ) -> tuple[Origin, Origin]:
        """The concrete page and target origins (with ports) that ``fetch``/``run`` will use for these arguments.

        Any http or https origin: ``https://app.example.com``, ``http://localhost:3000`` (whether or not another
        process listens on 3000), ``http://[::1]:8000``. Use it to build an app whose allow-list names the page
        origin exactly.
        """
        target = target_origin if target_origin == SAME_ORIGIN else as_origin(target_origin, what="target origin")
        return self._topology.origins(as_origin(page_origin, what="page origin"), target)

    def fetch(
        self,
        app: object,
        path: str = "/",
        *,
        page_origin: str | Origin = DEFAULT_PAGE_ORIGIN,
        target_origin: str | Origin = DEFAULT_TARGET_ORIGIN,
        method: str = "GET",
        headers: Mapping[str, str] | Sequence[tuple[str, str]] = (),
        body: str | None = None,
        credentials: str = "same-origin",
        mode: str = "cors",
        redirect: str = "follow",
    ) -> ProbeResult:
        """Serve ``app`` at ``target_origin``, open a page at ``page_origin`` and run one fetch() from it.

        ``app`` is an ASGI, WSGI or aiohttp app, an import string ``module:attr``, or the URL of a running server
        (``http://127.0.0.1:8000``), which the kit then serves through a recording reverse proxy."""
        probe = Probe(path, method, headers, body, credentials, mode, redirect)  # type: ignore[arg-type]
        return self.run(app, [probe], page_origin=page_origin, target_origin=target_origin)[0]

    def run(
        self,
        app: object,
        probes: Sequence[Probe],
        *,
        page_origin: str | Origin = DEFAULT_PAGE_ORIGIN,
        target_origin: str | Origin = DEFAULT_TARGET_ORIGIN,
        opaque_page: bool = False,
    ) -> list[ProbeResult]:
        """Run ``probes`` in order, in one page load, and return one result per probe.

        ``target_origin`` may be ``"same-origin"`` to serve the app on the page's origin. ``opaque_page`` serves the
        page sandboxed, so its origin is opaque and its requests carry ``Origin: null``.
        """
        return run_batches([Batch(self, app, probes, page_origin, target_origin, opaque_page)])[0]

    def _prepare(self, batch: Batch, chain: int) -> _PreparedBatch:
        """Serve the batch's app and origins and register a marker per probe; the page is not touched yet."""
        page, served_target = self.origins(batch.page_origin, batch.target_origin)
        served = self._topology.app(batch.app)
        state = self._topology.start_app(served)
        self._origins |= {str(page), str(served_target)}
        # What the session's visits and earlier probes set (cookies) explains what this batch's requests carried.
        earlier = [e for recording in self._topology.router.recordings(self._markers) for e in recording.exchanges]
        prepared = _PreparedBatch(
            session=self,
            probes=list(batch.probes),
            app=served,
            page_url=f"{page}{PAGE_PATH}" + (f"?{OPAQUE_QUERY}" if batch.opaque_page else ""),
            shown_page="null" if batch.opaque_page else str(page),
            relation=site_relation(page, served_target),
            earlier=earlier,
        )
        for probe in batch.probes:
            marker, recording = self._topology.router.register(served, state)
            self._markers.append(marker)
            prepared.recordings.append(recording)
            url = add_marker(f"{served_target}{probe.path}", marker)
            prepared.payload.append(probe_payload(probe, url, marker, chain=chain, fetch_timeout=self.fetch_timeout))
        return prepared

    def _keep(self, results: list[ProbeResult]) -> list[ProbeResult]:
        self.results += results
        return results

    def visit(
        self, app: object, path: str = "/", *, target_origin: str | Origin = DEFAULT_TARGET_ORIGIN
    ) -> list[Exchange]:
        """Load ``path`` as a top-level page, as a user would (typically to let the target set cookies)."""
        served = self._topology.target(as_origin(target_origin, what="target origin"))
        self._origins.add(str(served))
        served_app = self._topology.app(app)
        state = self._topology.start_app(served_app)
        marker, recording = self._topology.router.register(served_app, state)
        self._markers.append(marker)
        self._visits.append(recording)
        url = add_marker(f"{served}{path}", marker)
        self._worker.visit(url, NAVIGATION_TIMEOUT, f"load {strip_markers(url)}")  # the probe page stays loaded
        return list(recording.exchanges)

    def _load(self, url: str) -> None:
        self._worker.load(url, NAVIGATION_TIMEOUT, f"load {strip_markers(url)}")

    def close(self) -> None:
        """Clear the cookies this session's origins set, and release its routes."""
        try:
            set_by = self._cookie_origins()
            if set_by:
                self._worker.clear_cookies(self._origins, set_by, NAVIGATION_TIMEOUT)
        finally:
            for marker in self._markers:
                self._topology.router.release(marker)
            self._markers.clear()
            self._visits.clear()

    def _cookie_origins(self) -> set[str]:
        """The origins that may have set cookies: those of responses with Set-Cookie, and of every document a visit
        loaded (its scripts may set cookies too)."""
        recordings = self._topology.router.recordings(self._markers)
        exchanges = [e for r in recordings for e in r.exchanges if e.response_header("set-cookie")]
        exchanges += [e for r in self._visits for e in r.exchanges]
        return {_origin_of(exchange.url) for exchange in exchanges}

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@dataclass(frozen=True)
class Batch:
    """Probes that one session runs in one page load, in order: what ``Session.run`` takes."""

    session: Session
    app: object
    probes: Sequence[Probe]
    page_origin: str | Origin = DEFAULT_PAGE_ORIGIN
    target_origin: str | Origin = DEFAULT_TARGET_ORIGIN
    opaque_page: bool = False


def run_batches(batches: Sequence[Batch]) -> list[list[ProbeResult]]:
    """Run the batches of several sessions of one engine that share a probe page in one page evaluation: each
    batch's probes one after another, in order, the batches side by side. One result per probe, by batch.

    The sessions share the engine's cookie jar while they run, so this is for batches that set no cookie and had
    none set before (the scenario runner groups only scenarios whose built-in app sets none); each session keeps
    its own results, explanations and clean-up. Every probe URL is unique, so no preflight or HTTP cache entry
    carries over from one batch to another.
    """
    worker = batches[0].session.engine
    if any(batch.session.engine is not worker for batch in batches):
        raise ValueError("run_batches runs the sessions of one engine")
    if len(batches) > 1 and any(batch.session._cookie_origins() for batch in batches):
        raise ValueError("run_batches runs sessions side by side only when none has cookies")
    prepared = [batch.session._prepare(batch, chain) for chain, batch in enumerate(batches)]
    if len({item.page_url for item in prepared}) != 1:
        raise ValueError("run_batches runs batches that share one probe page")
    payload = [call for item in prepared for call in item.payload]
    try:
        batches[0].session._load(prepared[0].page_url)
        timeout = sum(call["timeout_ms"] for call in payload) / 1000 + 10
        with phase("probes", worker.name):
            outcomes = worker.call(lambda e: e.run_probes(payload, timeout), timeout + 5, "run the probes")
            for item in prepared:  # only responses that started: a hung request is not waited for
                for recording in item.recordings:
                    recording.wait_idle(item.session.fetch_timeout)
        blocked = {call["marker"] for call, outcome in zip(payload, outcomes) if not outcome["allowed"]}
        console: dict[int, list[str]] | None = None
        if worker.info.console_capture:
            with phase("console wait", worker.name):
                console = worker.call(
                    lambda e: e.collect_console(blocked, CONSOLE_WAIT), CONSOLE_WAIT + 10, "report console messages"
                )
    except EngineError as error:
        return [item.failed(error) for item in prepared]
    found = []
    for item in prepared:
        found.append(item.results(outcomes[: len(item.payload)], console))
        outcomes = outcomes[len(item.payload) :]
    return found


@dataclass
class _PreparedBatch:
    """A batch with its app served and its probes registered, waiting for the engine's outcomes."""

    session: Session
    probes: list[Probe]
    app: ASGIApp
    page_url: str
    shown_page: str
    """The page origin as the browser sends it ("null" for an opaque page)."""
    relation: SiteRelation
    earlier: list[Exchange]
    recordings: list[Recording] = field(default_factory=list)
    payload: list[ProbeCall] = field(default_factory=list)

    def results(self, outcomes: list[ProbeReply], console: dict[int, list[str]] | None) -> list[ProbeResult]:
        worker = self.session.engine
        earlier = list(self.earlier)
        results = []
        for probe, item, outcome, recording in zip(self.probes, self.payload, outcomes, self.recordings):
            target_url = strip_markers(item["url"])
            exchanges = tuple(recording.exchanges)
            allowed = bool(outcome["allowed"])
            aborted_after = self.session.fetch_timeout if outcome.get("timed_out") else None
            results.append(
                ProbeResult(
                    engine=worker.info,
                    probe=probe,
                    page_origin=self.shown_page,
                    target_url=target_url,
                    relation=self.relation,
                    verdict=Verdict.ALLOWED if allowed else Verdict.BLOCKED,
                    js_error=_js_error(outcome, self.session.fetch_timeout),
                    status=outcome["status"],
                    response_type=outcome["type"],
                    headers=tuple((k, v) for k, v in outcome["headers"]),
                    body=outcome["body"],
                    console=None
                    if console is None
                    else tuple(strip_markers(m) for m in console.get(item["marker"], [])),
                    exchanges=exchanges,
                    duration_ms=float(outcome["duration_ms"]),
                    explanation=explain(
                        probe,
                        self.shown_page,
                        target_url,
                        exchanges,
                        engine=worker.info.name,
                        engine_allowed=allowed,
                        app=self.app,
                        readable=[name for name, _ in outcome["headers"]] if allowed else None,
                        earlier=tuple(earlier),
                        aborted_after=aborted_after,
                    ),
                )
            )
            earlier += exchanges
        return self.session._keep(results)

    def failed(self, error: EngineError) -> list[ProbeResult]:
        return self.session._keep(
            [
                _engine_error_result(
                    self.session.engine, probe, self.shown_page, item["url"], self.relation, recording, error
                )
                for probe, item, recording in zip(self.probes, self.payload, self.recordings)
            ]
        )


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def probe_payload(
    probe: Probe, url: str, marker: int, *, chain: int = 0, fetch_timeout: float = FETCH_TIMEOUT
) -> ProbeCall:
    """The argument the probe function receives for one probe (see engines/probe_function.js)."""
    return {
        "marker": marker,
        "url": url,
        "method": probe.method,
        "headers": [list(pair) for pair in probe.headers],
        "body": probe.body,
        "credentials": probe.credentials,
        "mode": probe.mode,
        "redirect": probe.redirect,
        "timeout_ms": int(fetch_timeout * 1000),
        "body_limit": BODY_LIMIT,
        "chain": chain,
    }


def _js_error(outcome: ProbeReply, fetch_timeout: float) -> str | None:
    if outcome.get("timed_out"):
        return f"e2ekit aborted the fetch: it did not settle within the fetch timeout ({fetch_timeout:g} s)"
    error: str | None = outcome["error"]
    return error


# An engine failure says nothing about CORS: such results get no explanation. A stopped run is no failure: its
# results are INTERRUPTED, and keep what the app received.
def _engine_error_result(
    worker: EngineWorker, probe: Probe, page: str, url: str, relation: Any, recording: Recording, error: EngineError
) -> ProbeResult:
    interrupted = isinstance(error, EngineInterrupted)
    return ProbeResult(
        engine=worker.info,
        probe=probe,
        page_origin=page,
        target_url=strip_markers(url),
        relation=relation,
        verdict=Verdict.INTERRUPTED if interrupted else Verdict.ENGINE_ERROR,
        js_error=None,
        status=None,
        response_type=None,
        headers=(),
        body=None,
        console=None,
        exchanges=tuple(recording.exchanges),
        duration_ms=0.0,
        engine_error=None if interrupted else str(error),
    )
