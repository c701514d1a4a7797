"""The fix for each caveat, worded in the settings of what serves the app: a hidden header in each framework's expose
setting, a cookie left behind where the request or the cookie is made, an error status as the app's own answer;
and a preflight an authentication layer answered, which never reached CORS handling."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from e2ekit._frameworks import RESPONSE_HEADERS, CorsPolicy, Framework
from e2ekit._frameworks.django import DjangoCorsHeaders
from e2ekit._frameworks.flask import FlaskCORS
from e2ekit._frameworks.starlette import StarletteCORS, policy_from_arguments
from e2ekit._probing.exchange import Exchange
from e2ekit._probing.probe import Probe
from e2ekit._standard import Caveat, CaveatFacts, CaveatKind, Check, find_caveats, parse_set_cookie, predict

PAGE = "http://localhost:3000"
API = "http://127.0.0.1:8000/api"
ACAO = "access-control-allow-origin"
STARLETTE = StarletteCORS()
ALLOWED = policy_from_arguments({"allow_origins": [PAGE], "allow_credentials": True})
SAME_SITE = (
    "serve the page and the API from the same site (the same host name here, e.g. both on localhost; in production "
    "the same registrable domain, such as app.example.com and api.example.com)"
)
BLOCKING = "Chromium 156, Firefox ESR 153.8 and Safari"


def hidden(headers: tuple[str, ...] = ("Content-Disposition",), **facts: object) -> Caveat:
    return Caveat(CaveatKind.HEADER_NOT_EXPOSED, "", CaveatFacts(headers=headers, **facts))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("framework", "policy", "fix"),
    [
        pytest.param(STARLETTE, ALLOWED, "add 'Content-Disposition' to expose_headers", id="starlette"),
        pytest.param(
            DjangoCorsHeaders(),
            CorsPolicy(origins=(PAGE,), where="settings.py"),
            "add 'Content-Disposition' to CORS_EXPOSE_HEADERS",
            id="django-cors-headers",
        ),
        pytest.param(
            FlaskCORS(),
            CorsPolicy(origins=(PAGE,), where="CORS(app, ...)"),
            "add 'Content-Disposition' to expose_headers in CORS(app, ...)",
            id="flask-cors",
        ),
        pytest.param(
            RESPONSE_HEADERS,
            CorsPolicy(credentials=None),
            "list 'Content-Disposition' in Access-Control-Expose-Headers",
            id="response-headers",
        ),
    ],
)
def test_a_hidden_header_is_fixed_in_the_frameworks_own_expose_setting(
    framework: Framework, policy: CorsPolicy, fix: str
) -> None:
    """https://github.com/axios/axios/issues/7142 (Django) and https://github.com/ethersphere/bee/pull/1283."""
    assert framework.caveat_advice(hidden(), policy) == fix


def test_an_expose_wildcard_with_credentials_is_replaced_by_the_names() -> None:
    """https://github.com/eneo-ai/eneo/pull/275."""
    caveat = hidden(expose_headers="*", credentials="include")

    assert STARLETTE.caveat_advice(caveat, ALLOWED) == (
        "list 'Content-Disposition' in expose_headers instead of '*', which is a literal name when credentials are "
        "included"
    )


