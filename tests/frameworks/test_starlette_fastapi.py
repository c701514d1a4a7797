"""Starlette's and FastAPI's CORSMiddleware in real browsers: a right configuration is allowed, a wrong one is
blocked with the fix in CORSMiddleware's own arguments, naming the configured value that is wrong."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware as StarletteCORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from e2ekit import Session


def starlette_app(**cors: object) -> Starlette:
    async def me(request: Request) -> JSONResponse:
        return JSONResponse({"user": "ada"})

    return Starlette(routes=[Route("/api/me", me)], middleware=[Middleware(StarletteCORSMiddleware, **cors)])


def fastapi_app(**cors: object) -> FastAPI:
    app = FastAPI()
    app.add_middleware(CORSMiddleware, **cors)  # type: ignore[arg-type]

    @app.get("/api/me")
    def me() -> dict[str, str]:
        return {"user": "ada"}

    return app


def test_starlette_allows_a_credentialed_fetch_from_the_listed_page_origin(e2e_session: Session) -> None:
    page, _ = e2e_session.origins()
    app = starlette_app(allow_origins=[str(page)], allow_credentials=True)

    result = e2e_session.fetch(app, "/api/me", credentials="include")

    assert result.allowed
    assert result.explanation is not None and result.explanation.fix is None


def test_starlette_names_the_allow_origins_entry_with_a_trailing_slash(e2e_session: Session) -> None:
    page, _ = e2e_session.origins()
    app = starlette_app(allow_origins=[f"{page}/"])

    result = e2e_session.fetch(app, "/api/me")

    assert result.blocked
    assert result.explanation is not None
    assert result.explanation.check == "cors-check.missing-allow-origin"
    assert result.explanation.fix == (
        f"list the origin without the trailing slash in allow_origins: '{page}', not '{page}/'"
    )


def test_fastapi_allows_a_credentialed_fetch_matched_by_an_anchored_origin_regex(e2e_session: Session) -> None:
    app = fastapi_app(allow_origin_regex=r"http://localhost:\d+", allow_credentials=True)

    result = e2e_session.fetch(app, "/api/me", credentials="include")

    assert result.allowed


def test_fastapi_wildcard_with_credentials_is_fixed_by_the_page_origin_and_allow_credentials(
    e2e_session: Session,
) -> None:
    page, _ = e2e_session.origins()
    app = fastapi_app(allow_origins=["*"])

    result = e2e_session.fetch(app, "/api/me", credentials="include")

    assert result.blocked
    assert result.explanation is not None
    assert result.explanation.check == "cors-check.wildcard-with-credentials"
    assert result.explanation.fix == (
        f"list the page origin ('{page}') instead of '*' in allow_origins and set allow_credentials=True when "
        "credentials are included"
    )


def test_fastapi_names_an_origin_regex_that_matches_only_part_of_the_origin(e2e_session: Session) -> None:
    page, _ = e2e_session.origins()
    app = fastapi_app(allow_origin_regex=r"localhost:\d+")

    result = e2e_session.fetch(app, "/api/me")

    assert result.blocked
    assert result.explanation is not None
    assert result.explanation.fix == (
        f"allow_origin_regex 'localhost:\\d+' matches only part of '{page}' and CORSMiddleware matches the whole "
        "origin: write 'http://localhost:\\d+'"
    )
