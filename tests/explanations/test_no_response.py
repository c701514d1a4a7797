"""A request that reaches the app and gets no response, in every engine (issue 10): an app that never answers is
BLOCKED with the fetch timeout named, and a response no server can send (CR, LF or NUL in a header) is BLOCKED as
the network error each browser sees, never as a CORS check the response passed or failed."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from e2ekit import Probe, ProbeResult, Session, Topology, Verdict
from e2ekit._engines.worker import EngineWorker
from e2ekit._errors import ConsoleTextError
from e2ekit._serving.asgi import Receive, Scope, Send
from e2ekit._wordings import parse_console_text

pytestmark = pytest.mark.e2e

FETCH_TIMEOUT = 2.0
"""Short, so each hung probe costs 2 s rather than the default 10; an app that never answers is late at any bound."""
HANDLER_BLOCKS = (
    "its handler blocks or never returns (a blocking call such as time.sleep, a lock or a read without a timeout, or "
    "an await that never completes); if it is only slow, allow it longer with the fetch timeout"
)


async def asgi_hang(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http":
        await asyncio.sleep(3600)


def wsgi_hang(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    time.sleep(3600)
    return []


@pytest.fixture
def session(e2e_engine: EngineWorker, e2e_topology: Topology) -> Iterator[Session]:
    """A session whose fetches the page aborts after FETCH_TIMEOUT seconds."""
    with Session(e2e_engine, e2e_topology, fetch_timeout=FETCH_TIMEOUT) as session:
        yield session


def cors_checks(result: ProbeResult) -> set[str]:
    """The CORS checks the engine's console named (none when it has no console capture)."""
    found: set[str] = set()
    for text in result.console or ():
        try:
            found |= {str(report.check) for report in parse_console_text(text)}
        except ConsoleTextError:
            continue  # not a CORS message ("Failed to load resource: net::ERR_EMPTY_RESPONSE")
    return found


@pytest.mark.parametrize("app", [pytest.param(asgi_hang, id="asgi-await"), pytest.param(wsgi_hang, id="wsgi-sleep")])
def test_an_app_that_never_answers_is_blocked_by_the_fetch_timeout_and_the_wire_shows_the_request_arrived(
    session: Session, app: object
) -> None:
    [result] = session.run(app, [Probe("/api")])

    assert result.verdict is Verdict.BLOCKED
    assert result.js_error == "e2ekit aborted the fetch: it did not settle within the fetch timeout (2 s)"
    assert [exchange.describe() for exchange in result.exchanges] == ["GET /api -> no response"]
    assert result.reached_app
    assert result.explanation is not None
    assert (result.explanation.check, result.explanation.agrees) == ("request.no-response", True)
    assert result.explanation.detail == (
        "GET /api reached the app, which did not answer within the fetch timeout (2 s): no response had started when "
        "e2ekit aborted the fetch"
    )
    assert result.explanation.fix == f"make the app answer GET /api: {HANDLER_BLOCKS}"
    assert cors_checks(result) == set()  # an aborted fetch is no CORS failure in any engine's console
    assert "  wire request: GET /api -> no response; no cookie; no CORS headers" in str(result).splitlines()


def test_a_preflight_the_app_never_answers_is_named_as_the_preflight(session: Session) -> None:
    [result] = session.run(asgi_hang, [Probe("/api", "PUT", (("X-Token", "1"),), "x")])

    assert result.verdict is Verdict.BLOCKED
    assert [exchange.describe() for exchange in result.exchanges] == ["OPTIONS /api -> no response"]
    assert result.preflight is not None and not result.reached_app
    assert result.explanation is not None
    assert result.explanation.check == "request.no-response"
    assert result.explanation.detail == (
        "the preflight OPTIONS /api reached the app, which did not answer within the fetch timeout (2 s): no response "
        "had started when e2ekit aborted the fetch"
    )
    assert result.explanation.fix == f"make the app answer the preflight OPTIONS /api: {HANDLER_BLOCKS}"


def unsendable_asgi(header: bytes, value: bytes) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        headers = [(header, value), (b"content-type", b"text/plain")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"hello"})

    return app


def unsendable_wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Access-Control-Allow-Origin", "http://a\r\nX: y"), ("Content-Type", "text/plain")])
    return [b"hello"]


