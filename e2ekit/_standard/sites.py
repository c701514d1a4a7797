"""Sites and potentially trustworthy URLs: what same-site and mixed content are decided on.

- A site (https://html.spec.whatwg.org/multipage/browsers.html#sites) is schemeful: the scheme and the host's
  registrable domain, taken from the Public Suffix List as browsers take it ("app.example.com" and
  "api.example.com" are one site, "a.github.io" and "b.github.io" are two). A host with no registrable domain (an
  IP address, "localhost", a public suffix itself) is its own site.
- A potentially trustworthy URL (https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy) is https,
  or http on a loopback host: 127.0.0.0/8, ::1, "localhost" and its subdomains. Mixed content blocks what is not.

The list is the ``publicsuffixlist`` package's bundled copy: read from the package, never fetched, so a run needs
no network and gives the same answer on every machine with the same package version.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from e2ekit._standard.request_origin import OPAQUE_ORIGIN

__all__ = [
    "is_loopback_mixed_content",
    "is_mixed_content",
    "is_potentially_trustworthy",
    "registrable_domain",
    "site_of",
]


@cache
def _suffixes() -> PublicSuffixList:
    # ~30 ms to read the list; only runs that compare real host names pay it.
    return PublicSuffixList()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def registrable_domain(host: str) -> str | None:
    """``host``'s registrable domain ("api.example.co.uk" -> "example.co.uk"), or None for an IP address, a
    single-label name such as "localhost", or a public suffix itself."""
    host = host.lower().strip("[]").rstrip(".")
    if not host or _is_ip(host) or "." not in host:
        return None
    found: str | None = _suffixes().privatesuffix(host)
    return found


def site_of(url: str) -> tuple[str, str] | None:
    """The (scheme, registrable domain or host) of a URL or serialised origin; None for an opaque origin."""
    if url == OPAQUE_ORIGIN:
        return None
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if not host:
        return None
    return parts.scheme.lower(), registrable_domain(host) or host


def is_potentially_trustworthy(url: str) -> bool:
    """Whether ``url`` is https, or http on a loopback host (the Secure Contexts definition, which mixed content,
    Secure cookies and secure contexts share)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme in ("https", "wss"):
        return True
    if scheme not in ("http", "ws"):
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    return _is_ip(host) and ipaddress.ip_address(host).is_loopback


def is_mixed_content(page_origin: str, url: str) -> bool:
    """Whether a page at ``page_origin`` fetching ``url`` is blocked as mixed content: the page is https (a secure
    context) and ``url`` is not potentially trustworthy (https://w3c.github.io/webappsec-mixed-content/)."""
    return urlsplit(page_origin).scheme.lower() == "https" and not is_potentially_trustworthy(url)


def is_loopback_mixed_content(page_origin: str, url: str) -> bool:
    """Whether ``url`` is http on a loopback host fetched from an https page: not mixed content by the standard (a
    loopback host is potentially trustworthy), but an engine that does not treat loopback as trustworthy blocks it
    as mixed content."""
    if urlsplit(page_origin).scheme.lower() != "https" or not is_potentially_trustworthy(url):
        return False
    return urlsplit(url).scheme.lower() == "http"  # parsed already: a trustworthy URL parses
