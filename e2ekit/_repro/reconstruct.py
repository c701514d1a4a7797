"""From a parsed console message to the request that caused it, mapped onto loopback origins."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from e2ekit._errors import OriginError
from e2ekit._probing.origins import Origin
from e2ekit._probing.probe import Probe
from e2ekit._probing.session import DEFAULT_PAGE_ORIGIN, DEFAULT_TARGET_ORIGIN
from e2ekit._standard import Check
from e2ekit._wordings import ParsedMessage

__all__ = ["ReproRequest", "reconstruct"]

# Values that make a header trigger what the message blames it for.
_HEADER_VALUES = {"authorization": "Bearer e2ekit", "content-type": "application/json"}


@dataclass(frozen=True)
class ReproRequest:
    """The probe to run, its origins, and what had to be assumed (each naming the option that overrides it)."""

    probe: Probe
    page_origin: str
    target_origin: str
    assumptions: tuple[str, ...] = field(default=())


def reconstruct(
    report: ParsedMessage,
    *,
    page_origin: str | None,
    target_origin: str | None,
    method: str | None,
    headers: list[tuple[str, str]],
    credentials: str | None,
) -> ReproRequest:
    """The request ``report`` implies; explicit options win over what the message says."""
    assumptions: list[str] = []
    url = report.redirected_from or report.target_url or ""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not url:
        assumptions.append(
            "the message names no URL: fetching / (the path is not settable here; paste the full message)"
        )

    page = page_origin or _loopback(report.page_origin)
    if page is None:
        page = DEFAULT_PAGE_ORIGIN
        named = (
            f"names the page origin {report.page_origin}, which is not a loopback http origin"
            if report.page_origin
            else "does not name the page origin"
        )
        assumptions.append(f"the message {named}: the page is served at {page}; set --page-origin to choose")
    target = target_origin or _loopback_host(parts) or DEFAULT_TARGET_ORIGIN

    request_headers = list(headers)
    if report.header and not any(name.lower() == report.header.lower() for name, _ in request_headers):
        request_headers.append((report.header, _HEADER_VALUES.get(report.header.lower(), "e2ekit")))
    chosen_method = method or report.method or "GET"
    if report.preflight and not (method or report.method or request_headers):
        # A preflight was sent, so the request had a non-safelisted method or header; the message does not say which.
        request_headers.append(("Content-Type", "application/json"))
        chosen_method = "POST"
        assumptions.append(
            "the message says a preflight failed but not what triggered it: sending POST with Content-Type: "
            "application/json; set --method and --header to match the real request"
        )
    chosen_credentials = credentials or report.credentials or "same-origin"
    if report.check in (Check.WILDCARD_WITH_CREDENTIALS, Check.CREDENTIALS_NOT_TRUE):
        chosen_credentials = credentials or "include"
    body = '{"e2ekit": true}' if chosen_method not in ("GET", "HEAD") else None
    probe = Probe(path, chosen_method, tuple(request_headers), body, chosen_credentials)
    return ReproRequest(probe, page, target, tuple(assumptions))


def _loopback(origin: str | None) -> str | None:
    if origin is None:
        return None
    try:
        return str(Origin.parse(origin))
    except OriginError:
        return None


def _loopback_host(parts: object) -> str | None:
    # Keep the relation the user had when the target was itself on loopback (localhost vs 127.0.0.1).
    hostname = getattr(parts, "hostname", None)
    if hostname in ("localhost", "127.0.0.1"):
        return f"http://{hostname}"
    return None
