"""A server that is already running, reached by URL through the kit's recording reverse proxy."""

from __future__ import annotations

import gzip
import json
import subprocess
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from e2ekit import Origin, ProbeResult, Session, Topology
from e2ekit._errors import AppLoadError
from e2ekit._scenarios.app import build_app
from e2ekit._scenarios.loader import load_scenarios
from e2ekit._scenarios.model import Scenario
from e2ekit._serving.marker import add_marker
from tests.serving.cli import e2ekit
from tests.serving.upstream_servers import running_server

SCENARIOS = {scenario.id: scenario for scenario in load_scenarios([Path(__file__).parents[2] / "scenarios"])}
THROUGH_THE_PROXY = [
    "wildcard-credentials-without-cookie",
    "cookie-lax-same-site",
    "exception-500",
    "content-disposition-exposed",
    "null-origin-listed",
    "method-not-in-list",
    "slash-redirect-preflighted-put",
    "same-origin-no-cors",
]
SERVER_HEADERS = ("date", "server")
"""uvicorn, running the upstream, adds these; the kit's own servers send only the app's headers."""


def observed(result: ProbeResult) -> dict[str, Any]:
    """Everything the browser and the wire showed, but the headers only the upstream's own server adds."""
    return {
        "verdict": result.verdict,
        "status": result.status,
        "type": result.response_type,
        "headers": [(k, v) for k, v in result.headers if k not in SERVER_HEADERS],
        "body": result.body,
        "check": None if result.explanation is None else result.explanation.check,
        "exchanges": [
            (
                e.method,
                e.path,
                e.query,
                e.status,
                e.cookie,
                e.origin,
                [(k, v) for k, v in e.response_headers if k not in SERVER_HEADERS],
            )
            for e in result.exchanges
        ],
    }


def run_scenario(session: Session, scenario: Scenario, app: object) -> list[dict[str, Any]]:
    page, target = session.origins(scenario.page, scenario.target)
    target_argument = scenario.target if scenario.target == "same-origin" else str(target)
    if scenario.cookies:
        session.visit(app, "/login", target_origin=str(target))
    results = session.run(
        app,
        [probe.probe for probe in scenario.probes],
        page_origin=str(page),
        target_origin=target_argument,
        opaque_page=scenario.opaque_page,
    )
    return [observed(result) for result in results]


@pytest.mark.parametrize("scenario_id", THROUGH_THE_PROXY)
def test_a_scenario_app_gives_the_same_verdicts_and_wire_directly_and_through_the_proxy(
    new_e2e_session: Callable[[], Session], scenario_id: str
) -> None:
    scenario = SCENARIOS[scenario_id]
    page, _ = new_e2e_session().origins(scenario.page, scenario.target)
    app = build_app(scenario, str(page))

    direct = run_scenario(new_e2e_session(), scenario, app)
    with running_server(app) as url:
        proxied = run_scenario(new_e2e_session(), scenario, url)

    assert proxied == direct
    assert direct[0]["exchanges"], "the wire was recorded"


@pytest.fixture
def topology() -> Iterator[Topology]:
    with Topology() as topology:
        yield topology


def proxied_url(topology: Topology, upstream_url: str, path: str) -> tuple[str, int]:
    """The kit's URL for ``path`` on the proxy in front of ``upstream_url``, and the probe marker it carries."""
    app = topology.app(upstream_url)
    state = topology.start_app(app)
    marker, _ = topology.router.register(app, state)
    target = topology.target(Origin.parse("http://127.0.0.1"))
    return add_marker(f"{target}{path}", marker), marker


async def what_the_upstream_saw(request: Request) -> Response:
    headers = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in request.scope["headers"]]
    response = JSONResponse({"headers": headers, "path": request.url.path, "query": request.url.query})
    response.headers.append("set-cookie", "a=1; Path=/")
    response.headers.append("set-cookie", "b=2; Path=/; SameSite=None; Secure")
    response.headers.append("access-control-allow-origin", "http://localhost:3000")
    return response


