"""The run's certificate authority: TLS for every https origin the kit serves, trusted by the run's engines only.

One CA per process, made with trustme on first use and never written to a system store: the engines accept the
certificates it issues through their own per-run settings (e2ekit._engines.proxy_settings), and a client in a test
trusts it with ``ca_pem``. Each host gets its certificate the first time a browser opens a tunnel to it.
"""

from __future__ import annotations

import ipaddress
import ssl
import threading
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import trustme

__all__ = ["RunCertificates", "run_certificates"]


class RunCertificates:
    """A fresh CA, and a server TLS context per host holding a certificate for that host that the CA signed."""

    def __init__(self) -> None:
        import trustme  # with the cryptography package, ~50 ms to import: only a run with https origins needs it

        self._ca: trustme.CA = trustme.CA(organization_name="e2ekit run CA")
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()

    @property
    def ca_pem(self) -> bytes:
        """The CA certificate (PEM), for a client that must trust the kit's https origins."""
        pem: bytes = self._ca.cert_pem.bytes()
        return pem

    def server_context(self, host: str) -> ssl.SSLContext:
        """A server-side TLS context whose certificate names ``host`` (a DNS name or an IP address)."""
        with self._lock:
            context = self._contexts.get(host)
            if context is None:
                context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                # HTTP/1.1 only, as the kit's own servers speak: no ALPN offer, so no engine negotiates h2.
                self._ca.issue_cert(_identity(host)).configure_cert(context)
                self._contexts[host] = context
            return context

    def client_context(self) -> ssl.SSLContext:
        """A client TLS context that trusts this CA only (for tests that talk to the kit's https origins)."""
        context = ssl.create_default_context()
        self._ca.configure_trust(context)
        return context


def _identity(host: str) -> str:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


@cache
def run_certificates() -> RunCertificates:
    """This process's certificates, made on first use (~10 ms)."""
    return RunCertificates()
