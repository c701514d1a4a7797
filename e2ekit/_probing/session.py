"""A browsing session: one engine, one cookie jar, a page that runs probes against the app under test."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from e2ekit._engines.probe_script import ProbeCall, ProbeReply
from e2ekit._engines.worker import EngineWorker
from e2ekit._errors import EngineError
from e2ekit._probing.exchange import Exchange
from e2ekit._probing.explanation import explain
from e2ekit._probing.origins import Origin, as_origin, site_relation
from e2ekit._probing.probe import Probe
from e2ekit._probing.result import ProbeResult, Verdict
from e2ekit._serving.marker import add_marker, strip_markers
from e2ekit._serving.page import OPAQUE_QUERY, PAGE_PATH
from e2ekit._serving.router import Recording
from e2ekit._serving.topology import SAME_ORIGIN, Topology

__all__ = ["DEFAULT_PAGE_ORIGIN", "DEFAULT_TARGET_ORIGIN", "Session", "probe_payload"]

DEFAULT_PAGE_ORIGIN = "http://localhost"
DEFAULT_TARGET_ORIGIN = "http://127.0.0.1"

FETCH_TIMEOUT = 10.0
"""Seconds one fetch may take before the page aborts it."""
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
    """

    def __init__(self, worker: EngineWorker, topology: Topology) -> None:
        self._worker = worker
        self._topology = topology
        self._origins: set[str] = set()
        self._markers: list[int] = []
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
        page, served_target = self.origins(page_origin, target_origin)
        served = self._topology.app(app)
        state = self._topology.start_app(served)
        self._origins |= {str(page), str(served_target)}
        page_url = f"{page}{PAGE_PATH}" + (f"?{OPAQUE_QUERY}" if opaque_page else "")
        recordings: list[Recording] = []
        payload: list[ProbeCall] = []
        # What the session's visits and earlier probes set (cookies) explains what this batch's requests carried.
        earlier = [e for recording in self._topology.router.recordings(self._markers) for e in recording.exchanges]
        for probe in probes:
            marker, recording = self._topology.router.register(served, state)
            self._markers.append(marker)
            recordings.append(recording)
            payload.append(probe_payload(probe, add_marker(f"{served_target}{probe.path}", marker), marker))
        shown_page = "null" if opaque_page else str(page)
        relation = site_relation(page, served_target)
        try:
            self._load(page_url)
            timeout = FETCH_TIMEOUT * len(probes) + 10
            outcomes = self._worker.call(lambda e: e.run_probes(payload, timeout), timeout + 5, "run the probes")
            for recording in recordings:
                recording.wait_idle(FETCH_TIMEOUT)
            blocked = {item["marker"] for item, outcome in zip(payload, outcomes) if not outcome["allowed"]}
            console: dict[int, list[str]] | None = None
            if self._worker.info.console_capture:
                console = self._worker.call(
                    lambda e: e.collect_console(blocked, CONSOLE_WAIT), CONSOLE_WAIT + 10, "report console messages"
                )
        except EngineError as error:
            return self._keep(
                [
                    _engine_error_result(self._worker, probe, shown_page, item["url"], relation, recording, str(error))
                    for probe, item, recording in zip(probes, payload, recordings)
                ]
            )
        results = []
        for probe, item, outcome, recording in zip(probes, payload, outcomes, recordings):
            target_url = strip_markers(item["url"])
            exchanges = tuple(recording.exchanges)
            allowed = bool(outcome["allowed"])
            results.append(
                ProbeResult(
                    engine=self._worker.info,
                    probe=probe,
                    page_origin=shown_page,
                    target_url=target_url,
                    relation=relation,
                    verdict=Verdict.ALLOWED if allowed else Verdict.BLOCKED,
                    js_error=_js_error(outcome),
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
                        shown_page,
                        target_url,
                        exchanges,
                        engine=self._worker.info.name,
                        engine_allowed=allowed,
                        app=served,
                        readable=[name for name, _ in outcome["headers"]] if allowed else None,
                        earlier=tuple(earlier),
                    ),
                )
            )
            earlier += exchanges
        return self._keep(results)

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
        self._load(add_marker(f"{served}{path}", marker))
        return list(recording.exchanges)

    def _load(self, url: str) -> None:
        self._worker.load(url, NAVIGATION_TIMEOUT, f"load {strip_markers(url)}")

    def close(self) -> None:
        """Clear the cookies this session's origins set, and release its routes."""
        try:
            if self._set_cookies():
                self._worker.clear_cookies(self._origins, NAVIGATION_TIMEOUT)
        finally:
            for marker in self._markers:
                self._topology.router.release(marker)
            self._markers.clear()

    def _set_cookies(self) -> bool:
        recordings = self._topology.router.recordings(self._markers)
        return any(exchange.response_header("set-cookie") for r in recordings for exchange in r.exchanges)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def probe_payload(probe: Probe, url: str, marker: int) -> ProbeCall:
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
        "timeout_ms": int(FETCH_TIMEOUT * 1000),
        "body_limit": BODY_LIMIT,
    }


def _js_error(outcome: ProbeReply) -> str | None:
    if outcome.get("timed_out"):
        return f"e2ekit aborted the fetch: it did not settle within {FETCH_TIMEOUT:.0f} s"
    error: str | None = outcome["error"]
    return error


# An engine failure says nothing about CORS: such results get no explanation.
def _engine_error_result(
    worker: EngineWorker, probe: Probe, page: str, url: str, relation: Any, recording: Recording, error: str
) -> ProbeResult:
    return ProbeResult(
        engine=worker.info,
        probe=probe,
        page_origin=page,
        target_url=strip_markers(url),
        relation=relation,
        verdict=Verdict.ENGINE_ERROR,
        js_error=None,
        status=None,
        response_type=None,
        headers=(),
        body=None,
        console=None,
        exchanges=tuple(recording.exchanges),
        duration_ms=0.0,
        engine_error=error,
    )