def cookie_caveat(line: str, kind: CaveatKind, url: str = API, **facts: object) -> Caveat:
    cookie = parse_set_cookie(line, "http://127.0.0.1:8000/login")
    return Caveat(kind, "", CaveatFacts(cookie=cookie, request_url=url, page_origin=PAGE, **facts))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("caveat", "fix"),
    [
        pytest.param(
            cookie_caveat("sid=1; Path=/", CaveatKind.COOKIE_SAMESITE_DEFAULT, cross_site=True),
            f"{SAME_SITE}; setting SameSite=None; Secure over https instead works only where third-party cookies are "
            f"allowed ({BLOCKING} block them)",
            id="samesite-default",
        ),
        pytest.param(
            cookie_caveat("sid=1; Path=/; SameSite=Lax", CaveatKind.COOKIE_SAMESITE, cross_site=True),
            f"{SAME_SITE}: a SameSite=Lax cookie goes with every same-site request. SameSite=None; Secure over https "
            f"would let it cross sites only where third-party cookies are allowed ({BLOCKING} block them)",
            id="samesite",
        ),
        pytest.param(
            cookie_caveat("sid=1; Path=/; SameSite=None; Secure", CaveatKind.COOKIE_THIRD_PARTY, cross_site=True),
            f"{SAME_SITE}: no SameSite value brings a cookie to another site where third-party cookies are blocked",
            id="third-party",
        ),
        pytest.param(
            cookie_caveat("sid=1; Path=/; SameSite=None", CaveatKind.COOKIE_NONE_WITHOUT_SECURE, cross_site=True),
            "add Secure to the cookie (SameSite=None; Secure) and serve the API over https; across sites it then "
            f"still needs third-party cookies, which {BLOCKING} block, so to work everywhere {SAME_SITE}",
            id="none-without-secure",
        ),
        pytest.param(
            cookie_caveat("sid=1; Path=/; Secure", CaveatKind.COOKIE_SECURE_OVER_HTTP),
            "serve the page and the API over https, as in production, or leave Secure out of the cookie for local "
            "development over http",
            id="secure-over-http",
        ),
        pytest.param(
            cookie_caveat("sid=1; Path=/", CaveatKind.COOKIE_HOST_MISMATCH, url="http://localhost:8000/api"),
            "use one host name for the login and the API calls: call the API on 127.0.0.1, where the cookie lives, "
            "or log in on localhost",
            id="host-mismatch",
        ),
        pytest.param(
            cookie_caveat("sid=1; Path=/; Domain=localhost", CaveatKind.COOKIE_DOMAIN_REJECTED),
            "leave Domain out of the cookie (it then belongs to 127.0.0.1), or name a domain that covers 127.0.0.1",
            id="domain-rejected",
        ),
        pytest.param(
            cookie_caveat("sid=1; Path=/admin", CaveatKind.COOKIE_PATH_MISMATCH),
            "set Path=/ on the cookie (or a path that covers /api)",
            id="path-mismatch",
        ),
        pytest.param(
            cookie_caveat("sid=1; Path=/", CaveatKind.COOKIE_NOT_SENT),
            None,
            id="unknown",
        ),
    ],
)
def test_each_cookie_left_behind_gets_the_fix_for_its_rule(caveat: Caveat, fix: str | None) -> None:
    assert STARLETTE.caveat_advice(caveat, ALLOWED) == fix


@pytest.mark.parametrize(
    ("policy", "fix"),
    [
        pytest.param(
            ALLOWED,
            "call fetch() with credentials: 'include' (axios: withCredentials: true; XMLHttpRequest: withCredentials "
            "= true)",
            id="credentials-allowed",
        ),
        pytest.param(
            policy_from_arguments({"allow_origins": ["*"]}),
            "call fetch() with credentials: 'include' (axios: withCredentials: true; XMLHttpRequest: withCredentials "
            f"= true); the server must then allow credentials: list the page origin ('{PAGE}') instead of '*' in "
            "allow_origins and set allow_credentials=True",
            id="wildcard-without-credentials",
        ),
    ],
)
def test_a_cookie_kept_off_by_the_credentials_mode_asks_for_include_and_what_the_server_must_then_allow(
    policy: CorsPolicy, fix: str
) -> None:
    """https://github.com/JakeChampion/fetch/issues/639: credentials 'same-origin' to another port."""
    caveat = cookie_caveat("sid=1; Path=/", CaveatKind.COOKIE_CREDENTIALS_MODE, credentials="same-origin")

    assert STARLETTE.caveat_advice(caveat, policy) == fix


@pytest.mark.parametrize(
    ("facts", "fix"),
    [
        pytest.param(
            CaveatFacts(status=401, method="GET", request_url=API, credentials="include", cookie_missing=True),
            "make the cookie reach the app (see above): the app answers 401 without it",
            id="cookie-left-behind",
        ),
        pytest.param(
            CaveatFacts(status=401, method="GET", request_url=API, credentials="include"),
            "the request carried no cookie and no Authorization header: log in first in the same browser (e2ekit "
            "check --visit /login, session.visit(app, '/login')), or send the Authorization header the app expects",
            id="nothing-to-show",
        ),
        pytest.param(
            CaveatFacts(status=403, method="GET", request_url=API, credentials="include", credentials_sent=True),
            "the app refused the credentials the request carried: this 403 is the app's answer, not CORS",
            id="refused-credentials",
        ),
        pytest.param(
            CaveatFacts(status=500, method="GET", request_url=API, error="RuntimeError: boom"),
            "handle the exception in the app (RuntimeError: boom): CORS let the page read the 500",
            id="exception",
        ),
        pytest.param(
            CaveatFacts(status=404, method="PUT", request_url=f"{API}/missing"),
            "check the URL: the app has no route for PUT /api/missing",
            id="not-found",
        ),
        pytest.param(CaveatFacts(status=418, method="GET", request_url=API), None, id="other"),
    ],
)
def test_an_error_status_is_fixed_in_the_app_not_in_cors(facts: CaveatFacts, fix: str | None) -> None:
    assert STARLETTE.caveat_advice(Caveat(CaveatKind.ERROR_STATUS, "", facts), ALLOWED) == fix


