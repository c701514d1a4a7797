"""aiohttp-cors (``cors.add(route, {origin: ResourceOptions(...)})``): detection, advice in its own options, the
change applied in-process, and the reason it gives in a refused preflight's 403. Requests go through aiohttp's test
client until e2ekit serves aiohttp apps in browsers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp_cors
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from e2ekit._frameworks import detect
from e2ekit._probing.exchange import Exchange
from e2ekit._probing.probe import Probe
from e2ekit._standard import Prediction, predict
from tests.frameworks.exchanges import API, exchange, preflight_headers

PAGE = "http://localhost:3000"


async def me(request: web.Request) -> web.Response:
    return web.json_response({"user": "ada"})


def aiohttp_app(options: dict[str, aiohttp_cors.ResourceOptions]) -> web.Application:
    app = web.Application()
    cors = aiohttp_cors.setup(app)
    resource = app.router.add_resource("/api/me")
    cors.add(resource.add_route("GET", me), options)
    cors.add(resource.add_route("PUT", me), options)
    return app


Send = Callable[[web.Application, list[tuple[str, dict[str, str]]]], list[Exchange]]


@pytest.fixture
def send() -> Iterator[Send]:
    """Send requests to an app through aiohttp's test client, all on one event loop (an app keeps its first)."""
    loop = asyncio.new_event_loop()

    def send(app: web.Application, requests: list[tuple[str, dict[str, str]]]) -> list[Exchange]:
        async def run() -> list[Exchange]:
            recorded = []
            async with TestClient(TestServer(app)) as client:
                for method, headers in requests:
                    response = await client.request(method, "/api/me", headers=headers)
                    body = await response.text()
                    recorded.append(
                        exchange(method, "/api/me", headers, response.status, response.headers.items(), body)
                    )
            return recorded

        return loop.run_until_complete(run())

    yield send
    loop.close()


def advice(app: web.Application, prediction: Prediction) -> str | None:
    assert prediction.failure is not None
    return detect(app).advice(prediction.failure)


def credentialed_get(send: Send, app: web.Application) -> Prediction:
    recorded = send(app, [("GET", {"Origin": PAGE})])
    return predict(Probe("/api/me", credentials="include"), PAGE, f"{API}/api/me", recorded)


def test_aiohttp_cors_allows_a_credentialed_request_from_a_listed_origin(send: Send) -> None:
    app = aiohttp_app({PAGE: aiohttp_cors.ResourceOptions(allow_credentials=True)})

    assert credentialed_get(send, app).allowed
    assert detect(app).framework.name == "aiohttp-cors"


def test_aiohttp_cors_wildcard_without_credentials_is_fixed_in_its_resource_options(send: Send) -> None:
    app = aiohttp_app({"*": aiohttp_cors.ResourceOptions()})

    prediction = credentialed_get(send, app)

    assert prediction.check == "cors-check.credentials-not-true"
    assert advice(app, prediction) == (
        f"replace the origin '*' with '{PAGE}' in cors.add(route, {{...}}) and set allow_credentials=True in its "
        "aiohttp_cors.ResourceOptions"
    )
    setup = detect(app)
    assert prediction.failure is not None
    assert all(setup.apply(change) for change in setup.changes(prediction.failure))
    assert credentialed_get(send, app).allowed
    assert detect(app).policy.origins == (PAGE,)


def test_aiohttp_cors_refused_method_is_read_from_its_403(send: Send) -> None:
    app = web.Application()
    cors = aiohttp_cors.setup(app)
    route = app.router.add_route("PUT", "/api/me", me)
    cors.add(route, {PAGE: aiohttp_cors.ResourceOptions()})
    app.router.add_route("DELETE", "/api/me", me)
    probe = Probe("/api/me", "DELETE")

    recorded = send(app, [("OPTIONS", preflight_headers(PAGE, "DELETE"))])
    prediction = predict(probe, PAGE, f"{API}/api/me", recorded)

    assert recorded[0].status == 403
    assert prediction.check == "preflight.missing-allow-origin"
    assert advice(app, prediction) == "add 'DELETE' to allow_methods in its aiohttp_cors.ResourceOptions"


def test_an_aiohttp_app_without_aiohttp_cors_is_told_how_to_set_it_up(send: Send) -> None:
    app = web.Application()
    app.router.add_get("/api/me", me)
    recorded = send(app, [("GET", {"Origin": PAGE})])
    prediction: Any = predict(Probe("/api/me"), PAGE, f"{API}/api/me", recorded)

    assert advice(app, prediction) == (
        f"set up aiohttp-cors: cors = aiohttp_cors.setup(app) and cors.add(route, {{'{PAGE}': "
        "aiohttp_cors.ResourceOptions()}) for each route"
    )
