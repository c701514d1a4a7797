"""From a parsed console message to the request that caused it, between the exact origins the message names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from e2ekit._errors import OriginError, UsageError
from e2ekit._probing.origins import DEFAULT_PORTS, Origin
from e2ekit._probing.probe import Probe
from e2ekit._probing.session import DEFAULT_PAGE_ORIGIN, DEFAULT_TARGET_ORIGIN
from e2ekit._standard import OPAQUE_ORIGIN, Check, origin_of
from e2ekit._wordings import ParsedMessage

__all__ = ["ReportedRequest", "ReproRequest", "distinct_requests", "reconstruct"]

SECURE_PAGE_ORIGIN = "https://localhost"
"""The page of a mixed-content report that does not name it: any https page blocks an http request."""

# Values that make a header trigger what the message blames it for.
_HEADER_VALUES = {"authorization": "Bearer e2ekit", "content-type": "application/json"}


_BODY = '{"e2ekit": true}'
_AUTH_STATUSES = (401, 403)


@dataclass(frozen=True)
class ReproRequest:
    """The probe to run, its origins, and what had to be assumed (each naming the option that overrides it).

    ``opaque_page`` serves the page sandboxed, so its requests carry ``Origin: null`` as the reported page's did.
    """

    probe: Probe
    page_origin: str
    target_origin: str
    assumptions: tuple[str, ...] = field(default=())
    opaque_page: bool = False

    @property
    def shown_page(self) -> str:
        """The page as the report names it: its origin, or "null (a sandboxed page on ...)"."""
        if self.opaque_page:
            return f"{OPAQUE_ORIGIN} (a sandboxed page on {self.page_origin})"
        return self.page_origin


def reconstruct(
    report: ParsedMessage,
    *,
    page_origin: str | None,
    target_origin: str | None,
    method: str | None,
    headers: list[tuple[str, str]],
    credentials: str | None,
    path: str | None = None,
    body: str | None = None,
) -> ReproRequest:
    """The request ``report`` implies; explicit options (``path`` and ``body`` too) win over what the message says."""
    assumptions: list[str] = []
    url = report.redirected_from or report.target_url or ""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - urlsplit checks the port only when it is read
    except ValueError as error:  # "Invalid IPv6 URL", a port out of range or not a number
        raise UsageError(f'the message names the URL "{url}", which is not a valid URL: {error}') from None
    if path is None:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if not url:
            assumptions.append(
                "the message names no URL: fetching /; set --path (and --body) to the request's path and body"
            )
    elif not url:
        assumptions.append(f"the message names no URL: fetching {path}, as --path says")

    opaque = report.page_origin == OPAQUE_ORIGIN and page_origin is None
    page = page_origin or _origin(report.page_origin)
    if opaque:
        page = DEFAULT_PAGE_ORIGIN
        assumptions.append(
            "the message names the page origin null, an opaque origin (a sandboxed iframe, a file: page or a data: "
            f"URL): the request is sent from a sandboxed page on {page}, so it carries Origin: null; set "
            "--page-origin to send it from a real origin instead"
        )
    elif page is None:
        # Mixed content means the page was https (Firefox's message does not name it).
        page = SECURE_PAGE_ORIGIN if report.check is Check.MIXED_CONTENT else DEFAULT_PAGE_ORIGIN
        named = (
            f"names the page origin {report.page_origin}, which is not an http or https origin"
            if report.page_origin
            else "does not name the page origin"
        )
        assumptions.append(f"the message {named}: the page is served at {page}; set --page-origin to choose")
    target = target_origin or _origin(url) or DEFAULT_TARGET_ORIGIN

    request_headers = list(headers)
    if report.header and not any(name.lower() == report.header.lower() for name, _ in request_headers):
        request_headers.append((report.header, _HEADER_VALUES.get(report.header.lower(), "e2ekit")))
    chosen_method = method or report.method or "GET"
    if report.preflight and not (method or report.method or request_headers):
        # A preflight was sent, so the request had a non-safelisted method or header; the message does not say which.
        if report.status in _AUTH_STATUSES:
            # A preflight refused 401 or 403: an API behind authentication, which a page calls with Authorization.
            request_headers.append(("Authorization", _HEADER_VALUES["authorization"]))
            assumptions.append(
                f"the message says the preflight got {report.status} but not what triggered it: sending GET with "
                f"Authorization: {_HEADER_VALUES['authorization']}, as a page calls an API behind authentication; "
                "set --method and --header to match the real request"
            )
        else:
            request_headers.append(("Content-Type", "application/json"))
            chosen_method = "POST"
            assumptions.append(
                "the message says a preflight failed but not what triggered it: sending POST with Content-Type: "
                "application/json; set --method and --header to match the real request"
            )
    chosen_credentials = credentials or report.credentials or "same-origin"
    if report.check in (Check.WILDCARD_WITH_CREDENTIALS, Check.CREDENTIALS_NOT_TRUE):
        chosen_credentials = credentials or "include"
    if body is None and chosen_method.upper() not in ("GET", "HEAD"):
        body = _BODY
    probe = Probe(path, chosen_method, tuple(request_headers), body, chosen_credentials)
    return ReproRequest(probe, page, target, tuple(assumptions), opaque_page=opaque)


def _origin(url: str | None) -> str | None:
    """The exact origin of a URL or origin the message names (Chromium's mixed-content message names the page's
    URL), port included, so the replay has the report's host names, scheme and ports: same-site stays same-site,
    https stays https. None when there is no http(s) origin."""
    if not url or url == OPAQUE_ORIGIN:
        return None
    serialised = origin_of(url)
    try:
        parsed = Origin.parse(serialised)
    except OriginError:
        return None
    port = urlsplit(serialised).port or DEFAULT_PORTS[parsed.scheme]
    # A loopback origin written without its port would get a port picked: keep the default port it names.
    return serialised if parsed.port is not None else f"{serialised}:{port}"


# Lines that follow an engine's specific message about the same request and add nothing: Firefox's "CORS request
# did not succeed" after a failed preflight, WebKit's bare "Fetch API cannot load ..." wrapper.
_FOLLOW_UPS = (Check.NOT_SENT, Check.BLOCKED)


@dataclass(frozen=True)
class ReportedRequest:
    """One distinct request a pasted console text shows: the request the messages imply, and those messages."""

    request: ReproRequest
    reports: tuple[ParsedMessage, ...]

    @property
    def report(self) -> ParsedMessage:
        """The message that names the failure: the first that is not a follow-up line."""
        return next((r for r in self.reports if r.check not in _FOLLOW_UPS), self.reports[0])


def distinct_requests(
    reports: Sequence[ParsedMessage],
    *,
    page_origin: str | None,
    target_origin: str | None,
    method: str | None,
    headers: list[tuple[str, str]],
    credentials: str | None,
    path: str | None = None,
    body: str | None = None,
) -> list[ReportedRequest]:
    """The distinct requests ``reports`` (every CORS message of one paste, in order) show, each with its messages.

    Messages that imply the same request are one (a console repeats a failure on every call); a follow-up line
    joins the message about the same URL and page before it.
    """
    groups: dict[tuple[object, ...], list[ParsedMessage]] = {}
    requests: dict[tuple[object, ...], ReproRequest] = {}

    def key_of(request: ReproRequest) -> tuple[object, ...]:
        return (request.probe, request.page_origin, request.target_origin, request.opaque_page)

    for report in reports:
        if report.check in _FOLLOW_UPS:
            joined = next(
                (
                    key
                    for key, members in groups.items()
                    if any(m.target_url == report.target_url and m.page_origin == report.page_origin for m in members)
                ),
                None,
            )
            if joined is not None:
                groups[joined].append(report)
                continue
        request = reconstruct(
            report,
            page_origin=page_origin,
            target_origin=target_origin,
            method=method,
            headers=headers,
            credentials=credentials,
            path=path,
            body=body,
        )
        key = key_of(request)
        requests.setdefault(key, request)
        groups.setdefault(key, []).append(report)
    return [ReportedRequest(requests[key], tuple(members)) for key, members in groups.items()]