def test_the_fix_for_a_401_without_credentials_names_what_the_server_must_allow_for_them() -> None:
    facts = CaveatFacts(status=401, method="GET", request_url=API, credentials="same-origin", page_origin=PAGE)

    assert STARLETTE.caveat_advice(Caveat(CaveatKind.ERROR_STATUS, "", facts), policy_from_arguments({})) == (
        "send the credentials the app expects: call fetch() with credentials: 'include' for its session cookie (the "
        "server must then allow credentials: set allow_credentials=True), or an Authorization header"
    )


AUTH_LAYER = (
    "browsers never send cookies or Authorization with a preflight, so it never reached CORSMiddleware; or put "
    "CORSMiddleware outermost (first in middleware=[...], or the last add_middleware call), so that CORSMiddleware "
    "answers preflights before authentication does"
)


def test_a_preflight_redirected_to_a_login_page_is_let_through_the_auth_layer_never_fetched_there(
    make_preflight: Callable[..., Exchange],
) -> None:
    """https://github.com/Uninett/mod_auth_mellon/issues/117: the preflight gets 303 to the login, no cookie."""
    preflight = make_preflight(API, status=302, headers={"location": "/login?next=/api"})

    prediction = predict(Probe("/api", "PUT"), PAGE, API, [preflight])

    assert prediction.check is Check.PREFLIGHT_REDIRECT
    assert prediction.failure is not None
    assert STARLETTE.advice(prediction.failure, ALLOWED) == (
        "let OPTIONS preflights through the authentication layer that redirected it to '/login?next=/api': "
        + AUTH_LAYER
    )


def test_a_slash_redirect_of_a_preflight_still_asks_for_the_url_it_redirects_to(
    make_preflight: Callable[..., Exchange],
) -> None:
    preflight = make_preflight(API, status=307, headers={"location": "/api/"})

    failure = predict(Probe("/api", "PUT"), PAGE, API, [preflight]).failure

    assert failure is not None
    assert STARLETTE.advice(failure, ALLOWED) == (
        "fetch 'http://127.0.0.1:8000/api/' directly, the URL the server redirects to (or stop the redirect, e.g. "
        "Starlette's redirect_slashes)"
    )


@pytest.mark.parametrize(
    ("status", "headers", "check"),
    [
        pytest.param(401, {}, Check.PREFLIGHT_MISSING_ALLOW_ORIGIN, id="401-without-cors-headers"),
        pytest.param(403, {ACAO: PAGE}, Check.PREFLIGHT_STATUS_NOT_OK, id="403-with-cors-headers"),
    ],
)
def test_a_preflight_an_authentication_layer_refused_is_let_through_it(
    make_preflight: Callable[..., Exchange], status: int, headers: dict[str, str], check: Check
) -> None:
    """https://github.com/corydolphin/flask-cors/issues/170 (401) and
    https://github.com/canonical-web-and-design/build.snapcraft.io/issues/222 (403, "Authorization Required")."""
    preflight = make_preflight(API, method="GET", request_headers="authorization", status=status, headers=headers)

    prediction = predict(Probe("/api", headers={"Authorization": "Bearer x"}), PAGE, API, [preflight])

    assert prediction.check is check
    assert prediction.failure is not None
    policy = policy_from_arguments({"allow_origins": [PAGE], "allow_headers": ["Authorization"]})
    assert STARLETTE.advice(prediction.failure, policy) == (
        f"let OPTIONS preflights through the authentication layer that answered it {status}: " + AUTH_LAYER
    )


def test_the_explanation_of_a_result_pairs_each_caveat_with_its_fix(make_exchange: Callable[..., Exchange]) -> None:
    response = make_exchange(headers={ACAO: PAGE, "content-disposition": "attachment"})

    [caveat] = find_caveats(Probe("/api"), PAGE, API, [response], engine="webkit", allowed=True, readable=[])

    assert STARLETTE.caveat_advice(caveat, ALLOWED) == "add 'Content-Disposition' to expose_headers"
