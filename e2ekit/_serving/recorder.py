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
    on_response_start: Callable[[], None] = lambda: None,
) -> None:
    """Run ``app`` for one HTTP request and record the exchange in ``exchanges``.

    The exchange is appended when the request arrives, without a status: an app that never answers leaves it so,
    and the result shows that the request reached it. It is completed when the response starts, before any byte
    reaches the browser: a browser may reject a fetch on the response headers alone, and the result must already
    hold what it rejected. ``on_response_start`` is called then too.

    An exception in the app is part of the result, not a crash: if no response was started the recorder answers 500
    itself, as a server would, and the exchange names the exception. A response the server cannot send (a header
    value with CR, LF or NUL, which HTTP/1.1 cannot carry) goes unsent: the server closes the connection, and the
    exchange keeps no status, the app's headers as ``unsent_headers`` and the server's refusal as ``error``.
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
    index = len(exchanges)
    exchanges.append(exchange)
    started = unsent = finished = False

    def keep(changed: Exchange) -> None:
        nonlocal exchange
        exchange = exchanges[index] = changed

    async def recording_send(message: Message) -> None:
        nonlocal started, unsent, finished
        if unsent:
            return  # the server closed the connection: nothing more reaches the browser
        if message["type"] == "http.response.start":
            started = True
            raw = tuple((k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in message.get("headers", []))
            keep(replace(exchange, status=int(message["status"]), response_headers=raw))
            on_response_start()
            # The exchange keeps the app's own Location; the browser gets it marked, to keep the hop attributed.
            sent = [(k, rewrite_location(v) if k == "location" else v) for k, v in raw]
            message = {**message, "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in sent]}
            try:
                await send(message)
            except Exception as refusal:  # the server refused the head before writing a byte of it
                unsent = True
                keep(replace(exchange, status=None, response_headers=(), unsent_headers=raw, error=_named(refusal)))
                raise
            return
        if message["type"] == "http.response.body":
            if started and len(exchange.response_body) < BODY_EXCERPT:
                text = exchange.response_body + message.get("body", b"").decode("utf-8", "replace")
                keep(replace(exchange, response_body=text[:BODY_EXCERPT]))
            finished = not message.get("more_body", False)
        await send(message)

    try:
        await app(scope, receive, recording_send)
    # The app's failure is what the probe observes; record it instead of crashing. SystemExit too: raised into the
    # event loop it would stop every server of the run.
    except (Exception, SystemExit) as exc:
        if not unsent:
            keep(replace(exchange, error=_named(exc)))
    if unsent:
        return
    if not started:
        keep(replace(exchange, error=exchange.error or "the app returned without starting a response"))
        await recording_send(_start(500, b"text/plain; charset=utf-8"))
        await recording_send({"type": "http.response.body", "body": b"Internal Server Error"})
    elif exchange.error and not finished:
        await recording_send({"type": "http.response.body", "body": b""})


def _named(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _start(status: int, content_type: bytes) -> Message:
    return {"type": "http.response.start", "status": status, "headers": [(b"content-type", content_type)]}
