"""Real origins in every engine: https with the run's certificates, any host name, any port, IPv6, exactly as a report
names them, all answered by the kit's forward proxy (nothing binds their ports, nothing leaves the machine).

What each engine does with cookies is taken from e2ekit's one table of measured engine behaviour
(e2ekit._standard.cookies.ENGINE_COOKIE_POLICIES): Chromium 156 and Firefox ESR 153.8 keep a site's cookie off
requests from a page on another site (third-party cookie blocking, Total Cookie Protection), WebKitGTK 2.50 sends it
to a site the user visited first-hand. Mixed content: every engine blocks an https page's fetch of http on a
non-loopback host; Chromium and Firefox let http on a loopback host through (potentially trustworthy), WebKitGTK
blocks that too (ENGINE_DEVIATIONS).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from e2ekit import EngineSpec, EngineWorker, Session, SiteRelation, Topology, launch_engine
from e2ekit._standard import ENGINE_COOKIE_POLICIES, known_deviation, parse_set_cookie, why_not_sent
from e2ekit._wordings import parse_console_text
from tests.apps import cors_app

pytestmark = pytest.mark.e2e

SECURE_NONE = "sid=abc123; Path=/; SameSite=None; Secure"
SECURE_LAX = "sid=abc123; Path=/; SameSite=Lax; Secure"


def login_app(set_cookie: str, allow_origins: list[str]) -> object:
    """cors_app, whose /login sets ``set_cookie`` instead."""
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    app = cors_app(allow_origins=allow_origins, allow_credentials=True)

    async def login(request: object) -> PlainTextResponse:
        response = PlainTextResponse("logged in")
        response.headers["set-cookie"] = set_cookie
        return response

    app.router.routes[1] = Route("/login", login)
    return app


def sent_by(engine: str, set_cookie: str, *, set_by: str, page: str, request_url: str) -> bool:
    """Whether the measured cookie table says ``engine`` sends the cookie with a credentialed fetch."""
    cookie = parse_set_cookie(set_cookie, set_by)
    assert cookie is not None
    policy = ENGINE_COOKIE_POLICIES[engine]
    return why_not_sent(cookie, request_url=request_url, page_origin=page, credentials="include", policy=policy) is None


def test_a_samesite_none_secure_cookie_goes_cross_site_over_https_where_the_engine_sends_third_party_cookies_and_is_rejected_over_http(
    new_e2e_session: Callable[[], Session], browser_name: str
) -> None:
    app = login_app(SECURE_NONE, ["https://app.example.test", "http://app.example.test"])

    over_https = new_e2e_session()
    [login] = over_https.visit(app, "/login", target_origin="https://api.other.test")
    cross_site = over_https.fetch(
        app,
        "/api",
        page_origin="https://app.example.test",
        target_origin="https://api.other.test",
        credentials="include",
    )
    same_origin = over_https.fetch(
        app, "/api", page_origin="https://api.other.test", target_origin="same-origin", credentials="include"
    )

    over_http = new_e2e_session()
    over_http.visit(app, "/login", target_origin="http://api.other.test")
    http_same_origin = over_http.fetch(
        app, "/api", page_origin="http://api.other.test", target_origin="same-origin", credentials="include"
    )

    assert login.response_header("set-cookie") == SECURE_NONE
    assert cross_site.relation is SiteRelation.CROSS_SITE
    assert cross_site.allowed
    expected = sent_by(
        browser_name,
        SECURE_NONE,
        set_by="https://api.other.test/login",
        page="https://app.example.test",
        request_url="https://api.other.test/api",
    )
    assert expected is (browser_name == "webkit")  # the table: only WebKitGTK sends third-party cookies
    assert cross_site.requests[0].cookie == ("sid=abc123" if expected else None)
    assert same_origin.requests[0].cookie == "sid=abc123"  # stored over https: sent to its own site
    # A Secure cookie set over http (not a loopback host) is rejected by every engine: never stored, never sent.
    assert http_same_origin.allowed
    assert http_same_origin.requests[0].cookie is None


def test_a_lax_cookie_goes_to_a_same_site_subdomain_over_https_and_not_to_another_site(
    e2e_session: Session,
) -> None:
    app = login_app(SECURE_LAX, ["https://app.example.test"])
    e2e_session.visit(app, "/login", target_origin="https://api.example.test")
    e2e_session.visit(app, "/login", target_origin="https://api.other.test")

    same_site = e2e_session.fetch(
        app,
        "/api",
        page_origin="https://app.example.test",
        target_origin="https://api.example.test",
        credentials="include",
    )
    cross_site = e2e_session.fetch(
        app,
        "/api",
        page_origin="https://app.example.test",
        target_origin="https://api.other.test",
        credentials="include",
    )

    assert (same_site.relation, same_site.allowed) == (SiteRelation.SAME_SITE, True)
    assert same_site.requests[0].cookie == "sid=abc123"
    assert same_site.requests[0].origin == "https://app.example.test"
    assert same_site.requests[0].url == "https://api.example.test/api"
    assert (cross_site.relation, cross_site.allowed) == (SiteRelation.CROSS_SITE, True)
    assert cross_site.requests[0].cookie is None


def test_an_https_page_calling_an_http_api_is_blocked_as_mixed_content_not_as_cors(
    e2e_session: Session, browser_name: str
) -> None:
    app = cors_app(allow_origins=["*"])

    result = e2e_session.fetch(
        app, "/api", page_origin="https://app.example.test", target_origin="http://api.example.test"
    )

    assert not result.allowed
    assert result.exchanges == ()  # blocked before it was sent
    assert result.explanation is not None
    assert result.explanation.check == "request.mixed-content"
    assert result.explanation.fix == "serve the API over https: an https page can fetch http only from a loopback host"
    if result.console is None:  # WebKitGTK: no console over WebDriver
        assert browser_name == "webkit"
    else:
        assert [report.check for text in result.console for report in parse_console_text(text)] == [
            "request.mixed-content"
        ]


@pytest.fixture(scope="module")
def direct_engine(browser_name: str, e2e_engine: EngineWorker) -> Iterator[EngineWorker]:
    """The test's engine launched again without the forward proxy: it reaches real servers the way a browser does."""
    worker = launch_engine(EngineSpec(browser_name), direct=True)
    yield worker
    worker.close()


