"""Origin strings and the site relation between page and target."""

from __future__ import annotations

import pytest

from e2ekit import Origin, OriginError, SiteRelation
from e2ekit._probing.origins import as_origin, site_relation


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        pytest.param("http://localhost:3000", Origin("http", "localhost", 3000), id="explicit-port"),
        pytest.param("http://127.0.0.1", Origin("http", "127.0.0.1", None), id="loopback-picks-a-port"),
        pytest.param("http://LOCALHOST/", Origin("http", "localhost", None), id="case-and-slash"),
        pytest.param("http://127.0.0.2:8000", Origin("http", "127.0.0.2", 8000), id="other-loopback"),
        pytest.param("https://app.example.com", Origin("https", "app.example.com", 443), id="name-default-port"),
        pytest.param("https://api.example.com:8443", Origin("https", "api.example.com", 8443), id="name-and-port"),
        pytest.param("http://[::1]:8000", Origin("http", "::1", 8000), id="ipv6"),
        pytest.param("http://[0:0:0:0:0:0:0:1]", Origin("http", "::1", None), id="ipv6-normalised"),
        pytest.param("HTTPS://App.Example.COM", Origin("https", "app.example.com", 443), id="case"),
        pytest.param("https://bücher.example", Origin("https", "xn--bcher-kva.example", 443), id="idna"),
    ],
)
def test_an_origin_string_parses_to_scheme_host_and_port(text: str, origin: Origin) -> None:
    assert Origin.parse(text) == origin


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("https://app.example.com:443", "https://app.example.com", id="default-port-left-out"),
        pytest.param("http://localhost:80", "http://localhost", id="loopback-default-port-left-out"),
        pytest.param("http://[::1]:8000", "http://[::1]:8000", id="ipv6-in-brackets"),
        pytest.param("https://api.example.com:8443", "https://api.example.com:8443", id="other-port-kept"),
    ],
)
def test_an_origin_is_shown_as_the_browser_serialises_it(text: str, shown: str) -> None:
    assert str(Origin.parse(text)) == shown


def test_an_origin_object_keeps_its_default_port_where_its_string_would_ask_for_one_to_be_picked() -> None:
    origin = Origin.parse("http://localhost:80")

    assert as_origin(origin) is origin
    assert Origin.parse(str(origin)).port is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "localhost:3000",
            'origin "localhost:3000" has no scheme: expected scheme://host[:port], e.g. "http://localhost:3000"',
            id="no-scheme",
        ),
        pytest.param(
            "ftp://localhost",
            'origin "ftp://localhost" uses scheme "ftp": expected "http://" or "https://"',
            id="ftp",
        ),
        pytest.param(
            "http://exa mple.com",
            'origin "http://exa mple.com" has host "exa mple.com": expected a domain name (letters, digits, "-", '
            'dots), an IPv4 address or an IPv6 address in brackets, e.g. "https://app.example.test"',
            id="bad-host",
        ),
        pytest.param(
            "http://::1:8000",
            'origin "http://::1:8000" has an IPv6 host: write it in brackets, e.g. "http://[::1]:8000"',
            id="ipv6-without-brackets",
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
        pytest.param(
            "http://256.0.0.1",
            'origin "http://256.0.0.1" has host "256.0.0.1", which is not an IPv4 address',
            id="bad-ipv4",
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
        pytest.param("https://app.example.test", "https://api.example.test", SiteRelation.SAME_SITE, id="subdomains"),
        pytest.param("https://app.example.test", "https://api.other.test", SiteRelation.CROSS_SITE, id="other-domain"),
        pytest.param("http://app.example.test", "https://app.example.test", SiteRelation.CROSS_SITE, id="schemeful"),
        # The Public Suffix List, not the last two labels: co.uk and github.io are public suffixes.
        pytest.param("https://a.example.co.uk", "https://b.example.co.uk", SiteRelation.SAME_SITE, id="co-uk"),
        pytest.param("https://one.co.uk", "https://two.co.uk", SiteRelation.CROSS_SITE, id="public-suffix"),
        pytest.param("https://a.github.io", "https://b.github.io", SiteRelation.CROSS_SITE, id="private-suffix"),
    ],
)
def test_the_site_relation_follows_scheme_and_registrable_domain(
    page: str, target: str, relation: SiteRelation
) -> None:
    assert site_relation(Origin.parse(page), Origin.parse(target)) is relation
