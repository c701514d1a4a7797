"""Litestar with its own ``CORSConfig`` (ASGI).

Translation: ``Litestar(cors_config=CORSConfig(allow_origins=..., allow_origin_regex=..., allow_methods=...,
allow_headers=..., allow_credentials=..., expose_headers=..., max_age=...))``: the same names as Starlette's, every
``"*"`` native.

Litestar routes ``/items`` and ``/items/`` to the same handler (it drops a trailing slash), so one handler answers both
and tells them apart by the raw path. Handlers take no HEAD: Litestar refuses a HEAD handler that may return a body,
and no probe sends HEAD.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Litestar, Request, Response, get, route
from litestar.config.cors import CORSConfig
from litestar.response import Redirect
from litestar.response.base import ASGIResponse

from conformance.apps import Built, written_call
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
from conformance.policy import Policy
from e2ekit._scenarios.model import CookieSetup

__all__ = ["build", "cors_options"]

METHODS: list[Any] = [method for method in ALL_METHODS if method != "HEAD"]


def cors_options(policy: Policy) -> dict[str, Any]:
    """``CORSConfig`` keyword arguments that state ``policy``."""
    return {
        "allow_origins": list(policy.allow_origins),
        "allow_origin_regex": policy.allow_origin_regex,
        "allow_methods": list(policy.allow_methods),
        "allow_headers": list(policy.allow_headers),
        "allow_credentials": policy.allow_credentials,
        "expose_headers": list(policy.expose_headers),
        "max_age": policy.max_age,
    }


async def _echo(request: Request[Any, Any, Any]) -> Response[Any]:
    headers = request.headers
    path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
    payload = echo_payload(
        request.method, path, headers.get("cookie"), headers.get("authorization"), await request.body()
    )
    return Response(payload, status_code=200)  # not Litestar's per-method default (201 for POST, 204 for DELETE)


def build(policy: Policy, cookies: Sequence[CookieSetup]) -> Built:
    options = cors_options(policy)

    @route("/api", http_method=METHODS)
    async def echo(request: Request[Any, Any, Any]) -> Response[Any]:
        return await _echo(request)

    @route(list(SLASH_REDIRECT), http_method=METHODS)
    async def items(request: Request[Any, Any, Any]) -> Response[Any]:
        if request.scope.get("raw_path", b"").endswith(b"/"):
            return await _echo(request)
        return Redirect(SLASH_REDIRECT[1], status_code=REDIRECT_STATUS)

    @route("/error", http_method=METHODS)
    async def error() -> None:
        raise RuntimeError(ERROR_TEXT)

    @get("/download")
    async def download() -> Response[str]:
        return Response(DOWNLOAD_BODY, media_type="text/csv", headers={"content-disposition": DOWNLOAD_DISPOSITION})

    @get("/custom")
    async def custom() -> Response[Any]:
        return Response({"ok": True}, status_code=200, headers=dict([CUSTOM_HEADER]))

    @get("/login")
    async def login() -> ASGIResponse:
        # Raw lines: Litestar's Cookie always writes a SameSite attribute, and a Response holds one value per name.
        headers = [("set-cookie", line) for line in cookie_lines(cookies)]
        return ASGIResponse(body=b"logged in", media_type="text/plain", headers=headers)

    app = Litestar(
        route_handlers=[echo, items, error, download, custom, login],
        cors_config=CORSConfig(**options),
        openapi_config=None,
        logging_config=None,  # Litestar's default configures the logging module for the whole process
        debug=False,
    )
    return Built(app, written_call("CORSConfig", options))
