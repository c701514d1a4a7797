"""Litestar's CORSConfig and quart-cors in real browsers: the fix speaks their own settings (quart-cors says
``allow_origin``, singular), and an exception quart-cors raises at request time is named."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, get
from litestar.config.cors import CORSConfig
from quart import Quart
from quart_cors import cors

from e2ekit import Session


def litestar_app(**config: Any) -> Litestar:
    @get("/api/me")
    async def me() -> dict[str, str]:
        return {"user": "ada"}

    return Litestar(route_handlers=[me], cors_config=CORSConfig(**config))


def quart_app(**options: Any) -> Quart:
    app = Quart(__name__)

    @app.get("/api/me")
    async def me() -> dict[str, str]:
        return {"user": "ada"}

    return cors(app, **options)


def test_litestar_allows_a_credentialed_fetch_from_the_listed_page_origin(e2e_session: Session) -> None:
    page, _ = e2e_session.origins()
    app = litestar_app(allow_origins=[str(page)], allow_credentials=True)

    result = e2e_session.fetch(app, "/api/me", credentials="include")

    assert result.allowed


def test_litestar_wildcard_with_credentials_is_fixed_in_cors_config(e2e_session: Session) -> None:
    page, _ = e2e_session.origins()
    app = litestar_app(allow_origins=["*"])

    result = e2e_session.fetch(app, "/api/me", credentials="include")

    assert result.blocked
    assert result.explanation is not None
    assert result.explanation.check == "cors-check.wildcard-with-credentials"
    assert result.explanation.fix == (
        f"list the page origin ('{page}') instead of '*' in allow_origins in CORSConfig and set "
        "allow_credentials=True in CORSConfig when credentials are included"
    )


def test_litestar_refused_method_is_read_from_its_400_body(e2e_session: Session) -> None:
    page, _ = e2e_session.origins()
    app = litestar_app(allow_origins=[str(page)], allow_methods=["GET"])

    result = e2e_session.fetch(app, "/api/me", method="DELETE")

    assert result.blocked
    assert result.explanation is not None
    assert result.explanation.check == "preflight.missing-allow-origin"
    assert result.explanation.fix == "add 'DELETE' to allow_methods in CORSConfig"


def test_quart_allows_a_credentialed_fetch_from_the_listed_page_origin(e2e_session: Session) -> None:
    page, _ = e2e_session.origins()
    app = quart_app(allow_origin=[str(page)], allow_credentials=True)

    result = e2e_session.fetch(app, "/api/me", credentials="include")

    assert result.allowed


def test_quart_default_wildcard_with_credentials_is_fixed_with_allow_origin_singular(e2e_session: Session) -> None:
    page, _ = e2e_session.origins()
    app = quart_app()

    result = e2e_session.fetch(app, "/api/me", credentials="include")

    assert result.blocked
    assert result.explanation is not None
    assert result.explanation.check == "cors-check.wildcard-with-credentials"
    assert result.explanation.fix == (
        f"list the page origin ('{page}') instead of '*' in allow_origin in cors(app, ...) and set "
        "allow_credentials=True in cors(app, ...) when credentials are included"
    )


def test_quart_names_the_value_error_quart_cors_raises_for_a_wildcard_with_credentials(e2e_session: Session) -> None:
    page, _ = e2e_session.origins()
    app = quart_app(allow_origin="*", allow_credentials=True)

    result = e2e_session.fetch(app, "/api/me", credentials="include")

    assert result.blocked
    assert result.status is None and result.exchanges[-1].status == 500
    assert result.explanation is not None
    assert result.explanation.check == "cors-check.missing-allow-origin"
    assert result.explanation.fix == (
        "quart-cors raises ValueError ('Cannot allow credentials with wildcard allowed origins') for allow_origin '*' "
        f"with allow_credentials=True, so the 500 carries no CORS headers: list the page origin ('{page}') instead "
        "of '*' in allow_origin in cors(app, ...)"
    )
