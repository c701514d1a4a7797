"""Origins (scheme://host:port) and how a page origin relates to a target origin."""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass

from e2ekit._errors import OriginError

__all__ = ["LOOPBACK_HOSTS", "Origin", "SiteRelation", "site_relation"]

LOOPBACK_HOSTS = ("localhost", "127.0.0.1")
"""Host names e2ekit can serve: servers bind loopback addresses only. Other 127.x.y.z addresses work too."""


class SiteRelation(str, enum.Enum):
    """How the browser classifies the target relative to the page (Fetch and RFC 6265bis "same site")."""

    SAME_ORIGIN = "same-origin"
    SAME_SITE = "same-site"
    CROSS_SITE = "cross-site"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Origin:
    """An http origin on a loopback host. ``port`` None means "a port e2ekit picks"."""

    scheme: str
    host: str
    port: int | None = None

    @classmethod
    def parse(cls, text: str, *, what: str = "origin") -> Origin:
        """Parse ``http://host[:port]``; raise OriginError saying what was expected and what was found."""
        scheme, sep, rest = text.partition("://")
        example = "http://localhost:3000"
        if not sep:
            raise OriginError(f'{what} "{text}" has no scheme: expected scheme://host[:port], e.g. "{example}"')
        if scheme != "http":
            raise OriginError(f'{what} "{text}" uses scheme "{scheme}": e2ekit serves plain http only; use "http://"')
        if rest.endswith("/"):
            rest = rest[:-1]
        if "/" in rest or "?" in rest or "#" in rest:
            raise OriginError(f'{what} "{text}" has a path: an origin is scheme://host[:port] only, e.g. "{example}"')
        host, colon, port_text = rest.rpartition(":") if rest.count(":") == 1 else (rest, "", "")
        if not colon:
            host = rest
        port: int | None = None
        if colon:
            if not (port_text.isascii() and port_text.isdigit()) or not 0 < int(port_text) < 65536:
                raise OriginError(f'{what} "{text}" has port "{port_text}": expected a number from 1 to 65535')
            port = int(port_text)
        host = host.lower()
        if not _is_loopback(host):
            raise OriginError(
                f'{what} "{text}" has host "{host}": e2ekit serves loopback hosts only; use "localhost" or "127.0.0.1"'
            )
        return cls(scheme, host, port)

    @property
    def bind_address(self) -> str:
        """The address a server for this origin listens on: localhost is served on 127.0.0.1."""
        return "127.0.0.1" if self.host == "localhost" else self.host

    def with_port(self, port: int) -> Origin:
        return Origin(self.scheme, self.host, port)

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}" + (f":{self.port}" if self.port is not None else "")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        address = ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return address.is_loopback


def site_relation(page: Origin, target: Origin) -> SiteRelation:
    """Same origin, same site (same scheme and host, another port), or cross site.

    Hosts that are IP addresses or "localhost" have no registrable domain, so the site is the host itself:
    localhost:A -> localhost:B is same-site, localhost -> 127.0.0.1 is cross-site.
    """
    if page == target:
        return SiteRelation.SAME_ORIGIN
    if page.scheme == target.scheme and page.host == target.host:
        return SiteRelation.SAME_SITE
    return SiteRelation.CROSS_SITE