async def redirect_home(request: Request) -> Response:
    own = f"{request.url.scheme}://{request.url.netloc}"
    elsewhere = "http://localhost:9/elsewhere"
    target = elsewhere if request.query_params.get("to") == "elsewhere" else f"{own}/home?x=1"
    return Response(status_code=302, headers={"location": target})


async def compressed(request: Request) -> Response:
    body = gzip.compress(b'{"compressed": true}')
    return Response(body, headers={"content-encoding": "gzip", "content-type": "application/json"})


UPSTREAM = Starlette(
    routes=[
        Route("/seen", what_the_upstream_saw, methods=["GET", "POST"]),
        Route("/redirect", redirect_home),
        Route("/compressed", compressed),
    ]
)


def test_the_proxy_passes_status_headers_and_every_set_cookie_line_unchanged_and_adds_no_request_header(
    topology: Topology,
) -> None:
    with running_server(UPSTREAM) as upstream:
        url, _ = proxied_url(topology, upstream, "/seen?q=1")
        sent = [("Origin", "http://localhost:3000"), ("Cookie", "sid=abc"), ("X-Custom", "1")]
        with httpx.Client(headers={}) as client:
            response = client.post(url, headers=sent, content=b"hello")
        seen = response.json()

    assert response.status_code == 200
    assert response.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Path=/; SameSite=None; Secure"]
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert (seen["path"], seen["query"]) == ("/seen", "q=1")
    seen_headers = dict(seen["headers"])
    assert seen_headers["host"] == upstream.removeprefix("http://")
    assert seen_headers["origin"] == "http://localhost:3000"
    assert seen_headers["cookie"] == "sid=abc"
    assert seen_headers["x-custom"] == "1"
    assert seen_headers["content-length"] == "5"
    # httpx sends these itself; the proxy forwards them and invents none of its own.
    assert seen_headers["user-agent"].startswith("python-httpx")
    assert [name for name, _ in seen["headers"]].count("user-agent") == 1
    assert "connection" not in seen_headers or seen_headers["connection"] == "close"


def test_a_redirect_to_the_upstreams_own_origin_stays_on_the_proxied_origin_and_others_pass_unchanged(
    topology: Topology,
) -> None:
    with running_server(UPSTREAM) as upstream:
        own, marker = proxied_url(topology, upstream, "/redirect")
        elsewhere, _ = proxied_url(topology, upstream, "/redirect?to=elsewhere")
        home = httpx.get(own)
        other = httpx.get(elsewhere)

    target = own.split("/redirect")[0]
    assert home.status_code == 302
    assert home.headers["location"] == f"{target}/home?x=1&__e2ekit={marker}"
    assert other.headers["location"] == "http://localhost:9/elsewhere"


def test_a_compressed_body_passes_with_its_content_encoding(topology: Topology) -> None:
    with running_server(UPSTREAM) as upstream:
        url, _ = proxied_url(topology, upstream, "/compressed")
        with httpx.Client() as client, client.stream("GET", url) as response:
            raw = b"".join(response.iter_raw())

    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw) == b'{"compressed": true}'


def test_a_server_that_stops_answering_gets_a_recorded_502_naming_the_reason(topology: Topology) -> None:
    with running_server(UPSTREAM) as upstream:
        app = topology.app(upstream)
        topology.start_app(app)
    marker, recording = topology.router.register(app, {})
    target = topology.target(Origin.parse("http://127.0.0.1"))

    response = httpx.get(add_marker(f"{target}/seen", marker))

    assert response.status_code == 502
    assert recording.wait_idle(5)
    [exchange] = recording.exchanges
    assert exchange.status == 502
    assert exchange.error is not None
    assert exchange.error.startswith(f"UpstreamFailed: {upstream} did not answer: ClientConnectorError")


