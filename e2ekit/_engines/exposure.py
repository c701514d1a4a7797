"""Exposing the run's origins to a browser on another machine, only when asked, at the one address given.

Every origin of a run is answered by the kit's forward proxy (e2ekit._serving.forward_proxy), which listens on
127.0.0.1: a browser elsewhere (a Playwright server on another machine, a Selenium Grid node, Safari on a Mac)
cannot reach it, and by default nothing the kit starts listens beyond loopback. ``E2EKIT_EXPOSE=ADDRESS[:PORT]`` (or
the plugin's ``--e2e-expose``) opts in: the kit then also listens on ADDRESS (an address of this machine that the
browser reaches; PORT 0 or left out lets the OS pick) and relays every connection, byte for byte, to its forward
proxy. A browser told to use ``http://ADDRESS:PORT`` as its proxy reaches every origin of the run exactly as a local
engine does: the same host names and ports, https included, through the same proxy. The proxy serves the run's
origins only; anything else gets 502 and is never forwarded.

Whoever reaches ADDRESS reaches the app under test through the proxy while the run lasts: name an address on a
network you trust (a private interface, a VPN, the far end of an SSH tunnel), never every interface.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import threading
from dataclasses import dataclass

from e2ekit._errors import EngineConfigError

__all__ = ["EXPOSE_VARIABLE", "Exposure", "exposure", "is_exposure_requested", "parse_exposure"]

EXPOSE_VARIABLE = "E2EKIT_EXPOSE"
_CHUNK = 65536


@dataclass(frozen=True)
class Exposure:
    """Where a browser elsewhere reaches the kit's forward proxy: ``http://host:port``."""

    host: str
    port: int
    relay: _Relay

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def connections(self) -> int:
        """How many connections the relay has accepted so far."""
        return self.relay.accepted


def parse_exposure(text: str) -> tuple[str, int]:
    """``ADDRESS[:PORT]`` (an IPv6 address in brackets) as (address, port); EngineConfigError saying what to give."""
    text = text.strip()
    host, port_text = text, "0"
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":") or "0"
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    try:
        address = ipaddress.ip_address(host)
        port = int(port_text)
    except ValueError:
        raise EngineConfigError(
            f'{EXPOSE_VARIABLE} "{text}": expected ADDRESS[:PORT], an IP address of this machine that the remote '
            'browser reaches and an optional port, e.g. "10.0.0.5:8899" or "[fd00::5]:8899"'
        ) from None
    if address.is_unspecified:
        raise EngineConfigError(
            f'{EXPOSE_VARIABLE} "{text}" names every interface: name the one address the remote browser reaches '
            "(the proxy lets whoever reaches it reach the app under test)"
        )
    if not 0 <= port < 65536:
        raise EngineConfigError(f'{EXPOSE_VARIABLE} "{text}" has port {port}: expected 0 (any) to 65535')
    return str(address), port


_exposures: dict[str, Exposure] = {}
_lock = threading.Lock()


def is_exposure_requested() -> bool:
    """Whether ``E2EKIT_EXPOSE`` asks for an exposure (nothing is started or checked here)."""
    return bool(os.environ.get(EXPOSE_VARIABLE, "").strip())


def exposure() -> Exposure | None:
    """The exposure ``E2EKIT_EXPOSE`` asks for, started on first use and kept for the process; None when unset."""
    text = os.environ.get(EXPOSE_VARIABLE, "").strip()
    if not text:
        return None
    with _lock:
        if text not in _exposures:
            host, port = parse_exposure(text)
            relay = _Relay(host, port)
            _exposures[text] = Exposure(host, relay.port, relay)
        return _exposures[text]


class _Relay:
    """A listening socket at the exposed address whose connections are piped to the forward proxy, on the kit's
    shared event loop; it ends with the process."""

    def __init__(self, host: str, port: int) -> None:
        # Imported here: the serving layer, which only a run needs.
        from e2ekit._serving.event_loop import LoopThread
        from e2ekit._serving.forward_proxy import forward_proxy

        self._proxy = forward_proxy()
        self.accepted = 0
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._socket.bind((host, port))
        except OSError as error:
            self._socket.close()
            raise EngineConfigError(
                f"{EXPOSE_VARIABLE}: cannot listen on {host} port {port}: {error.strerror}; give an address of this "
                "machine (and a free port, or none)"
            ) from None
        self.port: int = self._socket.getsockname()[1]
        LoopThread.shared().run(self._listen(), 10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._relay, sock=self._socket)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(self._proxy.host, self._proxy.port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
        for end in (writer, upstream_writer):
            end.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(_CHUNK):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):  # the other side went away: the connection is over either way
        writer.close()
