"""CORS-safelisted methods and request headers: what a cross-origin request may carry without a preflight.

https://fetch.spec.whatwg.org/#cors-safelisted-method and #cors-safelisted-request-header
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "MAX_SAFELISTED_TOTAL_BYTES",
    "MAX_SAFELISTED_VALUE_BYTES",
    "NO_CORS_SAFELISTED_HEADER_NAMES",
    "SAFELISTED_CONTENT_TYPES",
    "SAFELISTED_METHODS",
    "is_no_cors_safelisted_header",
    "is_safelisted_header",
    "is_safelisted_method",
    "is_token",
    "mime_essence",
    "unsafe_header_names",
]

SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})
SAFELISTED_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
NO_CORS_SAFELISTED_HEADER_NAMES = frozenset({"accept", "accept-language", "content-language", "content-type"})
MAX_SAFELISTED_VALUE_BYTES = 128
MAX_SAFELISTED_TOTAL_BYTES = 1024

# "CORS-unsafe request-header byte": controls other than HTAB, DEL, and these delimiters.
_UNSAFE_DELIMITERS = frozenset(b'"():<>?@[\\]{}')
# Accept-Language and Content-Language allow only these bytes besides ASCII letters and digits.
_LANGUAGE_PUNCTUATION = frozenset(b" *,-.;=")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HTTP_WHITESPACE = "\t\n\r "
_RANGE = re.compile(r"bytes=([0-9]+)-([0-9]*)")


def is_safelisted_method(method: str) -> bool:
    """GET, HEAD and POST, matched case-sensitively: fetch() has already upper-cased them when normalising."""
    return method in SAFELISTED_METHODS


def is_token(text: str) -> bool:
    """Whether ``text`` is an HTTP token (RFC 9110 section 5.6.2), the grammar of methods and header names."""
    return _TOKEN.fullmatch(text) is not None


def _has_unsafe_byte(value: str) -> bool:
    return any(
        (ord(char) < 0x20 and char != "\t") or ord(char) == 0x7F or ord(char) in _UNSAFE_DELIMITERS for char in value
    )


def mime_essence(value: str) -> str | None:
    """The essence (``type/subtype``, lower-cased) of a MIME type string, or None when it does not parse.

    Follows the MIME Sniffing standard's "parse a MIME type" as far as the essence goes; parameters are ignored.
    """
    essence = value.split(";", 1)[0].strip(_HTTP_WHITESPACE)
    kind, slash, subtype = essence.partition("/")
    if not slash or not is_token(kind) or not is_token(subtype):
        return None
    return f"{kind}/{subtype}".lower()


def _is_safelisted_range(value: str) -> bool:
    # Only "bytes=N-" and "bytes=N-M" with N <= M: a suffix range ("bytes=-500") needs a preflight.
    match = _RANGE.fullmatch(value)
    if match is None:
        return False
    start, end = match.groups()
    return not end or int(start) <= int(end)


def is_safelisted_header(name: str, value: str) -> bool:
    """Whether the request header ``name: value`` is a CORS-safelisted request-header (names case-insensitive).

    ``value`` is measured as the byte string fetch() sends, one byte per character; fetch() rejects characters
    above U+00FF before this could matter.
    """
    value = value.strip(_HTTP_WHITESPACE)
    if len(value) > MAX_SAFELISTED_VALUE_BYTES:
        return False
    lowered = name.lower()
    if lowered == "accept":
        return not _has_unsafe_byte(value)
    if lowered in ("accept-language", "content-language"):
        return all(char.isascii() and (char.isalnum() or ord(char) in _LANGUAGE_PUNCTUATION) for char in value)
    if lowered == "content-type":
        return not _has_unsafe_byte(value) and mime_essence(value) in SAFELISTED_CONTENT_TYPES
    if lowered == "range":
        return _is_safelisted_range(value)
    return False


def is_no_cors_safelisted_header(name: str, value: str) -> bool:
    """Whether a "no-cors" request keeps this header; fetch() silently drops every other one (guard request-no-cors)."""
    return name.lower() in NO_CORS_SAFELISTED_HEADER_NAMES and is_safelisted_header(name, value)


def unsafe_header_names(headers: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The CORS-unsafe request-header names of a header list: sorted, lower-cased, without repeats.

    Safelisted headers become unsafe too when their values add up to more than 1024 bytes (Fetch, "CORS-unsafe
    request-header names"), so a handful of long Accept values still forces a preflight.
    """
    unsafe: set[str] = set()
    safelisted: set[str] = set()
    safelisted_bytes = 0
    for name, value in headers:
        if is_safelisted_header(name, value):
            safelisted.add(name.lower())
            safelisted_bytes += len(value.strip(_HTTP_WHITESPACE))
        else:
            unsafe.add(name.lower())
    if safelisted_bytes > MAX_SAFELISTED_TOTAL_BYTES:
        unsafe |= safelisted
    return tuple(sorted(unsafe))
