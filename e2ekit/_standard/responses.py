"""A recorded exchange as the browser received it: its effective status, whether it redirects, how to name it."""

from __future__ import annotations

from e2ekit._probing.exchange import Exchange

__all__ = ["REDIRECT_STATUSES", "effective_status", "is_ok_status", "is_redirect", "location", "name_response"]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_SERVER_ERROR = 500


def effective_status(exchange: Exchange) -> int:
    """The status the browser got: an app that finished without responding makes the server answer 500 itself."""
    return _SERVER_ERROR if exchange.status is None else exchange.status


def is_ok_status(status: int) -> bool:
    """An ok status is 200-299 (Fetch, "ok status"); a preflight needs one."""
    return 200 <= status <= 299


def location(exchange: Exchange) -> str | None:
    """The response's Location header, or None."""
    return exchange.response_header("location")


def is_redirect(exchange: Exchange) -> bool:
    """A redirect status with a Location header; a 3xx without Location is an ordinary response (Fetch, main fetch)."""
    return effective_status(exchange) in REDIRECT_STATUSES and location(exchange) is not None


def name_response(exchange: Exchange, *, preflight: bool) -> str:
    """A noun phrase for the response in sentences, e.g. "the preflight response" or "the response to PUT /api"."""
    if preflight:
        return "the preflight response"
    target = exchange.path + (f"?{exchange.query}" if exchange.query else "")
    if is_redirect(exchange):
        return f"the {effective_status(exchange)} redirect answering {exchange.method} {target}"
    return f"the response to {exchange.method} {target}"