NODE_SERVER = textwrap.dedent(
    """
    const http = require("http");
    const allowed = "http://localhost:" + process.argv[2];
    const server = http.createServer((req, res) => {
      const cors = {"Access-Control-Allow-Origin": req.headers.origin === allowed ? allowed : "http://localhost:1",
                    "Access-Control-Allow-Credentials": "true"};
      if (req.method === "OPTIONS") {
        res.writeHead(204, {...cors, "Access-Control-Allow-Methods": "PUT", "Access-Control-Allow-Headers": "content-type"});
        return res.end();
      }
      res.setHeader("Set-Cookie", ["a=1; Path=/", "b=2; Path=/"]);
      res.writeHead(200, {...cors, "Content-Type": "application/json"});
      res.end(JSON.stringify({method: req.method, url: req.url}));
    });
    server.listen(0, "127.0.0.1", () => console.log(server.address().port));
    """
)


@pytest.fixture
def node_server(tmp_path: Path, free_page_port: int) -> Iterator[int]:
    """A server written in JavaScript, on a port the OS picked; its CORS policy allows the page port only."""
    script = tmp_path / "server.js"
    script.write_text(NODE_SERVER)
    process = subprocess.Popen(["node", str(script), str(free_page_port)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield int(process.stdout.readline())  # readiness: the server prints its port once it listens
    finally:
        process.terminate()
        process.wait(10)


def test_a_node_server_checked_by_url_gets_verdicts_and_its_wire_recorded(
    node_server: int, free_page_port: int, cli_browser: str, tmp_path: Path
) -> None:
    run = e2ekit(
        "check",
        f"http://127.0.0.1:{node_server}",
        "--page-origin",
        f"http://localhost:{free_page_port}",
        "--path",
        "/api/items",
        "--method",
        "PUT",
        "--header",
        "Content-Type: application/json",
        "--body",
        "{}",
        "--credentials",
        "include",
        "--json",
        "--browser",
        cli_browser,
        cwd=tmp_path,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    [result] = json.loads(run.stdout)["results"]
    assert result["verdict"] == "ALLOWED"
    assert result["status"] == 200
    assert result["body"] == '{"method":"PUT","url":"/api/items"}'
    preflight, request = result["exchanges"]
    assert result["target_url"].endswith("/api/items")
    assert (preflight["method"], preflight["url"], preflight["status"]) == ("OPTIONS", result["target_url"], 204)
    assert ["origin", f"http://localhost:{free_page_port}"] in preflight["request_headers"]
    assert (request["method"], request["url"], request["status"]) == ("PUT", result["target_url"], 200)
    assert [v for k, v in request["response_headers"] if k == "set-cookie"] == ["a=1; Path=/", "b=2; Path=/"]


def test_a_node_server_that_allows_another_origin_is_blocked(
    node_server: int, cli_browser: str, tmp_path: Path
) -> None:
    run = e2ekit("check", f"http://127.0.0.1:{node_server}/api/items", "--json", "--browser", cli_browser, cwd=tmp_path)

    assert run.returncode == 1, run.stdout + run.stderr
    [result] = json.loads(run.stdout)["results"]
    assert result["verdict"] == "BLOCKED"
    [request] = result["exchanges"]
    assert result["target_url"].endswith("/api/items")
    assert (request["method"], request["url"], request["status"]) == ("GET", result["target_url"], 200)
    assert ["access-control-allow-origin", "http://localhost:1"] in request["response_headers"]


def test_a_url_in_the_pytest_plugin_is_served_through_the_proxy(e2e_session: Session) -> None:
    app = Starlette(routes=[Route("/api", lambda request: JSONResponse({"ok": True}))])

    with running_server(app) as url:
        result = e2e_session.fetch(url, "/api", target_origin="same-origin")

    assert result.allowed
    assert result.body == '{"ok":true}'
    assert [(e.path, e.status) for e in result.exchanges] == [("/api", 200)]


def test_a_url_whose_server_is_not_running_is_an_app_load_error(topology: Topology) -> None:
    with running_server(UPSTREAM) as upstream:
        pass

    with pytest.raises(AppLoadError) as caught:
        topology.app(upstream)
    port = upstream.rsplit(":", 1)[1]
    assert str(caught.value) == (
        f'app "{upstream}": nothing is listening at 127.0.0.1:{port} (connection refused); start the server first'
    )
