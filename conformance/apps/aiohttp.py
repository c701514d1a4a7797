"""aiohttp with aiohttp-cors (e2ekit serves an aiohttp ``Application`` with aiohttp's own server).

Translation: ``aiohttp_cors.setup(app, defaults={origin: ResourceOptions(allow_credentials=..., expose_headers=...,
allow_headers=..., max_age=..., allow_methods=...) for each origin})``, then ``cors.add(route)`` for every route.
Origins are exact dictionary keys (``"*"`` for any); methods, headers and exposed headers take ``"*"`` natively.
aiohttp-cors has no origin pattern, so a policy with ``allow_origin_regex`` cannot be expressed.

CORS is enabled route by route, as aiohttp-cors's README does for "all routes" (``for route in
app.router.routes(): cors.add(route)``). aiohttp-cors treats a method with a CORS-enabled route as allowed whatever
``allow_methods`` says; the table shows that.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp_cors
from aiohttp import web

from conformance.apps import Built, CannotExpress, written_call
from conformance.apps.endpoints import (
    ALL_METHODS,
    CUSTOM_HEADER,
    DOWNLOAD_BODY,
    DOWNLOAD_DISPOSITION,
    ERROR_TEXT,
    REDIRECT_STATUS,
    SLASH_REDIRECT,
    cookie_lines,
    echo_payload,
)
from conformance.policy import WILDCARD, Policy
from e2ekit._scenarios.model import CookieSetup

__all__ = ["build", "resource_options"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def resource_options(policy: Policy) -> dict[str, Any]:
    """``ResourceOptions`` keyword arguments that state ``policy`` (the same for every origin)."""
    if policy.allow_origin_regex is not None:
        raise CannotExpress("aiohttp-cors has no origin regex: its origins are exact keys of the defaults mapping")
    return {
        "allow_credentials": policy.allow_credentials,
        "expose_headers": WILDCARD if policy.all_exposed else tuple(policy.expose_headers),
        "allow_headers": WILDCARD if policy.all_headers else tuple(policy.allow_headers),
        "max_age": policy.max_age,
        "allow_methods": WILDCARD if policy.all_methods else tuple(policy.allow_methods),
    }


async def echo(request: web.Request) -> web.Response:
    headers = request.headers
    payload = echo_payload(
        request.method, request.path, headers.get("cookie"), headers.get("authorization"), await request.read()
    )
    return web.json_response(payload)


async def slash_redirect(request: web.Request) -> web.Response:
    return web.Response(status=REDIRECT_STATUS, headers={"Location": SLASH_REDIRECT[1]})


async def fail(request: web.Request) -> web.Response:
    raise RuntimeError(ERROR_TEXT)


async def download(request: web.Request) -> web.Response:
    return web.Response(
        text=DOWNLOAD_BODY, content_type="text/csv", headers={"Content-Disposition": DOWNLOAD_DISPOSITION}
    )


async def custom(request: web.Request) -> web.Response:
    return web.json_response({"ok": True}, headers=dict([CUSTOM_HEADER]))


def build(policy: Policy, cookies: Sequence[CookieSetup]) -> Built:
    options = resource_options(policy)

    async def login(request: web.Request) -> web.Response:
        response = web.Response(text="logged in")
        for line in cookie_lines(cookies):
            response.headers.add("Set-Cookie", line)
        return response

    every: Sequence[str] = ALL_METHODS
    routes: list[tuple[str, Sequence[str], Handler]] = [
        ("/api", every, echo),
        (SLASH_REDIRECT[1], every, echo),
        (SLASH_REDIRECT[0], every, slash_redirect),
        ("/error", every, fail),
        ("/download", ["GET"], download),
        ("/custom", ["GET"], custom),
        ("/login", ["GET"], login),
    ]
    app = web.Application()
    defaults = {origin: aiohttp_cors.ResourceOptions(**options) for origin in policy.allow_origins}  # type: ignore[no-untyped-call]
    cors = aiohttp_cors.setup(app, defaults=defaults)
    for path, methods, handler in routes:
        for method in methods:
            cors.add(app.router.add_route(method, path, handler))
    origins = "{" + ", ".join(
        f"{origin!r}: {written_call('ResourceOptions', options)}" for origin in policy.allow_origins
    )
    return Built(app, f"aiohttp_cors.setup(app, defaults={origins}}})")
