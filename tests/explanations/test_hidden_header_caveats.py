"""Allowed, yet the page cannot read a header the server sent: every engine hides it, and every result says which
header and the expose setting that shows it, in the terms of the framework serving the app."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from e2ekit import Session

pytestmark = pytest.mark.e2e

DISPOSITION = 'attachment; filename="report.csv"'
HIDDEN = (
    "JavaScript cannot read Content-Disposition, which the response to GET /download sent: a cross-origin response "
    "shows script only the CORS-safelisted headers (Cache-Control, Content-Language, Content-Length, Content-Type, "
    "Expires, Last-Modified, Pragma) and those Access-Control-Expose-Headers names, and "
)


async def download(request: Request) -> Response:
    return PlainTextResponse("id\n1\n", media_type="text/csv", headers={"content-disposition": DISPOSITION})


def download_app(**cors: object) -> Starlette:
    return Starlette(routes=[Route("/download", download)], middleware=[Middleware(CORSMiddleware, **cors)])


def test_a_download_without_expose_headers_is_allowed_but_its_file_name_is_hidden_in_every_engine(
    e2e_session: Session,
) -> None:
    """https://github.com/axios/axios/issues/7142: "Content-Disposition header not accessible via response.headers
    despite being present in the network tab"."""
    page, _ = e2e_session.origins()
    result = e2e_session.fetch(download_app(allow_origins=[str(page)]), "/download", page_origin=str(page))

    assert result.allowed
    assert result.header("content-disposition") is None
    assert result.exchanges[-1].response_header("content-disposition") == DISPOSITION
    assert result.explanation is not None
    assert [(c.kind, c.detail, c.fix) for c in result.explanation.caveats] == [
        (
            "response.header-not-exposed",
            HIDDEN + "the response had no Access-Control-Expose-Headers",
            "add 'Content-Disposition' to expose_headers",
        )
    ]
    text = str(result).splitlines()
    assert text[text.index("  why: the response passed the CORS check") + 1 :][:2] == [
        f"  but: {HIDDEN}the response had no Access-Control-Expose-Headers [response.header-not-exposed]",
        "    fix: add 'Content-Disposition' to expose_headers",
    ]


def test_expose_headers_star_with_credentials_hides_the_header_and_the_fix_names_it_instead_of_star(
    e2e_session: Session,
) -> None:
    """https://github.com/eneo-ai/eneo/pull/275: expose_headers=["*"] stopped working once credentials were on."""
    page, _ = e2e_session.origins()
    app = download_app(allow_origins=[str(page)], allow_credentials=True, expose_headers=["*"])

    result = e2e_session.fetch(app, "/download", page_origin=str(page), credentials="include")

    assert result.allowed
    assert result.header("content-disposition") is None
    assert result.explanation is not None
    [caveat] = result.explanation.caveats
    assert caveat.detail == HIDDEN + (
        "Access-Control-Expose-Headers was '*', which is a header name, not a wildcard, when the request's "
        "credentials mode is 'include'"
    )
    assert caveat.fix == (
        "list 'Content-Disposition' in expose_headers instead of '*', which is a literal name when credentials are "
        "included"
    )


def test_an_exposed_header_is_read_and_raises_no_caveat(e2e_session: Session) -> None:
    """https://github.com/ethersphere/bee/pull/1283: the fix, Content-Disposition in the exposed headers."""
    page, _ = e2e_session.origins()
    app = download_app(allow_origins=[str(page)], expose_headers=["Content-Disposition"])

    result = e2e_session.fetch(app, "/download", page_origin=str(page))

    assert result.header("content-disposition") == DISPOSITION
    assert result.explanation is not None and result.explanation.caveats == ()
