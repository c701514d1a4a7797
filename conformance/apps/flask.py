"""Flask with flask-cors (WSGI; e2ekit serves it through a2wsgi).

Translation: ``CORS(app, origins=..., methods=..., allow_headers=..., expose_headers=..., supports_credentials=...,
max_age=...)``. Origins and headers take ``"*"`` natively; the origin regex is one more entry of ``origins``, compiled
(flask-cors's documented form). flask-cors has no ``"*"`` for methods: the list is passed literally and the table
shows what that does. Flask answers OPTIONS itself for every route (``provide_automatic_options``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from flask import Flask, Response, jsonify, redirect, request
from flask_cors import CORS

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
    """flask-cors keyword arguments that state ``policy``."""
    origins: list[str | re.Pattern[str]] = list(policy.allow_origins)
    if policy.allow_origin_regex is not None:
        origins.append(re.compile(policy.allow_origin_regex))
    return {
        "origins": origins,
        "methods": list(policy.allow_methods),
        "allow_headers": list(policy.allow_headers),
        "expose_headers": list(policy.expose_headers) or None,
        "supports_credentials": policy.allow_credentials,
        "max_age": policy.max_age,
    }


def build(policy: Policy, cookies: Sequence[CookieSetup]) -> Built:
    app = Flask(__name__)
    options = cors_options(policy)

    @app.route("/api", methods=ALL_METHODS)
    @app.route(SLASH_REDIRECT[1], methods=ALL_METHODS)
    def echo() -> Response:
        headers = request.headers
        payload = echo_payload(
            request.method, request.path, headers.get("cookie"), headers.get("authorization"), request.get_data()
        )
        return jsonify(payload)

    @app.route(SLASH_REDIRECT[0], methods=ALL_METHODS)
    def slash_redirect() -> Any:
        return redirect(SLASH_REDIRECT[1], code=REDIRECT_STATUS)

    @app.route("/error", methods=ALL_METHODS)
    def error() -> Response:
        raise RuntimeError(ERROR_TEXT)

    @app.get("/download")
    def download() -> Response:
        return Response(DOWNLOAD_BODY, mimetype="text/csv", headers={"Content-Disposition": DOWNLOAD_DISPOSITION})

    @app.get("/custom")
    def custom() -> Response:
        response = jsonify({"ok": True})
        response.headers[CUSTOM_HEADER[0]] = CUSTOM_HEADER[1]
        return response

    @app.get("/login")
    def login() -> Response:
        response = Response("logged in", mimetype="text/plain")
        for line in cookie_lines(cookies):
            response.headers.add("Set-Cookie", line)
        return response

    CORS(app, **options)
    return Built(app, written_call("CORS", options, first="app"))
