"""CORS-safelisted methods and request headers, forbidden ones, and when a request needs a preflight."""

from __future__ import annotations

import pytest

from e2ekit._probing.probe import Probe
from e2ekit._standard import (
    FetchRequest,
    build_request,
    is_forbidden_request_header,
    is_safelisted_header,
    is_safelisted_method,
    mime_essence,
    needs_preflight,
    unsafe_header_names,
)

API = "http://127.0.0.1:41234/api"


@pytest.mark.parametrize(
    ("method", "safelisted"),
    [
        pytest.param("GET", True, id="GET"),
        pytest.param("HEAD", True, id="HEAD"),
        pytest.param("POST", True, id="POST"),
        pytest.param("PUT", False, id="PUT"),
        pytest.param("PATCH", False, id="PATCH"),
        pytest.param("post", False, id="lower-case-is-not-normalised-here"),
    ],
)
def test_only_get_head_and_post_are_safelisted_methods(method: str, safelisted: bool) -> None:
    assert is_safelisted_method(method) is safelisted


@pytest.mark.parametrize(
    ("name", "value", "safelisted"),
    [
        pytest.param("Accept", "application/json", True, id="accept"),
        pytest.param("ACCEPT", "*/*", True, id="names-are-case-insensitive"),
        pytest.param("Accept", 'text/"x"', False, id="accept-with-a-quote-byte"),
        pytest.param("Accept", "a\x01b", False, id="accept-with-a-control-byte"),
        pytest.param("Accept", "a\tb", True, id="accept-with-a-tab"),
        pytest.param("Accept-Language", "en-US,en;q=0.9", True, id="accept-language"),
        pytest.param("Content-Language", "de_DE", False, id="content-language-with-an-underscore"),
        pytest.param("Content-Type", "text/plain", True, id="text-plain"),
        pytest.param("Content-Type", "text/plain;charset=UTF-8", True, id="parameters-do-not-count"),
        pytest.param("Content-Type", "Multipart/Form-Data; boundary=x", True, id="essence-is-case-insensitive"),
        pytest.param("Content-Type", "application/x-www-form-urlencoded", True, id="form-urlencoded"),
        pytest.param("Content-Type", "application/json", False, id="json"),
        pytest.param("Content-Type", "text/plain; x=(y)", False, id="unsafe-byte-in-parameters"),
        pytest.param("Content-Type", "text", False, id="unparsable-mime-type"),
        pytest.param("Range", "bytes=0-99", True, id="range"),
        pytest.param("Range", "bytes=100-", True, id="open-range"),
        pytest.param("Range", "bytes=-100", False, id="suffix-range"),
        pytest.param("Range", "bytes=9-1", False, id="backwards-range"),
        pytest.param("X-Token", "1", False, id="any-other-name"),
        pytest.param("Accept", "a" * 128, True, id="128-bytes"),
        pytest.param("Accept", "a" * 129, False, id="129-bytes"),
    ],
)
def test_a_request_header_is_safelisted_by_name_and_value(name: str, value: str, safelisted: bool) -> None:
    assert is_safelisted_header(name, value) is safelisted


def test_the_mime_essence_ignores_parameters_and_case() -> None:
    assert mime_essence(" Text/Plain ; charset=utf-8") == "text/plain"
    assert mime_essence("text/") is None


def test_unsafe_header_names_are_sorted_lower_cased_and_unique() -> None:
    headers = [("X-Trace", "1"), ("Accept", "*/*"), ("x-trace", "2"), ("Content-Type", "application/json")]

    assert unsafe_header_names(headers) == ("content-type", "x-trace")


def test_safelisted_values_over_1024_bytes_in_total_make_every_safelisted_header_unsafe() -> None:
    headers = [("Accept", "a" * 128)] * 8 + [("Accept-Language", "en")]

    assert unsafe_header_names(headers[:8]) == ()
    assert unsafe_header_names(headers) == ("accept", "accept-language")


@pytest.mark.parametrize(
    ("method", "headers", "needed"),
    [
        pytest.param("GET", [], False, id="plain-get"),
        pytest.param("POST", [("Content-Type", "text/plain")], False, id="form-like-post"),
        pytest.param("POST", [("Content-Type", "application/json")], True, id="json-post"),
        pytest.param("DELETE", [], True, id="delete"),
        pytest.param("GET", [("Authorization", "Bearer x")], True, id="authorization"),
    ],
)
def test_a_preflight_is_needed_for_an_unsafe_method_or_header(
    method: str, headers: list[tuple[str, str]], needed: bool
) -> None:
    assert needs_preflight(method, headers) is needed


@pytest.mark.parametrize(
    ("name", "value", "forbidden"),
    [
        pytest.param("Cookie", "a=1", True, id="cookie"),
        pytest.param("Origin", "http://evil", True, id="origin"),
        pytest.param("Sec-Fetch-Mode", "cors", True, id="sec-prefix"),
        pytest.param("Proxy-Authorization", "x", True, id="proxy-prefix"),
        pytest.param("X-HTTP-Method-Override", "GET, TRACE", True, id="override-smuggling-trace"),
        pytest.param("X-HTTP-Method-Override", "PATCH", False, id="override-with-an-allowed-method"),
        pytest.param("Authorization", "Bearer x", False, id="authorization"),
    ],
)
def test_forbidden_request_headers_are_recognised(name: str, value: str, forbidden: bool) -> None:
    assert is_forbidden_request_header(name, value) is forbidden


def test_fetch_drops_forbidden_headers_so_they_never_cause_a_preflight() -> None:
    probe = Probe(headers={"Accept": " */* "})
    # Probe refuses forbidden headers upfront; the model still drops them as fetch() does, for probes built otherwise.
    object.__setattr__(probe, "headers", (("Cookie", "a=1"), ("Accept", " */* ")))
    request = build_request(probe, API)

    assert isinstance(request, FetchRequest)
    assert request.headers == (("Accept", "*/*"),)
    assert not needs_preflight(request.method, request.headers)


def test_a_no_cors_request_silently_keeps_only_no_cors_safelisted_headers() -> None:
    probe = Probe(mode="no-cors", headers={"X-Token": "1", "Content-Type": "text/plain", "Range": "bytes=0-1"})
    request = build_request(probe, API)

    assert isinstance(request, FetchRequest)
    assert request.headers == (("Content-Type", "text/plain"),)