def test_through_the_proxy_an_engine_decides_mixed_content_and_address_space_as_with_real_servers(
    e2e_engine: EngineWorker, direct_engine: EngineWorker, e2e_topology: Topology, browser_name: str
) -> None:
    # Loopback origins without a port have real servers too (https ones with the run's certificate): the direct
    # engine connects to them; the usual engine reaches the same origins through the proxy.
    from e2ekit import Probe

    app = cors_app(allow_origins=["*"], allow_methods=["*"], allow_headers=["*"])
    cases = [
        ("https://localhost", "http://127.0.0.1", Probe("/api")),  # mixed content: http on loopback
        ("http://localhost", "http://127.0.0.1", Probe("/api", "PUT", {"X-Trace": "1"}, "x")),  # address space
        ("https://localhost", "https://127.0.0.1", Probe("/api", "PUT", {"X-Trace": "1"}, "x")),
    ]

    def outcomes(worker: EngineWorker) -> list[tuple[object, ...]]:
        found = []
        with Session(worker, e2e_topology) as session:
            for page, target, probe in cases:
                page_origin, target_origin = session.origins(page, target)
                [result] = session.run(app, [probe], page_origin=page_origin, target_origin=target_origin)
                found.append(
                    (
                        result.verdict,
                        result.status,
                        [exchange.method for exchange in result.exchanges],
                        [name for e in result.exchanges for name, _ in e.request_headers if "network" in name],
                    )
                )
        return found

    through_proxy, direct = outcomes(e2e_engine), outcomes(direct_engine)

    assert through_proxy == direct
    mixed_loopback_allowed = known_deviation("request.mixed-content", browser_name) is None
    assert [verdict.value for verdict, *_ in through_proxy] == [
        "ALLOWED" if mixed_loopback_allowed else "BLOCKED",
        "ALLOWED",
        "ALLOWED",
    ]
    assert [headers for *_, headers in through_proxy] == [[], [], []]  # no private/local network preflight


@contextmanager
def listening_on(port: int) -> Iterator[list[bytes]]:
    """A process of this test listening on 127.0.0.1:``port``, recording what reaches it. When the port is taken
    already (the other pytest-xdist worker runs this test too), that other listener holds it: also what is meant."""
    seen: list[bytes] = []
    try:
        server = socket.create_server(("127.0.0.1", port))
    except OSError:
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            yield seen
        return

    def accept() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            with connection:
                seen.append(connection.recv(1024))
                connection.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 8\r\n\r\nsquatter")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        server.close()
        thread.join(5)


def test_the_page_is_the_reports_own_origin_while_a_process_of_the_test_listens_on_its_port(
    e2e_session: Session,
) -> None:
    app = cors_app(allow_origins=["http://localhost:3000"], allow_credentials=True)

    with listening_on(3000) as seen:
        result = e2e_session.fetch(app, "/api", page_origin="http://localhost:3000", credentials="include")

    assert result.allowed
    assert result.page_origin == "http://localhost:3000"
    assert result.requests[0].origin == "http://localhost:3000"
    assert seen == []  # the browser never connected to the process on :3000


def test_an_ipv6_loopback_origin_with_its_port_is_served_exactly(e2e_session: Session) -> None:
    app = cors_app(allow_origins=["http://localhost:3000"], allow_methods=["PUT"])

    result = e2e_session.fetch(
        app, "/api", page_origin="http://localhost:3000", target_origin="http://[::1]:8000", method="PUT"
    )

    assert result.allowed
    assert result.relation is SiteRelation.CROSS_SITE
    assert [(e.method, e.url, e.origin) for e in result.exchanges] == [
        ("OPTIONS", "http://[::1]:8000/api", "http://localhost:3000"),
        ("PUT", "http://[::1]:8000/api", "http://localhost:3000"),
    ]


REPRO_APP = """
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://www.example.test"], allow_credentials=True)

@app.get("/api/me")
def me():
    return {"user": "ada"}
"""

HTTPS_REPORT = (
    "Access to fetch at 'https://api.example.test/api/me' from origin 'https://app.example.test' has been blocked by "
    "CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource. If an opaque response "
    "serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled."
)


def test_repro_replays_the_pasted_messages_exact_https_origins(tmp_path: Path, browser_name: str) -> None:
    (tmp_path / "api.py").write_text(REPRO_APP)
    command = [sys.executable, "-m", "e2ekit._cli", "repro", HTTPS_REPORT, "--app", "api:app"]
    run = subprocess.run(
        [*command, "--browser", browser_name, "--json"], cwd=tmp_path, capture_output=True, text=True, timeout=180
    )

    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    assert (document["request"]["page_origin"], document["request"]["target_origin"]) == (
        "https://app.example.test",
        "https://api.example.test",
    )
    [result] = document["results"]
    assert result["reproduced"] is True
    assert result["relation"] == "same-site"
    [exchange] = result["exchanges"]
    assert exchange["url"] == "https://api.example.test/api/me"
    assert ["origin", "https://app.example.test"] in exchange["request_headers"]
