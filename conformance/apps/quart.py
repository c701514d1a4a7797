"""Quart with quart-cors (ASGI).

Translation: ``cors(app, allow_origin=..., allow_methods=..., allow_headers=..., expose_headers=...,
allow_credentials=..., max_age=...)``; note the parameter is ``allow_origin``, singular. Origins, methods and headers
take ``"*"`` natively; the origin regex is one more entry of ``allow_origin``, compiled, as quart-cors documents.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from quart import Quart, Response, jsonify, redirect, request
from quart_cors import cors

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


def cors_options(policy: Policy) -> dict[str, Any]:
    """quart-cors keyword arguments that state ``policy``."""
    origins: list[str | re.Pattern[str]] = list(policy.allow_origins)
    if policy.allow_origin_regex is not None:
        origins.append(re.compile(policy.allow_origin_regex))
    return {
        "allow_origin": origins,
        "allow_methods": list(policy.allow_methods),
        "allow_headers": list(policy.allow_headers),
        "expose_headers": list(policy.expose_headers),
        "allow_credentials": policy.allow_credentials,
        "max_age": policy.max_age,
    }


def build(policy: Policy, cookies: Sequence[CookieSetup]) -> Built:
    app = Quart(__name__)
    options = cors_options(policy)

    @app.route("/api", methods=ALL_METHODS)
    @app.route(SLASH_REDIRECT[1], methods=ALL_METHODS)
    async def echo() -> Response:
        headers = request.headers
        payload = echo_payload(
            request.method,
            request.path,
            headers.get("cookie"),
            headers.get("authorization"),
            await request.get_data(),
        )
        return jsonify(payload)

    @app.route(SLASH_REDIRECT[0], methods=ALL_METHODS)
    async def slash_redirect() -> Any:
        return redirect(SLASH_REDIRECT[1], code=REDIRECT_STATUS)

    @app.route("/error", methods=ALL_METHODS)
    async def error() -> Response:
        raise RuntimeError(ERROR_TEXT)

    @app.get("/download")
    async def download() -> Response:
        return Response(DOWNLOAD_BODY, mimetype="text/csv", headers={"Content-Disposition": DOWNLOAD_DISPOSITION})

    @app.get("/custom")
    async def custom() -> Response:
        response = jsonify({"ok": True})
        response.headers[CUSTOM_HEADER[0]] = CUSTOM_HEADER[1]
        return response

    @app.get("/login")
    async def login() -> Response:
        response = Response("logged in", mimetype="text/plain")
        for line in cookie_lines(cookies):
            response.headers.add("Set-Cookie", line)
        return response

    cors(app, **options)
    return Built(app, written_call("cors", options, first="app"))
