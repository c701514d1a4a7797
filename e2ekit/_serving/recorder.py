"""The wire recorder: an ASGI wrapper outside the app under test that records every exchange it handles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from e2ekit._probing.exchange import BODY_EXCERPT, Exchange, Headers
from e2ekit._serving.asgi import ASGIApp, Message, Receive, Scope, Send

__all__ = ["record_exchange"]

LocationRewriter = Callable[[str], str]


async def record_exchange(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    url: str,
    exchanges: list[Exchange],
    rewrite_location: LocationRewriter,
) -> None:
    """Run ``app`` for one HTTP request and append the exchange to ``exchanges``.

    The exchange is appended when the response starts, before any byte reaches the browser: a browser may reject a
    fetch on the response headers alone, and the result must already hold what it rejected. An exception in the app
    is part of the result, not a crash: if no response was started the recorder answers 500 itself, as a server
    would, and the exchange names the exception.
    """
    request_headers: Headers = tuple((k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope["headers"])
    exchange = Exchange(
        method=scope["method"],
        url=url,
        path=scope["path"],
        query=scope["query_string"].decode("latin-1"),
        request_headers=request_headers,
        status=None,
        response_headers=(),
    )
    index: int | None = None
    finished = False
    error: str | None = None

    async def recording_send(message: Message) -> None:
        nonlocal exchange, index, finished
        if message["type"] == "http.response.start":
            raw = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in message.get("headers", [])]
            exchange = replace(exchange, status=int(message["status"]), response_headers=tuple(raw), error=error)
            index = len(exchanges)
            exchanges.append(exchange)
            # The exchange keeps the app's own Location; the browser gets it marked, to keep the hop attributed.
            sent = [(k, rewrite_location(v) if k == "location" else v) for k, v in raw]
            message = {**message, "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in sent]}
        elif message["type"] == "http.response.body":
            if index is not None and len(exchange.response_body) < BODY_EXCERPT:
                text = exchange.response_body + message.get("body", b"").decode("utf-8", "replace")
                exchange = replace(exchange, response_body=text[:BODY_EXCERPT])
                exchanges[index] = exchange
            finished = not message.get("more_body", False)
        await send(message)

    try:
        await app(scope, receive, recording_send)
    # The app's failure is what the probe observes; record it instead of crashing. SystemExit too: raised into the
    # event loop it would stop every server of the run.
    except (Exception, SystemExit) as exc:
        error = f"{type(exc).__name__}: {exc}"
    if index is None:
        error = error or "the app returned without starting a response"
        await recording_send(_start(500, b"text/plain; charset=utf-8"))
        await recording_send({"type": "http.response.body", "body": b"Internal Server Error"})
    elif error:
        exchanges[index] = replace(exchange, error=error)
        if not finished:
            await recording_send({"type": "http.response.body", "body": b""})


def _start(status: int, content_type: bytes) -> Message:
    return {"type": "http.response.start", "status": status, "headers": [(b"content-type", content_type)]}
