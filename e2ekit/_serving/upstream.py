"""A server that is already running, named by URL (``http://127.0.0.1:8000``, ``http://localhost:5173/api``).

The kit serves the target origin itself and forwards each request there (see e2ekit._serving.proxy). A host off
this machine is refused unless the user opts in: the kit would then send the user's probe requests off the machine.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from e2ekit._errors import AppLoadError

__all__ = ["CONNECT_TIMEOUT", "REMOTE_OPT_IN", "Upstream", "is_url"]

CONNECT_TIMEOUT = 3.0
"""Seconds to wait for the server to accept a connection when the app is loaded."""
REMOTE_OPT_IN = "--allow-remote-app"

_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_url(text: str) -> bool:
    """Whether an APP value names a running server rather than a Python app."""
    return text.lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class Upstream:
    """Where a running server listens: ``scheme://host:port``, and the path and query the URL named."""

    scheme: str
    host: str
    port: int
    target: str
    """The URL's path and query ("/api" for http://localhost:5173/api): what to fetch when no path is given."""

    @classmethod
    def parse(cls, url: str, *, allow_remote: bool = False) -> Upstream:
        """Check ``url`` names a reachable server on this machine (or, with ``allow_remote``, anywhere)."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise AppLoadError(f'app "{url}" is not a valid URL: {error}') from None
        scheme = parts.scheme.lower()
        host = parts.hostname or ""
        if not host or parts.username is not None or parts.password is not None or parts.fragment:
            raise AppLoadError(
                f'app "{url}" is not a server URL: expected http://HOST[:PORT][/PATH], e.g. http://127.0.0.1:8000'
            )
        upstream = cls(
            scheme=scheme,
            host=host,
            port=port if port is not None else _DEFAULT_PORTS[scheme],
            target=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
        )
        if not allow_remote and not upstream.is_loopback:
            raise AppLoadError(
                f'app "{url}" is not on this machine: e2ekit would send the probes\' requests to {host}; '
                f"pass {REMOTE_OPT_IN} to allow that"
            )
        upstream.check_reachable(url)
        return upstream

    @property
    def origin(self) -> str:
        """``scheme://authority`` as a client writes it (the port left out when it is the scheme's default)."""
        return f"{self.scheme}://{self.authority}"

    @property
    def authority(self) -> str:
        """The Host header a client sends to this server."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == _DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def is_loopback(self) -> bool:
        # "localhost" and its subdomains resolve to loopback by definition (RFC 6761, section 6.3).
        if self.host == "localhost" or self.host.endswith(".localhost"):
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def names(self, scheme: str, host: str | None, port: int | None) -> bool:
        """Whether a URL with these parts points at this server (as a Location header might)."""
        if scheme.lower() != self.scheme or host is None or host.lower() != self.host:
            return False
        return (port if port is not None else _DEFAULT_PORTS.get(scheme.lower())) == self.port

    def check_reachable(self, url: str) -> None:
        """Connect once, with a short timeout, so a server that is not running is bad input, not a blocked fetch."""
        where = f"{self.host}:{self.port}"
        try:
            with socket.create_connection((self.host, self.port), timeout=CONNECT_TIMEOUT):
                pass
        except ConnectionRefusedError:
            raise AppLoadError(
                f'app "{url}": nothing is listening at {where} (connection refused); start the server first'
            ) from None
        except TimeoutError:
            raise AppLoadError(
                f'app "{url}": {where} did not accept a connection within {CONNECT_TIMEOUT:g} s'
            ) from None
        except socket.gaierror as error:
            raise AppLoadError(f'app "{url}": the host "{self.host}" cannot be resolved: {error.strerror}') from None
        except OSError as error:
            raise AppLoadError(f'app "{url}": connecting to {where} failed: {error.strerror or error}') from None
