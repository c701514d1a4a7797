"""Build the ASGI app a scenario describes: the built-in routes behind CORSMiddleware and layers, or its own app
(of any kind the command line accepts, adapted to ASGI)."""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from e2ekit._errors import AppLoadError
from e2ekit._scenarios.layers import AuthRequired, LoginRedirect, SessionRequired, SlashRedirect
from e2ekit._scenarios.model import Scenario
from e2ekit._scenarios.routes import builtin_routes
from e2ekit._serving.apps import as_asgi, load_app, parse_import_string
from e2ekit._serving.asgi import ASGIApp
from e2ekit._serving.upstream import is_url

__all__ = ["PAGE_HOST_PLACEHOLDER", "PAGE_PLACEHOLDER", "build_app", "cors_arguments"]

PAGE_PLACEHOLDER = "{page}"
"""Stands for the page origin in [scenario.cors] strings; replaced at run time, once the page's port is known."""
PAGE_HOST_PLACEHOLDER = "{page_host}"
"""The page origin without its scheme ("localhost:41234"), to write the classic scheme-less allow-list mistake."""


def cors_arguments(cors: Mapping[str, Any], page_origin: str) -> dict[str, Any]:
    """The CORSMiddleware keyword arguments with ``{page}`` and ``{page_host}`` replaced in every string."""
    page_host = page_origin.partition("://")[2]

    def substitute(value: Any) -> Any:
        if isinstance(value, str):
            # str.replace, not str.format: regexes keep their own braces (\d{1,5}).
            return value.replace(PAGE_PLACEHOLDER, page_origin).replace(PAGE_HOST_PLACEHOLDER, page_host)
        if isinstance(value, list):
            return [substitute(item) for item in value]
        return value

    return {key: substitute(value) for key, value in cors.items()}


def build_app(scenario: Scenario, page_origin: str) -> ASGIApp:
    """The app under test for ``scenario`` when the page is served at ``page_origin`` (e.g. http://localhost:41234)."""
    if scenario.app is not None:
        return _import_app(scenario)
    layers = set(scenario.layers)
    cors = None if scenario.cors is None else cors_arguments(scenario.cors, page_origin)
    # Starlette's middleware list runs outermost first; ServerErrorMiddleware is always outside all of it.
    middleware: list[Middleware] = []
    if "auth-outside-cors" in layers:
        middleware.append(Middleware(AuthRequired))
    if "slash-redirect-outside-cors" in layers:
        middleware.append(Middleware(SlashRedirect))
    if "login-redirect-outside-cors" in layers:
        middleware.append(Middleware(LoginRedirect))
    if cors is not None and "cors-outermost" not in layers:
        middleware.append(Middleware(CORSMiddleware, **cors))
    if "auth-inside-cors" in layers:
        middleware.append(Middleware(AuthRequired))
    if "session-inside-cors" in layers:
        middleware.append(Middleware(SessionRequired))
    handlers = {Exception: _server_error} if "error-handler" in layers else {}
    app: ASGIApp = Starlette(
        routes=builtin_routes(scenario.cookies, page_origin), middleware=middleware, exception_handlers=handlers
    )
    if cors is not None and "cors-outermost" in layers:
        app = CORSMiddleware(app, **cors)
    return app


async def _server_error(request: Request, exc: Exception) -> Response:
    return JSONResponse({"detail": "Internal Server Error", "error": type(exc).__name__}, status_code=500)


def _import_app(scenario: Scenario) -> ASGIApp:
    """``app = "apps.legacy:app"`` names a module relative to the scenario file's directory (scenarios/apps/legacy.py).

    It is loaded from that file under a private module name, so a same-named module elsewhere on sys.path (a
    project's own ``apps`` package) can neither shadow it nor be shadowed. Other modules import as usual, from the
    scenario file's directory first. The rules are the command line's (e2ekit._serving.apps): an app of any kind, a
    callable without arguments that returns one, or a running server's URL (on this machine); never a file path.
    """
    assert scenario.app is not None
    directory = Path(scenario.file).resolve().parent
    try:
        if is_url(scenario.app):
            return load_app(scenario.app)
        module_name, attribute = parse_import_string(scenario.app)
        candidate = directory.joinpath(*module_name.split(".")).with_suffix(".py")
        if not candidate.is_file():
            return load_app(scenario.app, app_dir=directory)
        module = _module_from_file(candidate, scenario.app)
        if not hasattr(module, attribute):
            raise AppLoadError(f'app "{scenario.app}": {candidate} has no attribute "{attribute}"')
        return as_asgi(getattr(module, attribute), f'app "{scenario.app}"')
    except AppLoadError as error:
        raise AppLoadError(f"{scenario.file}: [{scenario.id}] {error}") from None


def _module_from_file(path: Path, text: str) -> ModuleType:
    private_name = "e2ekit_scenario_app_" + hashlib.sha1(str(path).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(private_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SystemExit as exit:
        raise AppLoadError(f'app "{text}": importing {path} called sys.exit({exit.code!r})') from None
    except Exception as error:  # the module's own failure, reported like load_app reports it
        raise AppLoadError(f'app "{text}": importing {path} raised {type(error).__name__}: {error}') from None
    return module
