"""``e2ekit repro`` on pasted console text of each engine's wording, against real apps in real browsers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from e2ekit import EngineWorker

APP = textwrap.dedent(
    """
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:5173"], allow_credentials=True)

    @app.get("/api/me")
    def me():
        return {"user": "ada"}

    @app.put("/api/me")
    def update_me():
        return {"user": "ada"}

    wildcard = FastAPI()
    wildcard.add_middleware(CORSMiddleware, allow_origins=["*"])

    @wildcard.get("/api/me")
    def wildcard_me():
        return {"user": "ada"}

    @wildcard.put("/api/me")
    def wildcard_update_me():
        return {"user": "ada"}

    # A bare middleware instance: its arguments live only in the headers it precomputed.
    wrapped = CORSMiddleware(FastAPI(routes=wildcard.routes), allow_origins=["*"])
    """
)

DJANGO_APP = textwrap.dedent(
    """
    from django.conf import settings
    from django.http import JsonResponse
    from django.urls import path

    settings.configure(
        SECRET_KEY="e2ekit-tests",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["corsheaders"],
        MIDDLEWARE=["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"],
        CORS_ALLOW_ALL_ORIGINS=True,
    )

    from django.core.asgi import get_asgi_application

    urlpatterns = [path("api/me", lambda request: JsonResponse({"user": "ada"}))]
    application = get_asgi_application()
    """
)

CHROMIUM_METHOD = (
    "Access to fetch at 'http://127.0.0.1:8000/api/me' from origin 'http://localhost:5173' has been blocked by CORS "
    "policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."
)
CHROMIUM_WILDCARD = (
    "Access to fetch at 'http://127.0.0.1:8000/api/me' from origin 'http://localhost:5173' has been blocked by CORS "
    "policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when "
    "the request's credentials mode is 'include'."
)


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "api.py").write_text(APP)
    (tmp_path / "django_api.py").write_text(DJANGO_APP)
    return tmp_path


def repro(app_dir: Path, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "e2ekit._cli", "repro", text, *args]
    return subprocess.run(command, cwd=app_dir, capture_output=True, text=True, timeout=180)


def repro_json(app_dir: Path, text: str, *args: str) -> tuple[int, dict[str, Any]]:
    run = repro(app_dir, text, "--json", *args)
    assert run.stderr == "", run.stderr
    return run.returncode, json.loads(run.stdout)


def test_a_chromium_method_message_is_reproduced_in_every_engine_with_the_same_cause(app_dir: Path) -> None:
    code, document = repro_json(app_dir, CHROMIUM_METHOD, "--app", "api:app", "--browser", "all")

    assert code == 0
    assert document["reported"]["check"] == "preflight.method-not-allowed"
    assert document["request"]["probe"]["method"] == "PUT"
    assert document["request"]["page_origin"] == "http://localhost:5173"
    assert sorted(r["engine"]["name"] for r in document["results"]) == ["chromium", "firefox", "webkit"]
    for result in document["results"]:
        assert result["reproduced"] is True
        assert result["verdict"] == "BLOCKED"
        assert result["exchanges"][0]["method"] == "OPTIONS"
        assert result["exchanges"][0]["status"] == 400
        assert result["explanation"]["fix"] == "add 'PUT' to allow_methods"


def test_fix_applies_the_suggested_change_and_every_engine_then_allows_the_request(app_dir: Path) -> None:
    run = repro(app_dir, CHROMIUM_METHOD, "--app", "api:app", "--browser", "all", "--fix")

    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.rstrip().splitlines()[-1] == (
        "--fix: add 'PUT' to allow_methods: chromium ALLOWED, firefox ALLOWED, webkit ALLOWED; every engine now allows it"
    )


@pytest.mark.parametrize(
    ("text", "check"),
    [
        pytest.param(CHROMIUM_WILDCARD, "cors-check.wildcard-with-credentials", id="chromium-fetch"),
        pytest.param(
            CHROMIUM_WILDCARD.replace("Access to fetch", "Access to XMLHttpRequest").replace(
                "'include'.",
                "'include'. The credentials mode of requests initiated by the XMLHttpRequest is "
                "controlled by the withCredentials attribute.",
            ),
            "cors-check.wildcard-with-credentials",
            id="chromium-xhr",
        ),
        pytest.param(
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
            "‘http://127.0.0.1:8000/api/me’. (Reason: Credential is not supported if the CORS header "
            "‘Access-Control-Allow-Origin’ is ‘*’).",
            "cors-check.wildcard-with-credentials",
            id="firefox-typographic",
        ),
        pytest.param(
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
            "'http://127.0.0.1:8000/api/me'. (Reason: Credential is not supported if the CORS header "
            "'Access-Control-Allow-Origin' is '*').",
            "cors-check.wildcard-with-credentials",
            id="firefox-ascii",
        ),
        pytest.param(
            "[Error] Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.\n"
            "[Error] Fetch API cannot load http://127.0.0.1:8000/api/me due to access control checks.",
            "cors-check.wildcard-with-credentials",
            id="webkit",
        ),
    ],
)
def test_a_wildcard_with_credentials_message_in_any_wording_is_reproduced_in_chromium(
    app_dir: Path, text: str, check: str
) -> None:
    code, document = repro_json(app_dir, text, "--app", "api:wildcard", "--browser", "chromium")

    assert code == 0
    assert document["reported"]["check"] == check
    [result] = document["results"]
    assert result["reproduced"] is True
    assert result["probe"]["credentials"] == "include"
    assert result["explanation"]["check"] == check


def test_a_message_this_app_does_not_reproduce_says_what_the_app_did_instead(app_dir: Path) -> None:
    run = repro(app_dir, CHROMIUM_WILDCARD, "--app", "api:app", "--browser", "chromium")

    assert run.returncode == 1
    assert "chromium (playwright): NOT REPRODUCED: this app's response was allowed" in run.stdout
    assert "  why: the response passed the CORS check" in run.stdout
    assert run.stdout.rstrip().endswith("reproduced in 0 of 1 engines")


def test_a_preflight_message_that_does_not_say_why_names_the_options_that_supply_it(app_dir: Path) -> None:
    text = (
        "Access to fetch at 'http://127.0.0.1:8000/api/me' from origin 'http://localhost:5173' has been blocked by "
        "CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status."
    )

    run = repro(app_dir, text, "--app", "api:app", "--browser", "chromium")

    assert (
        "assumed: the message says a preflight failed but not what triggered it: sending POST with Content-Type: "
        "application/json; set --method and --header to match the real request" in run.stdout
    )


def test_text_that_is_not_a_cors_message_exits_2_saying_what_was_expected(app_dir: Path) -> None:
    run = repro(app_dir, "TypeError: undefined is not a function", "--app", "api:app")

    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.startswith("e2ekit: error: expected a CORS error such as \"Access to fetch at '...' from origin")
    assert run.stderr.rstrip().endswith('found: "TypeError: undefined is not a function"')


def page_origin_in(fix_line: str) -> str:
    """The page origin the OS picked, as the --fix line names it (the tests let e2ekit pick the page's port, so that
    runs side by side never compete for one)."""
    found = re.search(r"\('(http://localhost:\d+)'\)|\['(http://localhost:\d+)'\]", fix_line)
    assert found is not None, fix_line
    return found.group(1) or found.group(2)


@pytest.mark.parametrize(
    ("app", "change"),
    [
        pytest.param(
            "api:wildcard",
            "list the page origin ('{page}') instead of '*' in allow_origins and set allow_credentials=True",
            id="fastapi",
        ),
        pytest.param(
            "django_api:application",
            "set CORS_ALLOWED_ORIGINS = ['{page}'] instead of CORS_ALLOW_ALL_ORIGINS = True and set "
            "CORS_ALLOW_CREDENTIALS = True",
            id="django",
        ),
    ],
)
def test_fix_of_a_wildcard_with_credentials_ends_allowed_and_prints_the_complete_change(
    app_dir: Path, e2e_engine: EngineWorker, browser_name: str, app: str, change: str
) -> None:
    run = repro(
        app_dir,
        CHROMIUM_WILDCARD,
        "--app",
        app,
        "--page-origin",
        "http://localhost",
        "--browser",
        browser_name,
        "--fix",
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{browser_name} ({e2e_engine.info.backend}): REPRODUCED" in run.stdout
    last = run.stdout.rstrip().splitlines()[-1]
    page = page_origin_in(last)
    assert last == f"--fix: {change.format(page=page)}: {browser_name} ALLOWED; every engine now allows it"


def test_fix_goes_on_while_a_new_cause_blocks_and_prints_each_step(
    app_dir: Path, e2e_engine: EngineWorker, browser_name: str
) -> None:
    run = repro(
        app_dir,
        CHROMIUM_METHOD,
        "--app",
        "api:wildcard",
        "--page-origin",
        "http://localhost",
        "--credentials",
        "include",
        "--browser",
        browser_name,
        "--fix",
    )

    assert run.returncode == 0, run.stdout + run.stderr
    last = run.stdout.rstrip().splitlines()[-3:]
    origins = f"list the page origin ('{page_origin_in(last[0])}') instead of '*' in allow_origins and set allow_credentials=True"
    assert last == [
        f"--fix step 1: {origins}: {browser_name} BLOCKED",
        f"--fix step 2: add 'PUT' to allow_methods: {browser_name} ALLOWED",
        f"--fix: {origins} and add 'PUT' to allow_methods: {browser_name} ALLOWED; every engine now allows it",
    ]


def test_fix_that_cannot_be_applied_in_process_prints_the_change_and_keeps_the_reproductions_exit_code(
    app_dir: Path,
) -> None:
    run = repro(
        app_dir,
        CHROMIUM_WILDCARD,
        "--app",
        "api:wrapped",
        "--page-origin",
        "http://localhost",
        "--browser",
        "chromium",
        "--fix",
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "reproduced in 1 of 1 engines: chromium" in run.stdout
    last = run.stdout.rstrip().splitlines()[-1]
    assert last == (
        "--fix: Starlette CORSMiddleware cannot be changed in-process here; make this change in the app's "
        f"configuration: list the page origin ('{page_origin_in(last)}') instead of '*' in allow_origins and set "
        "allow_credentials=True"
    )
