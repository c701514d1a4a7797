"""Origin serialisation, same-origin comparison and the redirect-tainted origin."""

from __future__ import annotations

import pytest

from e2ekit._standard import has_credentials, is_redirect_tainted, is_same_origin, origin_of, request_origin

PAGE = "http://localhost:3000"
A = "http://127.0.0.1:41234"
B = "http://127.0.0.1:41235"


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        pytest.param("http://127.0.0.1:41234/api?x=1", "http://127.0.0.1:41234", id="path-and-query-dropped"),
        pytest.param("HTTP://LocalHost:3000/", "http://localhost:3000", id="scheme-and-host-lower-cased"),
        pytest.param("http://example.com:80/", "http://example.com", id="default-http-port-dropped"),
        pytest.param("https://example.com:443", "https://example.com", id="default-https-port-dropped"),
        pytest.param("https://example.com:80", "https://example.com:80", id="other-port-kept"),
        pytest.param("http://[::1]:8000/x", "http://[::1]:8000", id="ipv6"),
        pytest.param("data:text/plain,hi", "null", id="data-url-is-opaque"),
        pytest.param("file:///tmp/page.html", "null", id="file-url-is-opaque"),
        pytest.param("null", "null", id="serialised-opaque-origin"),
        pytest.param("http://example.com:99999", "null", id="invalid-port"),
    ],
)
def test_the_origin_of_a_url_is_serialised_like_the_origin_header(url: str, origin: str) -> None:
    assert origin_of(url) == origin


def test_same_origin_needs_scheme_host_and_port_to_match_and_opaque_origins_never_do() -> None:
    assert is_same_origin("http://localhost:3000/a", "http://localhost:3000")
    assert not is_same_origin("http://localhost:3000", "http://127.0.0.1:3000")
    assert not is_same_origin("http://localhost:3000", "https://localhost:3000")
    assert not is_same_origin("null", "null")


@pytest.mark.parametrize(
    ("urls", "tainted"),
    [
        pytest.param([f"{A}/x"], False, id="no-redirect"),
        pytest.param([f"{A}/x", f"{A}/y"], False, id="within-the-target-origin"),
        pytest.param([f"{PAGE}/x", f"{A}/y"], False, id="page-origin-to-target"),
        pytest.param([f"{A}/x", f"{B}/y"], True, id="target-to-another-origin"),
        pytest.param([f"{A}/x", f"{PAGE}/y"], True, id="target-back-to-the-page-origin"),
        pytest.param([f"{A}/x", f"{A}/y", f"{B}/z"], True, id="taint-after-a-same-origin-hop"),
    ],
)
def test_a_redirect_from_a_cross_origin_url_to_another_origin_taints_the_request(
    urls: list[str], tainted: bool
) -> None:
    assert is_redirect_tainted(PAGE, urls) is tainted
    assert request_origin(PAGE, urls) == ("null" if tainted else PAGE)


def test_urls_with_a_user_name_or_password_include_credentials() -> None:
    assert has_credentials("http://user@example.com/")
    assert has_credentials("http://:pw@example.com/")
    assert not has_credentials("http://example.com/@x")
