"""Which cookies go with a request and why one did not: Set-Cookie parsing, the jar, and the rule that kept each
cookie off, per engine, from ENGINE_COOKIE_POLICIES (measured; scenarios/cookies.toml asserts each row in browsers)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from e2ekit._probing.exchange import Exchange
from e2ekit._standard import (
    ENGINE_COOKIE_POLICIES,
    CaveatKind,
    SetCookie,
    cookies_set,
    is_cross_site,
    parse_set_cookie,
    sent_cookie_names,
    why_not_sent,
)

PAGE = "http://localhost:3000"
API = "http://127.0.0.1:8000/api"
SAME_SITE_API = "http://localhost:8000/api"
LOGIN = "http://127.0.0.1:8000/login"
SAME_SITE_LOGIN = "http://localhost:8000/login"


def test_a_set_cookie_line_is_read_with_the_attributes_that_decide_where_the_cookie_goes() -> None:
    cookie = parse_set_cookie("sid=abc123; Path=/; HttpOnly; Secure; SameSite=none; Domain=.Example.COM", LOGIN)

    assert cookie == SetCookie(
        name="sid", value="abc123", set_by=LOGIN, domain="example.com", path="/", secure=True, same_site="None"
    )
    assert cookie.host == "127.0.0.1"
    assert cookie.attributes == "SameSite=None; Secure; Domain=example.com"


def test_a_line_without_a_name_is_no_cookie_and_a_past_expiry_deletes_one() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)

    assert parse_set_cookie("just-a-value", LOGIN) is None
    assert parse_set_cookie("sid=; Max-Age=0", LOGIN, now=now).expired  # type: ignore[union-attr]
    assert parse_set_cookie("sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", LOGIN, now=now).expired  # type: ignore[union-attr]
    assert not parse_set_cookie("sid=1; Max-Age=3600", LOGIN, now=now).expired  # type: ignore[union-attr]


def test_the_jar_keeps_the_last_line_for_a_name_host_and_path_and_forgets_a_deleted_cookie(
    make_exchange: Callable[..., Exchange],
) -> None:
    login = make_exchange(url=LOGIN, headers={"set-cookie": ["sid=1; Path=/", "csrf=x; Path=/"]})
    again = make_exchange(url=LOGIN, headers={"set-cookie": ["sid=2; Path=/", "csrf=; Max-Age=0; Path=/"]})

    assert [(c.name, c.value) for c in cookies_set([login, again])] == [("sid", "2")]


def test_the_names_a_cookie_header_carried_are_read_back(make_exchange: Callable[..., Exchange]) -> None:
    request = make_exchange(request_headers={"origin": PAGE, "cookie": "sid=1; csrf=x"})

    assert sent_cookie_names(request) == {"sid", "csrf"}


@pytest.mark.parametrize(
    ("page", "url", "cross_site"),
    [
        pytest.param("http://localhost:3000", "http://localhost:8000/api", False, id="ports-ignored"),
        pytest.param("http://localhost:3000", "http://127.0.0.1:8000/api", True, id="localhost-vs-127"),
        pytest.param("http://app.example.com", "http://api.example.com/x", False, id="same-registrable-domain"),
        pytest.param("http://example.com", "https://example.com/x", True, id="schemeful"),
        pytest.param("null", "http://localhost:8000/api", True, id="opaque-page"),
    ],
)
def test_same_site_is_the_host_for_loopback_names_and_a_page_with_an_opaque_origin_is_cross_site_with_all(
    page: str, url: str, cross_site: bool
) -> None:
    assert is_cross_site(page, url) is cross_site


def test_the_measured_engine_policies_name_the_versions_they_were_measured_on() -> None:
    assert {name: policy.label for name, policy in ENGINE_COOKIE_POLICIES.items()} == {
        "chromium": "Chromium 156",
        "firefox": "Firefox ESR 153.8",
        "webkit": "WebKitGTK 2.50.6",
    }


# Each row: a cookie set in a top-level visit, a credentialed fetch from PAGE, and the rule each engine applies;
# None where the engine sends the cookie. The sources are the reports the corpus scenarios come from.
CAUSES = [
    pytest.param(
        "sid=1; Path=/",
        LOGIN,
        API,
        "include",
        {"chromium": CaveatKind.COOKIE_SAMESITE_DEFAULT, "firefox": CaveatKind.COOKIE_THIRD_PARTY, "webkit": None},
        id="no-samesite-cross-site",  # https://github.com/fastapi/fastapi/issues/3267
    ),
    pytest.param(
        "sid=1; Path=/; SameSite=Lax",
        LOGIN,
        API,
        "include",
        dict.fromkeys(ENGINE_COOKIE_POLICIES, CaveatKind.COOKIE_SAMESITE),
        id="lax-cross-site",  # https://github.com/featbit/featbit/pull/872
    ),
    pytest.param(
        "sid=1; Path=/; SameSite=Strict",
        LOGIN,
        API,
        "include",
        dict.fromkeys(ENGINE_COOKIE_POLICIES, CaveatKind.COOKIE_SAMESITE),
        id="strict-cross-site",  # https://github.com/springfall2008/batpred/pull/2421
    ),
    pytest.param(
        "sid=1; Path=/; SameSite=None",
        SAME_SITE_LOGIN,
        SAME_SITE_API,
        "include",
        {
            "chromium": CaveatKind.COOKIE_NONE_WITHOUT_SECURE,
            "firefox": CaveatKind.COOKIE_NONE_WITHOUT_SECURE,
            "webkit": None,
        },
        id="none-without-secure",  # https://github.com/Sustainsys/Saml2/issues/1465
    ),
    pytest.param(
        "sid=1; Path=/; SameSite=None; Secure",
        LOGIN,
        API,
        "include",
        {
            "chromium": CaveatKind.COOKIE_THIRD_PARTY,
            "firefox": CaveatKind.COOKIE_THIRD_PARTY,
            "webkit": CaveatKind.COOKIE_SECURE_OVER_HTTP,
        },
        id="none-secure-cross-site",  # https://github.com/fastapi/fastapi/issues/5837
    ),
    pytest.param(
        "sid=1; Path=/; Secure; SameSite=Lax",
        SAME_SITE_LOGIN,
        SAME_SITE_API,
        "include",
        {"chromium": None, "firefox": None, "webkit": CaveatKind.COOKIE_SECURE_OVER_HTTP},
        id="secure-over-http",  # https://github.com/webcompat/web-bugs/issues/142566
    ),
    pytest.param(
        "sid=1; Path=/",
        SAME_SITE_LOGIN,
        API,
        "include",
        dict.fromkeys(ENGINE_COOKIE_POLICIES, CaveatKind.COOKIE_HOST_MISMATCH),
        id="host-mismatch",  # https://github.com/axios/axios/issues/1661
    ),
    pytest.param(
        "sid=1; Path=/",
        SAME_SITE_LOGIN,
        SAME_SITE_API,
        "same-origin",
        dict.fromkeys(ENGINE_COOKIE_POLICIES, CaveatKind.COOKIE_CREDENTIALS_MODE),
        id="credentials-mode",  # https://github.com/JakeChampion/fetch/issues/639
    ),
    pytest.param(
        "sid=1; Path=/; Domain=localhost",
        LOGIN,
        API,
        "include",
        dict.fromkeys(ENGINE_COOKIE_POLICIES, CaveatKind.COOKIE_DOMAIN_REJECTED),
        id="domain-rejected",  # https://github.com/theopensystemslab/planx-new/pull/691
    ),
    pytest.param(
        "sid=1; Path=/admin",
        SAME_SITE_LOGIN,
        SAME_SITE_API,
        "include",
        dict.fromkeys(ENGINE_COOKIE_POLICIES, CaveatKind.COOKIE_PATH_MISMATCH),
        id="path-mismatch",
    ),
]


@pytest.mark.parametrize(("line", "login", "url", "credentials", "by_engine"), CAUSES)
def test_each_engine_keeps_a_cookie_off_the_request_for_the_rule_it_measurably_applies(
    line: str, login: str, url: str, credentials: str, by_engine: dict[str, CaveatKind | None]
) -> None:
    cookie = parse_set_cookie(line, login)
    assert cookie is not None

    found = {
        engine: why_not_sent(cookie, request_url=url, page_origin=PAGE, credentials=credentials, policy=policy)
        for engine, policy in ENGINE_COOKIE_POLICIES.items()
    }

    assert found == by_engine
