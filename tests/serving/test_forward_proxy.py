"""The kit's forward proxy, driven by an HTTP client told to use it (no browser needed here): it answers for the
run's origins in-process, over TLS for https ones, and refuses every other request without forwarding it."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from e2ekit import Origin, Topology
from e2ekit._serving.certificates import run_certificates
from e2ekit._serving.forward_proxy import forward_proxy
from e2ekit._serving.marker import add_marker


async def echo(request: Request) -> Response:
    return JSONResponse(
        {
            "url": str(request.url),
            "scheme": request.url.scheme,
            "host": request.headers["host"],
            "path": request.url.path,
        }
    )


APP = Starlette(routes=[Route("/api", echo)])


@pytest.fixture
def topology() -> Iterator[Topology]:
    with Topology() as topology:
        yield topology


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    proxy = forward_proxy()
    with httpx.Client(
        proxy=f"http://{proxy.host}:{proxy.port}", verify=run_certificates().client_context(), trust_env=False
    ) as client:
        yield client


def probe_url(topology: Topology, origin: str, path: str = "/api") -> str:
    served = topology.target(Origin.parse(origin))
    marker, _ = topology.router.register(APP)
    return add_marker(f"{served}{path}", marker)


def test_an_http_origin_is_answered_in_process_with_the_origin_form_path_and_its_exact_host(
    topology: Topology, client: httpx.Client
) -> None:
    response = client.get(probe_url(topology, "http://app.example.test:3000"))

    assert response.json() == {
        "url": "http://app.example.test:3000/api",
        "scheme": "http",
        "host": "app.example.test:3000",
        "path": "/api",
    }


def test_an_https_origin_is_a_tls_tunnel_with_a_certificate_of_the_runs_ca_and_the_app_sees_https(
    topology: Topology, client: httpx.Client
) -> None:
    response = client.get(probe_url(topology, "https://api.example.test"))

    assert response.json()["url"] == "https://api.example.test/api"
    assert response.json()["scheme"] == "https"


def test_an_origin_whose_port_another_process_listens_on_is_still_the_kits(
    topology: Topology, client: httpx.Client
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        response = client.get(probe_url(topology, f"http://localhost:{port}"))

    assert response.json()["url"] == f"http://localhost:{port}/api"


@pytest.mark.parametrize("url", ["http://example.com/", "https://example.com/"])
def test_a_request_for_an_origin_the_run_does_not_serve_gets_502_and_is_not_forwarded(
    topology: Topology, client: httpx.Client, url: str
) -> None:
    proxy = forward_proxy()
    if url.startswith("https"):
        with pytest.raises(httpx.ProxyError, match="502"):
            client.get(url)
        assert proxy.refused[-1] == "CONNECT https://example.com"
    else:
        response = client.get(url)
        assert response.status_code == 502
        assert response.text == (
            "e2ekit's forward proxy: http://example.com is not an origin this run serves, and the proxy forwards "
            "nothing to the network"
        )
        assert proxy.refused[-1] == "GET http://example.com/"


def test_two_topologies_serving_one_origin_each_get_their_own_probes(client: httpx.Client) -> None:
    def app(name: str) -> Starlette:
        return Starlette(routes=[Route("/api", lambda request: Response(name))])

    with Topology() as first, Topology() as second:
        origin = Origin.parse("http://localhost:3000")
        first.target(origin)
        second.target(origin)
        first_marker, first_recording = first.router.register(app("first"))
        second_marker, second_recording = second.router.register(app("second"))

        answers = [client.get(add_marker(f"{origin}/api", marker)).text for marker in (second_marker, first_marker)]

    assert answers == ["second", "first"]
    assert [len(first_recording.exchanges), len(second_recording.exchanges)] == [1, 1]


def test_a_closed_topology_no_longer_has_its_origins_answered(client: httpx.Client) -> None:
    with Topology() as topology:
        topology.target(Origin.parse("http://closed.example.test"))

    assert client.get("http://closed.example.test/").status_code == 502


def test_an_https_origin_no_certificate_can_be_made_for_gets_502_at_once_instead_of_a_hanging_tunnel(
    topology: Topology,
) -> None:
    topology.target(Origin.parse("https://app.example.test_.evil.test"))
    proxy = forward_proxy()
    with socket.create_connection((proxy.host, proxy.port), timeout=5) as connection:
        connection.sendall(b"CONNECT app.example.test_.evil.test:443 HTTP/1.1\r\n\r\n")
        answer = connection.makefile("rb").read()

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 502 Bad Gateway"
    assert body.decode() == (
        "no certificate can be made for app.example.test_.evil.test: "
        "Codepoint U+005F at position 5 of 'test_' not allowed"
    )
