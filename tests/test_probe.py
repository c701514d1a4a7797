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
        pytest.param({"path": "api"}, 'probe path "api" must start with "/", e.g. "/api/items"', id="path"),
        pytest.param(
            {"method": "GE T"}, 'probe method "GE T" is not an HTTP method token, e.g. "GET" or "PUT"', id="method"
        ),
        pytest.param(
            {"credentials": "yes"},
            'probe credentials "yes" is not valid: expected one of "omit", "same-origin", "include"',
            id="credentials",
        ),
        pytest.param(
            {"mode": "navigate"},
            'probe mode "navigate" is not valid: expected one of "cors", "no-cors", "same-origin"',
            id="mode",
        ),
        pytest.param({"body": "x"}, "probe method GET cannot have a body; fetch() rejects it", id="get-body"),
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