@pytest.mark.parametrize(
    ("app", "unsent", "shown", "defect", "fix"),
    [
        pytest.param(
            unsendable_asgi(b"access-control-allow-origin", b"http://a\r\nX: y"),
            "http://a\r\nX: y",
            "'http://a\\r\\nX: y'",
            "holds CR and LF",
            "make the app set Access-Control-Allow-Origin to a value a server can send: 'http://a\\r\\nX: y' holds CR "
            "and LF; send a second header as a header of its own, not after a line break in a value",
            id="asgi-cr-lf",
        ),
        pytest.param(
            unsendable_wsgi,
            "http://a\r\nX: y",
            "'http://a\\r\\nX: y'",
            "holds CR and LF",
            "make the app set Access-Control-Allow-Origin to a value a server can send: 'http://a\\r\\nX: y' holds CR "
            "and LF; send a second header as a header of its own, not after a line break in a value",
            id="wsgi-cr-lf",
        ),
        pytest.param(
            unsendable_asgi(b"access-control-allow-origin", b"*\x00"),
            "*\x00",
            "'*\\x00'",
            "holds NUL",
            "make the app set Access-Control-Allow-Origin to a value a server can send: '*\\x00' holds NUL",
            id="asgi-nul",
        ),
    ],
)
def test_a_header_no_server_can_send_leaves_the_browser_without_a_response_and_is_named_with_its_character(
    e2e_session: Session, app: object, unsent: str, shown: str, defect: str, fix: str
) -> None:
    result = e2e_session.fetch(app, "/api")

    assert result.verdict is Verdict.BLOCKED
    assert (result.status, result.headers) == (None, ())
    # Firefox retries a request whose connection closed without a response: every try went the same way.
    assert result.exchanges
    for exchange in result.exchanges:
        assert (exchange.status, exchange.response_headers) == (None, ())
        assert ("access-control-allow-origin", unsent) in exchange.unsent_headers
        assert exchange.error == f"LocalProtocolError: Illegal header value {unsent.encode()!r}"
    assert result.explanation is not None
    assert (result.explanation.check, result.explanation.agrees) == ("request.no-response", True)
    assert result.explanation.detail == (
        "GET /api reached the app, but the server could not send the response the app started: its "
        f"Access-Control-Allow-Origin header's value {shown} {defect}, which no HTTP server can send; the server "
        "closed the connection instead, and the browser got a network error"
    )
    assert result.explanation.fix == fix
    # A network error, never a CORS check on a response the browser did not get (Firefox words a network error of a
    # CORS request as "CORS request did not succeed", which reads back as request.not-sent).
    assert cors_checks(result) <= {"request.not-sent"}


@contextmanager
def raw_server(head: bytes) -> Iterator[str]:
    """A server in any language, reduced to its bytes: each connection gets ``HTTP/1.1 200 OK``, ``head`` (header
    lines as written, invalid ones included) and a body, then is closed."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\n" + head + b"Content-Length: 2\r\nConnection: close\r\n\r\nok")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() under way, which close() alone does not
        listener.close()
        thread.join(5)


def test_behind_the_reverse_proxy_a_line_break_in_a_header_is_two_headers_as_every_browser_reads_them(
    e2e_session: Session,
) -> None:
    # On the wire a CR LF ends the header line: no server sends one inside a value. The browser reads two headers,
    # and the kit relays them as such (measured: Chromium, Firefox and WebKit fetching this server directly block
    # it the same way).
    with raw_server(b"Access-Control-Allow-Origin: http://a\r\nX: y\r\n") as upstream:
        result = e2e_session.fetch(upstream, "/api")

    assert result.verdict is Verdict.BLOCKED
    [exchange] = result.exchanges
    assert exchange.response_header("access-control-allow-origin") == "http://a"
    assert exchange.response_header("x") == "y"
    assert result.explanation is not None
    assert result.explanation.check == "cors-check.origin-mismatch"


def test_behind_the_reverse_proxy_a_nul_in_a_header_is_a_response_the_kit_cannot_relay_and_says_so(
    e2e_session: Session,
) -> None:
    # Measured: Chromium, Firefox and WebKit fetching this server directly get a network error; through the kit's
    # reverse proxy they get its 502, which names the reason.
    with raw_server(b"Access-Control-Allow-Origin: *\x00\r\n") as upstream:
        result = e2e_session.fetch(upstream, "/api")

    assert result.verdict is Verdict.BLOCKED
    [exchange] = result.exchanges
    assert exchange.status == 502
    assert exchange.error is not None
    assert exchange.error.startswith(f"UpstreamFailed: {upstream} sent a response that is not valid HTTP/1.1: ")
    assert "b'*\\x00'" in exchange.error
