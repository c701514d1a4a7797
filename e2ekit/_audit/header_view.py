"""The header-level view: what a header-only scanner (Corsy, CORScanner, nuclei's cors-misconfig template) concludes
about each hostile origin, from the app's answer to a forged ``Origin``.

Such a scanner sends a GET with ``Origin: <hostile origin>`` and the user's session cookie, follows no preflight
and no redirect, and reports a read when ``Access-Control-Allow-Origin`` is that origin or ``*``, a credentialed
read when ``Access-Control-Allow-Credentials: true`` comes with it (``*`` included: no browser honours that). The
kit sends exactly that request over the network, through its forward proxy to the target origin the browsers use,
so the app answers it as it answers them; the cookie is what the visits set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from e2ekit._audit.attempts import AttemptKind
from e2ekit._audit.plan import AuditPlan
from e2ekit._serving.certificates import run_certificates
from e2ekit._serving.forward_proxy import forward_proxy
from e2ekit._serving.marker import add_marker
from e2ekit._serving.topology import Topology
from e2ekit._standard import parse_set_cookie

__all__ = ["SCANNER_TIMEOUT", "HeaderView", "header_views"]

SCANNER_TIMEOUT = 10.0
"""Seconds the scanner's request may take."""


@dataclass(frozen=True)
class HeaderView:
    """The app's answer to the scanner's forged request, and what the scanner concludes from it."""

    origin: str
    path: str
    status: int | None
    allow_origin: str | None
    allow_credentials: str | None
    error: str | None = None

    @property
    def reports_read(self) -> bool:
        """Whether the scanner reports that ``origin`` can read the response."""
        return self.allow_origin is not None and self.allow_origin.strip() in (self.origin, "*")

    @property
    def reports_credentialed_read(self) -> bool:
        """Whether the scanner reports that ``origin`` can read the response with the user's cookies."""
        credentials = (self.allow_credentials or "").strip().lower()
        return self.reports_read and credentials == "true"

    def reports(self, kind: AttemptKind) -> bool:
        """The scanner's conclusion for an attempt of ``kind``: it has one request, judged with or without
        credentials."""
        return self.reports_credentialed_read if kind.credentialed else self.reports_read

    @property
    def headers(self) -> str:
        """The answer's CORS headers in one line, as the report shows them."""
        if self.error is not None:
            return f"no answer: {self.error}"
        parts = [f"status {self.status}"]
        parts.append(
            "no access-control-allow-origin"
            if self.allow_origin is None
            else f"access-control-allow-origin: {self.allow_origin}"
        )
        if self.allow_credentials is not None:
            parts.append(f"access-control-allow-credentials: {self.allow_credentials}")
        return ", ".join(parts)

    def describe(self, kind: AttemptKind) -> str:
        """The scanner's verdict for ``kind`` in words, with the headers it read."""
        if self.error is not None:
            return f"header-only: no verdict ({self.headers})"
        what = "a credentialed read" if kind.credentialed else "a read"
        verdict = "reports" if self.reports(kind) else "does not report"
        return f"header-only: {verdict} {what} ({self.headers})"

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "path": self.path,
            "status": self.status,
            "allow_origin": self.allow_origin,
            "allow_credentials": self.allow_credentials,
            "error": self.error,
            "reports_read": self.reports_read,
            "reports_credentialed_read": self.reports_credentialed_read,
        }


def header_views(topology: Topology, app: object, plan: AuditPlan) -> Mapping[tuple[int, str], HeaderView]:
    """The scanner's view of every hostile origin and path, keyed by (case index, path)."""
    served = topology.app(app)
    state = topology.start_app(served)
    markers: list[int] = []

    def url(path: str) -> str:
        marker, _ = topology.router.register(served, state)
        markers.append(marker)
        return add_marker(f"{plan.target}{path}", marker)

    proxy = forward_proxy()
    views: dict[tuple[int, str], HeaderView] = {}
    extra = plan.attempts[0].probe.headers if plan.attempts else ()
    try:
        with httpx.Client(
            proxy=f"http://{proxy.host}:{proxy.port}",
            verify=run_certificates().client_context(),
            trust_env=False,
            timeout=SCANNER_TIMEOUT,
            follow_redirects=False,
        ) as client:
            cookie = _session_cookie(client, plan, url)
            for index, case in enumerate(plan.cases):
                for path in dict.fromkeys(attempt.probe.path for attempt in plan.attempts):
                    headers = [("Origin", case.hostile.origin), *extra]
                    if cookie:
                        headers.append(("Cookie", cookie))
                    views[index, path] = _view(client, url(path), headers, case.hostile.origin, path)
    finally:
        for marker in markers:
            topology.router.release(marker)
    return views


def _session_cookie(client: httpx.Client, plan: AuditPlan, url: Any) -> str:
    """The cookies the visits set, as the Cookie header a scanner's user pastes in."""
    cookies: dict[str, str] = {}
    for path in plan.visits:
        try:
            response = client.get(url(path))
        except httpx.HTTPError:
            continue  # the browsers' visits report their own failures; the scanner goes without the cookie
        finally:
            client.cookies.clear()  # the cookie goes as the header below, on every request, as a scanner sends it
        for line in response.headers.get_list("set-cookie"):
            cookie = parse_set_cookie(line, f"{plan.target}{path}")
            if cookie is None:
                continue
            if cookie.expired:
                cookies.pop(cookie.name, None)
            else:
                cookies[cookie.name] = cookie.value
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _view(client: httpx.Client, url: str, headers: list[tuple[str, str]], origin: str, path: str) -> HeaderView:
    try:
        response = client.get(url, headers=headers)
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
        return HeaderView(origin, path, None, None, None, error=f"{type(error).__name__}: {error}")
    return HeaderView(
        origin,
        path,
        response.status_code,
        response.headers.get("access-control-allow-origin"),
        response.headers.get("access-control-allow-credentials"),
    )
