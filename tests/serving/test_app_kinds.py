"""Apps of every kind the Python web world writes, served as they are: ASGI, WSGI (Flask, Django), aiohttp, factories."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import aiohttp_cors
import flask_cors
import pytest
from aiohttp import web
from flask import Flask, jsonify

from e2ekit import Session, Verdict
from e2ekit._serving.apps import AppKind, app_kind, as_asgi
from tests.serving.cli import e2ekit


def flask_app(**cors: object) -> Flask:
    app = Flask("profile")
    flask_cors.CORS(app, **cors)

    @app.get("/api/me")
    def me() -> object:
        return jsonify(user="ada")

    return app


def test_flask_with_flask_cors_naming_the_page_origin_and_credentials_is_allowed(e2e_session: Session) -> None:
    page, _ = e2e_session.origins()
    app = flask_app(origins=[str(page)], supports_credentials=True)

    result = e2e_session.fetch(app, "/api/me", credentials="include")

    assert result.verdict is Verdict.ALLOWED
    assert result.status == 200
    assert result.body == '{"user":"ada"}\n'
    [request] = result.requests
    assert request.response_header("access-control-allow-origin") == str(page)
    assert request.response_header("access-control-allow-credentials") == "true"


def test_flask_cors_sending_the_wildcard_to_a_credentialed_fetch_is_blocked(e2e_session: Session) -> None:
    app = flask_app(send_wildcard=True)

    result = e2e_session.fetch(app, "/api/me", credentials="include")

    assert result.verdict is Verdict.BLOCKED
    assert result.reached_app
    [request] = result.requests
    assert (request.status, request.response_header("access-control-allow-origin")) == (200, "*")
    assert result.explanation is not None
    assert result.explanation.check == "cors-check.wildcard-with-credentials"
    page = result.page_origin
    assert result.explanation.fix == (
        f"list the page origin ('{page}') instead of '*' in origins in CORS(app, ...) and set "
        "supports_credentials=True in CORS(app, ...) when credentials are included"
    )


def test_a_flask_application_factory_named_by_import_string_is_called_and_served(
    e2e_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "factory_app.py").write_text(
        textwrap.dedent(
            """
            from flask import Flask
            from flask_cors import CORS

            def create_app(config=None):
                app = Flask(__name__)
                CORS(app)
                app.add_url_rule("/api", "api", lambda: "made by the factory")
                return app
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    result = e2e_session.fetch("factory_app:create_app", "/api")

    assert result.verdict is Verdict.ALLOWED
    assert result.body == "made by the factory"


def aiohttp_app(origin: str, options: object) -> web.Application:
    async def me(request: web.Request) -> web.Response:
        return web.json_response({"user": "ada", "host": request.host})

    app = web.Application()
    cors = aiohttp_cors.setup(app, defaults={origin: options})
    cors.add(app.router.add_get("/api/me", me))
    return app


def test_aiohttp_with_aiohttp_cors_naming_the_page_origin_and_credentials_is_allowed(e2e_session: Session) -> None:
    page, target = e2e_session.origins()
    app = aiohttp_app(str(page), aiohttp_cors.ResourceOptions(allow_credentials=True))

    result = e2e_session.fetch(app, "/api/me", credentials="include")

    assert result.verdict is Verdict.ALLOWED
    # aiohttp's own server answered, and saw the target origin as its own host.
    assert json.loads(result.body or "") == {"user": "ada", "host": f"127.0.0.1:{target.port}"}
    [request] = result.requests
    assert request.response_header("access-control-allow-origin") == str(page)
    assert request.response_header("access-control-allow-credentials") == "true"


def test_aiohttp_cors_allowing_any_origin_without_credentials_blocks_a_credentialed_fetch(
    e2e_session: Session,
) -> None:
    page, _ = e2e_session.origins()
    app = aiohttp_app("*", aiohttp_cors.ResourceOptions())

    result = e2e_session.fetch(app, "/api/me", credentials="include")

    assert result.verdict is Verdict.BLOCKED
    [request] = result.requests
    assert request.status == 200
    assert request.response_header("access-control-allow-origin") == str(page)
    assert request.response_header("access-control-allow-credentials") is None
    assert result.explanation is not None
    assert result.explanation.check == "cors-check.credentials-not-true"
    assert result.explanation.fix == (
        f"replace the origin '*' with '{page}' in cors.add(route, {{...}}) and set allow_credentials=True in its "
        "aiohttp_cors.ResourceOptions"
    )


def test_an_aiohttp_app_whose_startup_signal_raises_is_a_startup_error(e2e_session: Session) -> None:
    from e2ekit._errors import AppStartupError

    async def connect(app: web.Application) -> None:
        raise ConnectionError("database unreachable")

    app = web.Application()
    app.on_startup.append(connect)

    with pytest.raises(AppStartupError) as caught:
        e2e_session.fetch(app, "/")
    assert str(caught.value) == "the app's startup failed: ConnectionError: database unreachable"


DJANGO_APP = textwrap.dedent(
    """
    import django
    from django.conf import settings
    from django.http import JsonResponse
    from django.urls import path

    settings.configure(
        DEBUG=False,
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["127.0.0.1"],
        INSTALLED_APPS=["corsheaders"],
        MIDDLEWARE=["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"],
        CORS_ALLOWED_ORIGIN_REGEXES=[r"^http://localhost:\\d+$"],
        CORS_ALLOW_CREDENTIALS=True,
    )
    django.setup()

    def me(request):
        return JsonResponse({"user": "ada", "cookie": request.headers.get("cookie")})

    urlpatterns = [path("api/me", me)]

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    """
)


def test_a_django_wsgi_application_with_django_cors_headers_is_allowed(cli_browser: str, tmp_path: Path) -> None:
    (tmp_path / "djangoapp.py").write_text(DJANGO_APP)

    run = e2ekit(
        "check",
        "djangoapp:application",
        "--path",
        "/api/me",
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
    assert result["body"] == '{"user": "ada", "cookie": null}'
    [request] = result["exchanges"]
    assert ["access-control-allow-credentials", "true"] in request["response_headers"]
    assert ["access-control-allow-origin", result["page_origin"]] in request["response_headers"]


def test_an_adapted_app_is_adapted_once_and_an_asgi_app_is_served_as_it_is() -> None:
    from starlette.applications import Starlette

    asgi = Starlette()
    wsgi = flask_app()

    assert as_asgi(asgi) is asgi
    adapted = as_asgi(wsgi)
    assert as_asgi(adapted) is adapted
    assert app_kind(adapted) is AppKind.WSGI
    assert app_kind(asgi) is AppKind.ASGI
