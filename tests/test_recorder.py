"""The router and wire recorder on a real uvicorn server, driven by an HTTP client (no browser needed here)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from e2ekit import Origin, Topology
from e2ekit._serving.asgi import Receive, Scope, Send
from e2ekit._serving.marker import add_marker
from e2ekit._serving.page import PAGE_PATH


@pytest.fixture
def topology() -> Iterator[Topology]:
    with Topology() as topology:
        yield topology


def serve(topology: Topology) -> str:
    return str(topology.target(Origin.parse("http://127.0.0.1")))


def test_the_app_sees_the_request_without_the_probe_marker_and_the_exchange_is_recorded(topology: Topology) -> None:
    seen: list[str] = []

    async def echo(request: Request) -> Response:
        seen.append(str(request.url))
        return PlainTextResponse("hi", headers={"x-trace": "1"})

    app = Starlette(routes=[Route("/api", echo)])
    marker, recording = topology.router.register(app)
    origin = serve(topology)

    response = httpx.get(add_marker(f"{origin}/api?q=1", marker), headers={"Origin": "http://localhost:3000"})

    assert response.text == "hi"
    assert seen == [f"{origin}/api?q=1"]
    [exchange] = recording.exchanges
    assert (exchange.method, exchange.path, exchange.query, exchange.status) == ("GET", "/api", "q=1", 200)
    assert exchange.url == f"{origin}/api?q=1"
    assert exchange.origin == "http://localhost:3000"
    assert exchange.response_header("x-trace") == "1"
    assert exchange.response_body == "hi"
    assert exchange.error is None


def test_an_exception_in_the_app_becomes_a_recorded_500_and_the_server_keeps_serving(topology: Topology) -> None:
    async def fail(request: Request) -> Response:
        raise KeyError("user")

    marker, recording = topology.router.register(Starlette(routes=[Route("/x", fail)]))
    origin = serve(topology)

    response = httpx.get(add_marker(f"{origin}/x", marker))
    again = httpx.get(add_marker(f"{origin}/x", marker))

    assert (response.status_code, response.text) == (500, "Internal Server Error")
    assert again.status_code == 500
    assert recording.wait_idle(5)
    assert [(exchange.status, exchange.error) for exchange in recording.exchanges] == [(500, "KeyError: 'user'")] * 2


def test_a_redirect_on_the_same_server_stays_attributed_and_the_exchange_keeps_the_apps_location(
    topology: Topology,
) -> None:
    app = Starlette(
        routes=[Route("/old", lambda r: RedirectResponse("/new")), Route("/new", lambda r: Response("new"))]
    )
    marker, recording = topology.router.register(app)
    origin = serve(topology)

    response = httpx.get(add_marker(f"{origin}/old", marker), follow_redirects=True)

    assert response.text == "new"
    assert response.history[0].headers["location"] == f"/new?__e2ekit={marker}"
    assert [(e.path, e.status, e.response_header("location")) for e in recording.exchanges] == [
        ("/old", 307, "/new"),
        ("/new", 200, None),
    ]


def test_requests_without_a_known_marker_get_a_404_and_are_kept_apart(topology: Topology) -> None:
    origin = serve(topology)

    response = httpx.get(f"{origin}/favicon.ico")

    assert response.status_code == 404
    assert [exchange.path for exchange in topology.router.unattributed] == ["/favicon.ico"]


def test_every_server_serves_the_probe_page_and_the_opaque_variant_is_sandboxed(topology: Topology) -> None:
    origin = serve(topology)

    page = httpx.get(f"{origin}{PAGE_PATH}")
    opaque = httpx.get(f"{origin}{PAGE_PATH}?opaque=1")

    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "content-security-policy" not in page.headers
    assert opaque.headers["content-security-policy"] == "sandbox allow-scripts"


def test_a_portless_target_on_the_page_host_gets_its_own_port_and_an_explicit_port_is_kept(topology: Topology) -> None:
    page, same_site = topology.origins(Origin.parse("http://localhost"), Origin.parse("http://localhost"))
    again_page, cross_site = topology.origins(Origin.parse("http://localhost"), Origin.parse("http://127.0.0.1"))

    assert page.host == same_site.host == "localhost"
    assert page.port != same_site.port
    assert again_page == page
    assert cross_site.host == "127.0.0.1"
    assert topology.origins(page, "same-origin") == (page, page)


def test_an_app_whose_lifespan_startup_sets_state_serves_requests_with_that_state(topology: Topology) -> None:
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    events: list[str] = []

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        events.append("startup")
        app.state.greeting = "hello from startup"
        yield
        events.append("shutdown")

    async def greet(request: Request) -> Response:
        return PlainTextResponse(request.app.state.greeting)

    app = Starlette(routes=[Route("/greet", greet)], lifespan=lifespan)
    topology.start_app(app)
    topology.start_app(app)
    marker, _ = topology.router.register(app)

    response = httpx.get(add_marker(f"{serve(topology)}/greet", marker))
    topology.close()

    assert response.text == "hello from startup"
    assert events == ["startup", "shutdown"]


def test_an_app_whose_startup_fails_is_reported_with_its_message(topology: Topology) -> None:
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    from e2ekit._errors import AppStartupError

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        raise ConnectionError("database unreachable")
        yield

    with pytest.raises(AppStartupError) as caught:
        topology.start_app(Starlette(lifespan=lifespan))
    assert str(caught.value) == "the app's startup failed: ConnectionError: database unreachable"


def test_the_browser_gets_exactly_the_headers_the_app_sent_and_no_server_or_date_header_of_uvicorns(
    topology: Topology,
) -> None:
    app = Starlette(routes=[Route("/api", lambda request: PlainTextResponse("hi", headers={"x-trace": "1"}))])
    marker, recording = topology.router.register(app)

    response = httpx.get(add_marker(f"{serve(topology)}/api", marker))

    assert [name for name, _ in response.headers.multi_items()] == ["x-trace", "content-length", "content-type"]
    assert list(recording.exchanges[0].response_headers) == list(response.headers.multi_items())


def test_the_state_a_lifespan_yields_is_copied_into_each_request_scope(topology: Topology) -> None:
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager
    from typing import Any

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        yield {"db": "pool-1"}

    async def read(request: Request) -> Response:
        found = request.state.db
        request.state.db = "changed by one request"
        return PlainTextResponse(found)

    app = Starlette(routes=[Route("/db", read)], lifespan=lifespan)
    state = topology.start_app(app)
    marker, _ = topology.router.register(app, state)
    url = add_marker(f"{serve(topology)}/db", marker)

    assert [httpx.get(url).text, httpx.get(url).text] == ["pool-1", "pool-1"]
    assert state == {"db": "pool-1"}


def test_an_app_whose_startup_never_completes_is_a_startup_error_after_the_timeout() -> None:
    import asyncio
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    from e2ekit._errors import AppStartupError

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await asyncio.Event().wait()
        yield

    with Topology(startup_timeout=0.2) as topology, pytest.raises(AppStartupError) as caught:
        topology.start_app(Starlette(lifespan=lifespan))
    assert str(caught.value).startswith("the app's startup did not complete within 0.2 s")


def test_a_shutdown_failure_is_raised_by_close_once_every_server_is_stopped() -> None:
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    from e2ekit._errors import AppShutdownError

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        raise RuntimeError("pool already closed")

    topology = Topology()
    topology.start_app(Starlette(lifespan=lifespan))
    origin = serve(topology)

    with pytest.raises(AppShutdownError) as caught:
        topology.close()
    assert str(caught.value) == "the app's shutdown failed: RuntimeError: pool already closed"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{origin}{PAGE_PATH}")


def test_a_request_the_app_never_answers_is_recorded_on_arrival_without_a_status_and_not_waited_for(
    topology: Topology,
) -> None:
    import asyncio

    arrived = threading.Event()

    async def hang(scope: Scope, receive: Receive, send: Send) -> None:
        arrived.set()
        await asyncio.sleep(3600)

    marker, recording = topology.router.register(hang)

    with pytest.raises(httpx.ReadTimeout):
        httpx.get(add_marker(f"{serve(topology)}/api?q=1", marker), timeout=httpx.Timeout(5, read=0.5))

    assert arrived.is_set()
    [exchange] = recording.exchanges
    assert (exchange.method, exchange.path, exchange.query) == ("GET", "/api", "q=1")
    assert (exchange.status, exchange.response_headers, exchange.unsent_headers, exchange.error) == (None, (), (), None)
    assert exchange.describe() == "GET /api?q=1 -> no response"
    assert recording.wait_idle(0)  # only a started response is waited for: this one never starts


def test_stopping_a_server_cancels_a_request_the_app_never_answers_instead_of_waiting_for_it() -> None:
    import asyncio

    outcome: list[str] = []

    async def hang(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            outcome.append("cancelled")
            raise

    topology = Topology()
    marker, _ = topology.router.register(hang)
    url = add_marker(f"{serve(topology)}/api", marker)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(url, timeout=httpx.Timeout(5, read=0.5))

    topology.close()

    assert outcome == ["cancelled"]


@pytest.mark.parametrize(
    ("headers", "refusal"),
    [
        pytest.param(
            [(b"access-control-allow-origin", b"http://a\r\nX: y")],
            "LocalProtocolError: Illegal header value b'http://a\\r\\nX: y'",
            id="cr-lf-in-a-value",
        ),
        pytest.param(
            [(b"access-control-allow-origin", b"*\x00")], "LocalProtocolError: Illegal header value b'*\\x00'", id="nul"
        ),
        pytest.param([(b"x token", b"1")], "LocalProtocolError: Illegal header name b'x token'", id="space-in-a-name"),
    ],
)
def test_a_response_no_server_can_send_is_not_sent_and_the_exchange_keeps_the_apps_headers_apart(
    topology: Topology, headers: list[tuple[bytes, bytes]], refusal: str
) -> None:
    async def unsendable(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"hello"})

    marker, recording = topology.router.register(unsendable)

    with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected without sending a response"):
        httpx.get(add_marker(f"{serve(topology)}/api", marker))

    assert recording.wait_idle(5)
    [exchange] = recording.exchanges
    assert (exchange.status, exchange.response_headers, exchange.response_body) == (None, (), "")
    assert exchange.unsent_headers == tuple((name.decode(), value.decode("latin-1")) for name, value in headers)
    assert exchange.error == refusal
    assert exchange.describe() == f"GET /api -> no response, the server could not send the app's response ({refusal})"


def test_an_exception_after_the_response_started_stays_on_the_exchange_with_what_was_sent(topology: Topology) -> None:
    async def fail_midway(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"par", "more_body": True})
        raise RuntimeError("stream broke")

    marker, recording = topology.router.register(fail_midway)

    response = httpx.get(add_marker(f"{serve(topology)}/api", marker))

    assert (response.status_code, response.text) == (200, "par")  # the recorder ends the body the app left open
    assert recording.wait_idle(5)
    [exchange] = recording.exchanges
    assert (exchange.status, exchange.response_body, exchange.error) == (200, "par", "RuntimeError: stream broke")


def test_a_wsgi_view_that_never_returns_does_not_keep_the_process_from_exiting(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import time

        import httpx2 as httpx

        from e2ekit import Origin, Topology
        from e2ekit._serving.marker import add_marker


        def hang(environ, start_response):
            time.sleep(3600)


        with Topology() as topology:
            served = topology.app(hang)
            marker, recording = topology.router.register(served)
            origin = topology.target(Origin.parse("http://127.0.0.1"))
            try:
                httpx.get(add_marker(f"{origin}/api", marker), timeout=httpx.Timeout(5, read=0.5))
            except httpx.ReadTimeout:
                print(recording.exchanges[0].describe())
        """
    )
    (tmp_path / "hang.py").write_text(script)

    done = subprocess.run(
        [sys.executable, str(tmp_path / "hang.py")], capture_output=True, text=True, timeout=60, cwd=Path.cwd()
    )

    assert (done.returncode, done.stdout, done.stderr) == (0, "GET /api -> no response\n", "")
