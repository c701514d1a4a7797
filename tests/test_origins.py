"""Origin strings and the site relation between page and target."""

from __future__ import annotations

import pytest

from e2ekit import Origin, OriginError, SiteRelation
from e2ekit._probing.origins import site_relation


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        pytest.param("http://localhost:3000", Origin("http", "localhost", 3000), id="explicit-port"),
        pytest.param("http://127.0.0.1", Origin("http", "127.0.0.1", None), id="no-port"),
        pytest.param("http://LOCALHOST/", Origin("http", "localhost", None), id="case-and-slash"),
        pytest.param("http://127.0.0.2:8000", Origin("http", "127.0.0.2", 8000), id="other-loopback"),
    ],
)
def test_an_origin_string_parses_to_scheme_host_and_port(text: str, origin: Origin) -> None:
    assert Origin.parse(text) == origin


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "localhost:3000",
            'origin "localhost:3000" has no scheme: expected scheme://host[:port], e.g. "http://localhost:3000"',
            id="no-scheme",
        ),
        pytest.param(
            "https://localhost",
            'origin "https://localhost" uses scheme "https": e2ekit serves plain http only; use "http://"',
            id="https",
        ),
        pytest.param(
            "http://example.com",
            'origin "http://example.com" has host "example.com": e2ekit serves loopback hosts only; use "localhost" or "127.0.0.1"',
            id="not-loopback",
        ),
        pytest.param(
            "http://localhost:99999",
            'origin "http://localhost:99999" has port "99999": expected a number from 1 to 65535',
            id="bad-port",
        ),
        pytest.param(
            "http://localhost:3000/app",
            'origin "http://localhost:3000/app" has a path: an origin is scheme://host[:port] only, e.g. "http://localhost:3000"',
            id="path",
        ),
    ],
)
def test_a_bad_origin_string_is_rejected_with_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(OriginError) as caught:
        Origin.parse(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("page", "target", "relation"),
    [
        pytest.param("http://localhost:3000", "http://localhost:3000", SiteRelation.SAME_ORIGIN, id="same-origin"),
        pytest.param("http://localhost:3000", "http://localhost:8000", SiteRelation.SAME_SITE, id="same-site"),
        pytest.param("http://localhost:3000", "http://127.0.0.1:8000", SiteRelation.CROSS_SITE, id="cross-site"),
        pytest.param("http://127.0.0.1:3000", "http://127.0.0.2:3000", SiteRelation.CROSS_SITE, id="ip-addresses"),
    ],
)
def test_the_site_relation_follows_scheme_and_host(page: str, target: str, relation: SiteRelation) -> None:
    assert site_relation(Origin.parse(page), Origin.parse(target)) is relation
