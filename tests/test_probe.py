"""Probe arguments are validated the way fetch() would, with messages that name the value."""

from __future__ import annotations

import pytest

from e2ekit import Probe, ProbeError
from e2ekit._probing.probe import parse_header


def test_a_probe_normalizes_the_methods_fetch_normalizes_and_keeps_headers_in_order() -> None:
    probe = Probe("/api", "put", {"X-B": "2", "X-A": "1"})

    assert probe.method == "PUT"
    assert probe.headers == (("X-B", "2"), ("X-A", "1"))
    assert probe.header("x-a") == "1"
    assert Probe("/api", "patch").method == "patch"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            {"path": "api"}, 'probe path \'api\': expected a path starting with "/", e.g. "/api/items"', id="path"
        ),
        pytest.param(
            {"method": "GE T"}, 'probe method \'GE T\': expected an HTTP method token, e.g. "GET" or "PUT"', id="method"
        ),
        pytest.param(
            {"method": "GET\r\nX-Evil: 1"},
            'probe method \'GET\\r\\nX-Evil: 1\': expected an HTTP method token, e.g. "GET" or "PUT"',
            id="method-with-crlf",
        ),
        pytest.param(
            {"credentials": "yes"},
            'probe credentials \'yes\': expected one of "omit", "same-origin", "include"',
            id="credentials",
        ),
        pytest.param(
            {"mode": "navigate"},
            'probe mode \'navigate\': expected one of "cors", "no-cors", "same-origin"',
            id="mode",
        ),
        pytest.param(
            {"body": "x"}, "probe body 'x': expected no body with method GET (fetch() rejects it)", id="get-body"
        ),
        pytest.param(
            {"headers": {"X-A": "a\r\nb"}},
            "probe headers.X-A 'a\\r\\nb': expected text without CR, LF, NUL or characters beyond U+00FF (fetch() refuses them)",
            id="header-value-with-crlf",
        ),
        pytest.param(
            {"headers": {"X-A": "\u65e5"}},
            "probe headers.X-A '\u65e5': expected text without CR, LF, NUL or characters beyond U+00FF (fetch() refuses them)",
            id="header-value-beyond-latin-1",
        ),
        pytest.param(
            {"headers": {"X-A": "a\x00b"}},
            "probe headers.X-A 'a\\x00b': expected text without CR, LF, NUL or characters beyond U+00FF (fetch() refuses them)",
            id="header-value-with-nul",
        ),
        pytest.param(
            {"headers": {"": "x"}},
            "probe headers '': expected a header name made of letters, digits and -, e.g. X-Api-Key",
            id="empty-header-name",
        ),
        pytest.param(
            {"headers": {"X A\r\n": "x"}},
            "probe headers 'X A\\r\\n': expected a header name made of letters, digits and -, e.g. X-Api-Key",
            id="header-name-with-crlf",
        ),
        pytest.param(
            {"headers": {"Cookie": "sid=1"}},
            "probe headers.Cookie 'sid=1': expected a header a page may set; this is a forbidden request header, which "
            "the browser drops without a word (to send a cookie, let the target set it, e.g. with a visit, and use "
            "credentials include)",
            id="forbidden-header",
        ),
        pytest.param(
            {"path": "/api?__e2ekit=3"},
            "probe path '/api?__e2ekit=3': expected a path without the query parameter __e2ekit, which e2ekit reserves",
            id="marker-in-path",
        ),
    ],
)
def test_a_probe_fetch_would_reject_is_refused_with_the_value_named(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ProbeError) as caught:
        Probe(**kwargs)
    assert str(caught.value) == message


def test_a_header_argument_splits_at_the_first_colon() -> None:
    assert parse_header("Authorization: Bearer a:b") == ("Authorization", "Bearer a:b")
    with pytest.raises(ProbeError):
        parse_header("Authorization Bearer")
