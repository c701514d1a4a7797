"""What the page gets besides the verdict: the caveat registry, and one example per identifier, each detail exact.

Every identifier is produced by find_caveats from recorded exchanges; the fixes are pinned in
tests/frameworks/test_caveat_advice.py, and the browsers' agreement in tests/explanations/.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from e2ekit._probing.exchange import Exchange
from e2ekit._probing.probe import Probe
from e2ekit._standard import Caveat, CaveatKind, caveat_named, find_caveats

PAGE = "http://localhost:3000"
API = "http://127.0.0.1:8000/api"
ACAO = "access-control-allow-origin"
DISPOSITION = 'attachment; filename="report.csv"'


def caveats(
    exchanges: list[Exchange],
    *,
    probe: Probe | None = None,
    engine: str = "chromium",
    allowed: bool = True,
    readable: list[str] | None = None,
    earlier: list[Exchange] | None = None,
) -> tuple[Caveat, ...]:
    return find_caveats(
        probe or Probe("/api"),
        PAGE,
        API,
        exchanges,
        engine=engine,
        allowed=allowed,
        readable=readable,
        earlier=earlier or [],
    )


def test_every_caveat_identifier_is_dotted_and_described_and_found_by_its_name() -> None:
    for kind in CaveatKind:
        subject, _, what = kind.value.partition(".")
        assert subject in ("response", "cookie") and what
        assert kind.description
        assert caveat_named(kind.value) is kind
    with pytest.raises(ValueError, match=re.escape('"cookie.lax" is not a caveat identifier')):
        caveat_named("cookie.lax")


def test_a_header_the_response_sent_but_javascript_cannot_read_is_named_with_what_exposes_headers(
    make_exchange: Callable[..., Exchange],
) -> None:
    """https://github.com/axios/axios/issues/7142: a download's Content-Disposition, seen in the Network tab only."""
    response = make_exchange(
        headers={ACAO: PAGE, "content-type": "text/csv", "content-disposition": DISPOSITION, "vary": "Origin"}
    )

    [caveat] = caveats([response])

    assert caveat.kind is CaveatKind.HEADER_NOT_EXPOSED
    assert caveat.detail == (
        "JavaScript cannot read Content-Disposition, which the response to GET /api sent: a cross-origin response "
        "shows script only the CORS-safelisted headers (Cache-Control, Content-Language, Content-Length, "
        "Content-Type, Expires, Last-Modified, Pragma) and those Access-Control-Expose-Headers names, and the "
        "response had no Access-Control-Expose-Headers"
    )
    assert caveat.facts.headers == ("Content-Disposition",)


def test_an_expose_wildcard_with_credentials_is_named_as_the_literal_name_it_then_is(
    make_exchange: Callable[..., Exchange],
) -> None:
    """https://github.com/eneo-ai/eneo/pull/275: expose_headers=['*'] with allow_credentials=True."""
    response = make_exchange(
        headers={
            ACAO: PAGE,
            "access-control-allow-credentials": "true",
            "access-control-expose-headers": "*",
            "content-disposition": DISPOSITION,
        }
    )

    [caveat] = caveats([response], probe=Probe("/api", credentials="include"))

    assert caveat.detail.endswith(
        "and Access-Control-Expose-Headers was '*', which is a header name, not a wildcard, when the request's "
        "credentials mode is 'include'"
    )


def test_headers_addressed_to_the_browser_and_what_javascript_read_raise_no_caveat(
    make_exchange: Callable[..., Exchange],
) -> None:
    response = make_exchange(
        headers={ACAO: PAGE, "vary": "Origin", "date": "x", "www-authenticate": "Bearer", "x-request-id": "42"}
    )

    assert caveats([response], readable=["x-request-id"]) == ()
    assert caveats([response], allowed=False) == ()


@pytest.mark.parametrize(
    ("status", "error", "body", "what"),
    [
        pytest.param(
            401,
            None,
            '{"detail":"Not authenticated"}',
            'the app refused the request (it answered {"detail":"Not authenticated"})',
            id="401",
        ),
        pytest.param(500, "RuntimeError: boom", "", "the app failed (it raised RuntimeError: boom)", id="500"),
        pytest.param(404, None, "", "the app answered with an error", id="404"),
    ],
)
def test_an_error_status_javascript_read_says_the_app_answered_it_not_cors(
    make_exchange: Callable[..., Exchange], status: int, error: str | None, body: str, what: str
) -> None:
    """https://github.com/fastapi/fastapi/issues/457: once CORS headers are on the 500, the page reads it."""
    response = Exchange(
        "GET", API, "/api", "", (("origin", PAGE),), status, ((ACAO, PAGE),), error=error, response_body=body
    )

    [caveat] = caveats([response])

    assert caveat.kind is CaveatKind.ERROR_STATUS
    assert caveat.detail == f"JavaScript read status {status} from GET /api: CORS let the page read it, but {what}"


