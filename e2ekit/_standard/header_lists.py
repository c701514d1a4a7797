"""Comma-separated token lists in CORS response headers: Access-Control-Allow-Methods, -Allow-Headers, -Expose-Headers.

https://fetch.spec.whatwg.org/#extract-header-list-values
"""

from __future__ import annotations

from e2ekit._errors import HeaderListError
from e2ekit._probing.exchange import Exchange
from e2ekit._standard.safelist import is_token

__all__ = ["header_list_values"]


def header_list_values(response: Exchange, name: str) -> tuple[str, ...] | None:
    """The items of response header ``name`` across all its lines, or None when the header is absent.

    Raise HeaderListError when an item is not a token: the ABNF of all three headers is ``#token``.
    """
    lines = response.response_header_values(name)
    if not lines:
        return None
    items = []
    for line in lines:
        for item in line.split(","):
            item = item.strip(" \t")
            if not item:
                continue  # the #rule lets recipients skip empty list elements
            if not is_token(item):
                raise HeaderListError(", ".join(lines), item)
            items.append(item)
    return tuple(items)
