"""FastAPI: Starlette's CORSMiddleware under FastAPI's routing (its 404, its slash redirect, its OPTIONS answer)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from conformance.apps import Built, written_call
from conformance.apps.endpoints import (
    ALL_METHODS,
    CUSTOM_HEADER,
    DOWNLOAD_BODY,
    DOWNLOAD_DISPOSITION,
    ERROR_TEXT,
    cookie_lines,
    echo_payload,
)
from conformance.policy import Policy
from e2ekit._scenarios.model import CookieSetup

__all__ = ["build"]


def build(policy: Policy, cookies: Sequence[CookieSetup]) -> Built:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    arguments = policy.middleware_arguments()
    app.add_middleware(CORSMiddleware, **arguments)

    # /items is not routed: FastAPI's router redirects it to /items/ (307), as Starlette's does.
    @app.api_route("/api", methods=ALL_METHODS)
    @app.api_route("/items/", methods=ALL_METHODS)
    async def echo(request: Request) -> JSONResponse:
        headers = request.headers
        payload = echo_payload(
            request.method, request.url.path, headers.get("cookie"), headers.get("authorization"), await request.body()
        )
        return JSONResponse(payload)

    @app.api_route("/error", methods=ALL_METHODS)
    async def error() -> None:
        raise RuntimeError(ERROR_TEXT)

    @app.get("/download")
    async def download() -> PlainTextResponse:
        return PlainTextResponse(
            DOWNLOAD_BODY, media_type="text/csv", headers={"content-disposition": DOWNLOAD_DISPOSITION}
        )

    @app.get("/custom")
    async def custom() -> JSONResponse:
        return JSONResponse({"ok": True}, headers=dict([CUSTOM_HEADER]))

    @app.get("/login")
    async def login() -> Response:
        response = PlainTextResponse("logged in")
        for line in cookie_lines(cookies):
            response.headers.append("set-cookie", line)
        return response

    return Built(app, written_call("app.add_middleware", arguments, first="CORSMiddleware"))
