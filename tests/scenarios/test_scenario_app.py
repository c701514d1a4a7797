"""The apps scenarios describe, checked in-process: routes, layers, the page placeholders and custom apps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from e2ekit import Verdict
from e2ekit._errors import AppLoadError
from e2ekit._probing.probe import Probe
from e2ekit._scenarios.app import build_app, cors_arguments
from e2ekit._scenarios.model import CookieSetup, Scenario, ScenarioProbe

PAGE = "http://localhost:41234"
PREFLIGHT = {"origin": PAGE, "access-control-request-method": "PUT", "access-control-request-headers": "authorization"}


def scenario(**fields: Any) -> Scenario:
    fields.setdefault("probes", (ScenarioProbe(Probe(), {"default": Verdict.ALLOWED}),))
    return Scenario(id="s", title="t", file=fields.pop("file", "scenarios/s.toml"), **fields)


def client(**fields: Any) -> TestClient:
    return TestClient(build_app(scenario(**fields), PAGE), raise_server_exceptions=False, follow_redirects=False)


def test_page_placeholders_become_the_page_origin_with_and_without_its_scheme() -> None:
    cors = {
        "allow_origins": ["{page}", "{page_host}", "{page}/"],
        "allow_origin_regex": r"{page}:\d{1,5}",
        "max_age": 5,
    }

    assert cors_arguments(cors, PAGE) == {
        "allow_origins": [PAGE, "localhost:41234", f"{PAGE}/"],
        "allow_origin_regex": r"http://localhost:41234:\d{1,5}",
        "max_age": 5,
    }


def test_the_api_route_echoes_method_cookie_and_authorization_behind_the_scenarios_cors_policy() -> None:
    response = client(cors={"allow_origins": ["{page}"]}).put(
        "/api", content="x", headers={"origin": PAGE, "cookie": "sid=1", "authorization": "Bearer t"}
    )

    assert response.status_code == 200
    assert response.json() == {
        "method": "PUT",
        "path": "/api",
        "cookie": "sid=1",
        "authorization": "Bearer t",
        "body": "x",
    }
    assert response.headers["access-control-allow-origin"] == PAGE


def test_items_redirects_to_items_slash_inside_cors_so_the_redirect_carries_cors_headers() -> None:
    response = client(cors={"allow_origins": ["*"]}).get("/items", headers={"origin": PAGE})

    assert response.status_code == 307
    assert response.headers["location"] == "http://testserver/items/"
    assert response.headers["access-control-allow-origin"] == "*"


def test_the_error_route_answers_500_without_cors_headers_and_cors_outermost_adds_them() -> None:
    inside = client(cors={"allow_origins": ["*"]}).get("/error", headers={"origin": PAGE})
    outermost = client(cors={"allow_origins": ["*"]}, layers=("cors-outermost",)).get(
        "/error", headers={"origin": PAGE}
    )

    assert (inside.status_code, inside.headers.get("access-control-allow-origin")) == (500, None)
    assert (outermost.status_code, outermost.headers.get("access-control-allow-origin")) == (500, "*")


def test_the_error_handler_layer_formats_the_500_but_it_still_has_no_cors_headers() -> None:
    response = client(cors={"allow_origins": ["*"]}, layers=("error-handler",)).get("/error", headers={"origin": PAGE})

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal Server Error", "error": "RuntimeError"}
    assert "access-control-allow-origin" not in response.headers


def test_download_and_custom_routes_send_the_headers_the_exposure_scenarios_read() -> None:
    app = client(cors={"allow_origins": ["*"]})

    assert app.get("/download").headers["content-disposition"] == 'attachment; filename="report.csv"'
    assert app.get("/custom").headers["x-request-id"] == "e2ekit-42"
    assert app.get("/missing", headers={"origin": PAGE}).status_code == 404


def test_login_sets_each_cookie_with_exactly_the_attributes_written() -> None:
    cookies = (CookieSetup("sid", "abc"), CookieSetup("strict", "1", samesite="Strict", secure=True, httponly=False))

    response = client(cookies=cookies).get("/login")

    assert response.headers.get_list("set-cookie") == [
        "sid=abc; Path=/; HttpOnly",
        "strict=1; Path=/; Secure; SameSite=Strict",
    ]


def test_auth_outside_cors_answers_a_preflight_401_without_cors_headers() -> None:
    response = client(
        cors={"allow_origins": ["*"], "allow_methods": ["*"], "allow_headers": ["*"]}, layers=("auth-outside-cors",)
    ).options("/api", headers=PREFLIGHT)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "access-control-allow-origin" not in response.headers


def test_auth_inside_cors_lets_the_preflight_through_and_its_401_carries_cors_headers() -> None:
    app = client(
        cors={"allow_origins": ["*"], "allow_methods": ["*"], "allow_headers": ["*"]}, layers=("auth-inside-cors",)
    )

    preflight = app.options("/api", headers=PREFLIGHT)
    request = app.get("/api", headers={"origin": PAGE})

    assert preflight.status_code == 200
    assert (request.status_code, request.headers["access-control-allow-origin"]) == (401, "*")


def test_the_slash_redirect_layer_redirects_preflights_too_without_cors_headers() -> None:
    response = client(cors={"allow_origins": ["*"]}, layers=("slash-redirect-outside-cors",)).options(
        "/items?a=1", headers=PREFLIGHT
    )

    assert (response.status_code, response.headers["location"]) == (307, "/items/?a=1")
    assert "access-control-allow-origin" not in response.headers


def test_a_scenario_without_cors_has_no_cors_headers_at_all() -> None:
    response = client().get("/api", headers={"origin": PAGE})

    assert response.status_code == 200
    assert not [name for name in response.headers if name.startswith("access-control-")]


def test_a_custom_app_is_loaded_from_the_scenario_files_directory(tmp_path: Path) -> None:
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "mine.py").write_text(
        "from starlette.applications import Starlette\n"
        "from starlette.responses import PlainTextResponse\n"
        "from starlette.routing import Route\n"
        "app = Starlette(routes=[Route('/api', lambda request: PlainTextResponse('mine'))])\n"
    )

    app = build_app(scenario(app="apps.mine:app", file=str(tmp_path / "s.toml")), PAGE)

    assert TestClient(app).get("/api").text == "mine"


def test_a_custom_app_that_is_missing_is_an_app_load_error_naming_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "mine.py").write_text("app = None\n")

    with pytest.raises(AppLoadError, match=r'\[s\] app "apps.mine:other": .*mine.py has no attribute "other"$'):
        build_app(scenario(app="apps.mine:other", file=str(tmp_path / "s.toml")), PAGE)