def test_a_cookie_set_earlier_and_left_behind_is_explained_in_the_engines_own_terms(
    make_exchange: Callable[..., Exchange],
) -> None:
    """https://github.com/fastapi/fastapi/issues/3267: the login "works in Safari, fails in Chrome"."""
    login = make_exchange(url="http://127.0.0.1:8000/login", headers={"set-cookie": "sid=abc123; Path=/"})
    request = make_exchange(headers={ACAO: PAGE, "access-control-allow-credentials": "true"})
    probe = Probe("/api", credentials="include")

    by_engine = {
        engine: caveats([request], probe=probe, engine=engine, earlier=[login])
        for engine in ("chromium", "firefox", "webkit")
    }

    head = (
        "the GET /api request went without the cookie sid (no SameSite attribute) that "
        "http://127.0.0.1:8000/login set earlier: "
    )
    sites = "(the page is on localhost, the request goes to 127.0.0.1); WebKitGTK 2.50.6 sends it"
    assert [(c.kind, c.detail) for c in by_engine["chromium"]] == [
        (
            CaveatKind.COOKIE_SAMESITE_DEFAULT,
            head + "Chromium 156 treats a cookie without SameSite as Lax, and a Lax cookie stays off a fetch() from a "
            f"page on another site {sites}",
        )
    ]
    assert [(c.kind, c.detail) for c in by_engine["firefox"]] == [
        (
            CaveatKind.COOKIE_THIRD_PARTY,
            head + "Firefox's Total Cookie Protection (network.cookie.cookieBehavior = 5, the default) keeps a jar of "
            "cookies per top-level site, so the cookie the API set when visited first-hand is not in the jar of "
            f"requests from a page on another site {sites}",
        )
    ]
    # The model says WebKit sends it: a result from WebKit without the cookie would be a rule e2ekit does not know.
    assert [c.kind for c in by_engine["webkit"]] == [CaveatKind.COOKIE_NOT_SENT]


def test_a_request_that_carried_the_cookie_or_never_reached_the_app_has_no_cookie_caveat(
    make_exchange: Callable[..., Exchange], make_preflight: Callable[..., Exchange]
) -> None:
    login = make_exchange(url="http://127.0.0.1:8000/login", headers={"set-cookie": "sid=1; Path=/"})
    carried = make_exchange(request_headers={"origin": PAGE, "cookie": "sid=1"}, headers={ACAO: PAGE})

    assert caveats([carried], probe=Probe("/api", credentials="include"), earlier=[login]) == ()
    assert caveats([make_preflight()], allowed=False, earlier=[login]) == ()


def test_an_error_status_after_a_cookie_left_behind_points_at_the_cookie(
    make_exchange: Callable[..., Exchange],
) -> None:
    """https://github.com/laravel/sanctum/pull/97: "it says 401 Unauthorized" in Chrome."""
    login = make_exchange(url="http://127.0.0.1:8000/login", headers={"set-cookie": "sid=1; Path=/; SameSite=Lax"})
    refused = make_exchange(status=401, headers={ACAO: PAGE, "access-control-allow-credentials": "true"})

    found = caveats([refused], probe=Probe("/api", credentials="include"), earlier=[login])

    assert [c.kind for c in found] == [CaveatKind.COOKIE_SAMESITE, CaveatKind.ERROR_STATUS]
    assert found[1].facts.cookie_missing is True


def test_every_caveat_identifier_is_produced_by_an_example_here_or_in_the_cookie_rules(
    make_exchange: Callable[..., Exchange],
) -> None:
    from tests.spec.test_spec_cookies import CAUSES
    from tests.spec.test_spec_cookies import PAGE as COOKIE_PAGE

    produced = {CaveatKind.HEADER_NOT_EXPOSED, CaveatKind.ERROR_STATUS, CaveatKind.COOKIE_NOT_SENT}
    for cause in CAUSES:
        line, login, url, credentials, _ = cause.values
        request = make_exchange(url=url, request_headers={"origin": COOKIE_PAGE}, headers={ACAO: COOKIE_PAGE})
        earlier = [make_exchange(url=login, headers={"set-cookie": line})]
        for engine in ("chromium", "firefox", "webkit"):
            found = find_caveats(
                Probe(credentials=credentials),
                COOKIE_PAGE,
                url,
                [request],
                engine=engine,
                allowed=True,
                readable=[],
                earlier=earlier,
            )
            found = tuple(c for c in found if c.kind is not CaveatKind.COOKIE_NOT_SENT)
            produced |= {c.kind for c in found}

    assert produced == set(CaveatKind)
