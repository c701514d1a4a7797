"""Origins (scheme://host:port) and how a page origin relates to a target origin.

Any http or https origin can be given: ``https://app.example.com``, ``https://api.example.com:8443``,
``http://localhost:3000``, ``http://[::1]:8000``. The browser sees exactly that origin; the kit's forward proxy
answers for it (e2ekit._serving.forward_proxy), so nothing binds its port and no name is looked up.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from dataclasses import dataclass

from e2ekit._errors import OriginError
from e2ekit._standard.sites import registrable_domain

__all__ = ["DEFAULT_PORTS", "LOOPBACK_HOSTS", "Origin", "SiteRelation", "as_origin", "site_relation"]

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
"""Hosts whose origins may leave the port out for e2ekit to pick one (other 127.x.y.z addresses too)."""

DEFAULT_PORTS = {"http": 80, "https": 443}

_LABEL = r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"^{_LABEL}(\.{_LABEL})*$")
_EXAMPLE = "http://localhost:3000"


class SiteRelation(str, enum.Enum):
    """How the browser classifies the target relative to the page (Fetch and RFC 6265bis "same site")."""

    SAME_ORIGIN = "same-origin"
    SAME_SITE = "same-site"
    CROSS_SITE = "cross-site"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Origin:
    """An http or https origin. ``host`` is lower-case, an IPv6 address without brackets.

    ``port`` None means "a port e2ekit picks", which only a loopback host (``LOOPBACK_HOSTS``, 127.x.y.z) may leave
    out; any other host without a port has the scheme's default port, as in a URL.
    """

    scheme: str
    host: str
    port: int | None = None

    @classmethod
    def parse(cls, text: str, *, what: str = "origin") -> Origin:
        """Parse ``scheme://host[:port]``; raise OriginError saying what was expected and what was found."""
        scheme, sep, rest = text.partition("://")
        if not sep:
            raise OriginError(f'{what} "{text}" has no scheme: expected scheme://host[:port], e.g. "{_EXAMPLE}"')
        scheme = scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise OriginError(f'{what} "{text}" uses scheme "{scheme}": expected "http://" or "https://"')
        if rest.endswith("/"):
            rest = rest[:-1]
        if "/" in rest or "?" in rest or "#" in rest:
            raise OriginError(f'{what} "{text}" has a path: an origin is scheme://host[:port] only, e.g. "{_EXAMPLE}"')
        if "@" in rest:
            raise OriginError(f'{what} "{text}" has a user name: an origin is scheme://host[:port] only')
        host, port_text = _split_authority(rest, text, what)
        port: int | None = None
        if port_text is not None:
            if not (port_text.isascii() and port_text.isdigit()) or not 0 < int(port_text) < 65536:
                raise OriginError(f'{what} "{text}" has port "{port_text}": expected a number from 1 to 65535')
            port = int(port_text)
        host = _normal_host(host, text, what)
        if port is None and not _picks_port(host):
            port = DEFAULT_PORTS[scheme]
        return cls(scheme, host, port)

    @property
    def authority(self) -> str:
        """``host[:port]`` as a URL writes it: an IPv6 address in brackets, the scheme's default port left out."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.port is None or self.port == DEFAULT_PORTS[self.scheme]:
            return host
        return f"{host}:{self.port}"

    @property
    def is_loopback(self) -> bool:
        """Whether the host is "localhost" or a loopback address, where the kit can also bind a server itself."""
        return _picks_port(self.host)

    @property
    def bind_address(self) -> str:
        """The address a server for this loopback origin listens on: localhost is served on 127.0.0.1."""
        return "127.0.0.1" if self.host == "localhost" else self.host

    @property
    def site(self) -> tuple[str, str]:
        """The schemeful site: the scheme and the registrable domain (Public Suffix List), or the host itself for
        an IP address, "localhost" or another name with no registrable domain."""
        return self.scheme, registrable_domain(self.host) or self.host

    def with_port(self, port: int) -> Origin:
        return Origin(self.scheme, self.host, port)

    def __str__(self) -> str:
        """The origin as the browser serialises it (the ``Origin`` header, ``location.origin``)."""
        return f"{self.scheme}://{self.authority}"


def as_origin(value: Origin | str, *, what: str = "origin") -> Origin:
    """``value`` itself if it is an Origin, else parsed: an Origin with its port keeps it exactly, where its string
    (which leaves a default port out) would, on a loopback host, ask for a port to be picked."""
    return value if isinstance(value, Origin) else Origin.parse(value, what=what)


def _split_authority(rest: str, text: str, what: str) -> tuple[str, str | None]:
    if rest.startswith("["):
        host, bracket, after = rest[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise OriginError(f'{what} "{text}" has an IPv6 host without its closing "]": e.g. "http://[::1]:8000"')
        return f"[{host}]", (after[1:] if after else None)
    if rest.count(":") > 1:
        raise OriginError(f'{what} "{text}" has an IPv6 host: write it in brackets, e.g. "http://[::1]:8000"')
    host, colon, port_text = rest.partition(":")
    return host, (port_text if colon else None)


def _normal_host(host: str, text: str, what: str) -> str:
    if host.startswith("["):
        try:
            return str(ipaddress.IPv6Address(host[1:-1]))
        except ValueError:
            raise OriginError(f'{what} "{text}" has host "{host}", which is not an IPv6 address') from None
    host = host.lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")  # as the browser sends it: punycode
        except UnicodeError:
            raise OriginError(f'{what} "{text}" has host "{host}", which is not a valid domain name') from None
    if not _HOST_NAME.match(host):
        raise OriginError(
            f'{what} "{text}" has host "{host}": expected a domain name (letters, digits, "-", dots), an IPv4 '
            'address or an IPv6 address in brackets, e.g. "https://app.example.test"'
        )
    if host.replace(".", "").isdigit():
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError:
            raise OriginError(f'{what} "{text}" has host "{host}", which is not an IPv4 address') from None
    return host


def _picks_port(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def site_relation(page: Origin, target: Origin) -> SiteRelation:
    """Same origin, same site (same scheme and registrable domain), or cross site.

    Hosts that are IP addresses or "localhost" have no registrable domain, so the site is the host itself:
    localhost:A -> localhost:B is same-site, localhost -> 127.0.0.1 is cross-site; app.example.test ->
    api.example.test is same-site, http -> https of one host is cross-site (schemeful same-site).
    """
    if page == target:
        return SiteRelation.SAME_ORIGIN
    if page.site == target.site:
        return SiteRelation.SAME_SITE
    return SiteRelation.CROSS_SITE
