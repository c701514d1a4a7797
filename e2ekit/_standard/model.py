"""The model's entry point: replay what a browser does for one fetch() against the exchanges the server recorded.

The walk follows the Fetch standard's main fetch (https://fetch.spec.whatwg.org/#main-fetch) hop by hop: decide
the response tainting, run the CORS-preflight fetch when needed, run the CORS check on each response, then follow,
refuse or expose redirects.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import urljoin, urlsplit

from e2ekit._probing.exchange import Exchange
from e2ekit._probing.probe import Probe
from e2ekit._standard.checks import Check, Failure
from e2ekit._standard.cors_check import cors_check
from e2ekit._standard.exposure import readable_headers
from e2ekit._standard.prediction import Prediction
from e2ekit._standard.preflight import check_preflight, needs_preflight
from e2ekit._standard.redirects import follow_redirect
from e2ekit._standard.request import FetchRequest, build_request
from e2ekit._standard.request_origin import is_http_url, is_same_origin, origin_of, request_origin
from e2ekit._standard.responses import effective_status, is_redirect, location

__all__ = ["predict"]


def predict(probe: Probe, page_origin: str, target_url: str, exchanges: Sequence[Exchange]) -> Prediction:
    """Predict whether a page at ``page_origin`` can read ``fetch(target_url, probe)``.

    ``exchanges`` are every request the target server received for this probe, in order, with its responses: a
    preflight, redirect hops, the actual request; fewer when the browser stopped early.
    """
    built = build_request(probe, target_url)
    if isinstance(built, Failure):
        return Prediction(False, built.check, built.detail, built.fix, preflight_required=False)
    return _Walk(origin_of(page_origin), exchanges).run(built)


def _target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class _Walk:
    """One replay: consumes the recorded exchanges as the browser would have caused them."""

    def __init__(self, page_origin: str, exchanges: Sequence[Exchange]) -> None:
        self.page_origin = page_origin
        self.pending = deque(exchanges)
        self.preflight_required = False
        self.preflight_cached = False

    def run(self, request: FetchRequest) -> Prediction:
        while True:
            routed = self._route(request)
            if isinstance(routed, Failure):
                return self._failed(routed)
            request = routed
            origin = request_origin(self.page_origin, request.url_list)
            if request.response_tainting == "cors":
                failure = self._preflight(request, origin)
                if failure is not None:
                    return self._failed(failure)
            if not self.pending:
                return self._failed(self._not_sent(request, preflight=False))
            response = self.pending.popleft()
            if request.response_tainting == "cors":
                failure = cors_check(
                    response, origin=origin, credentials=request.credentials, page_origin=self.page_origin
                )
                if failure is not None:
                    return self._failed(failure)
            if not is_redirect(response):
                return self._allowed(request, response)
            if request.redirect != "follow":
                return self._redirect_not_followed(request, response)
            followed = follow_redirect(request, response, page_origin=self.page_origin)
            if isinstance(followed, Failure):
                return self._failed(followed)
            request = followed

    def _route(self, request: FetchRequest) -> FetchRequest | Failure:
        """Main fetch's choice for the current URL: same-origin (basic), refused, opaque, or CORS."""
        if request.response_tainting == "basic" and is_same_origin(self.page_origin, request.url):
            return request
        if request.mode == "same-origin":
            via = " after a redirect" if len(request.url_list) > 1 else ""
            return Failure(
                Check.SAME_ORIGIN_MODE,
                f"the request's mode is 'same-origin' but it went{via} to '{request.url}', which is not same origin "
                f"with the page ('{self.page_origin}')",
                "use mode 'cors' for a cross-origin URL",
            )
        if request.mode == "no-cors":
            if request.redirect != "follow":
                return Failure(
                    Check.NO_CORS_REDIRECT_MODE,
                    f"mode 'no-cors' to another origin needs redirect mode 'follow', not '{request.redirect}'",
                    "use redirect 'follow' with mode 'no-cors'",
                )
            return replace(request, response_tainting="opaque")
        if not is_http_url(request.url):
            return Failure(
                Check.SCHEME_NOT_HTTP,
                f"a CORS request can only go to an http(s) URL, not '{request.url}'",
                "serve the API over http or https",
            )
        return replace(request, response_tainting="cors")

    def _preflight(self, request: FetchRequest, origin: str) -> Failure | None:
        needed = needs_preflight(request.method, request.headers)
        self.preflight_required |= needed
        if self.pending and self.pending[0].is_preflight:
            return check_preflight(
                self.pending.popleft(),
                method=request.method,
                headers=request.headers,
                origin=origin,
                credentials=request.credentials,
                page_origin=self.page_origin,
            )
        if needed and not self.pending:
            return self._not_sent(request, preflight=True)
        # A needed preflight that was not recorded was answered from the browser's preflight cache.
        self.preflight_cached |= needed
        return None

    def _not_sent(self, request: FetchRequest, *, preflight: bool) -> Failure:
        target = _target(request.url)
        if preflight:
            detail = (
                f"the server recorded no preflight (OPTIONS {target}), although the browser must send one "
                f"before the {request.method} request"
            )
        else:
            detail = f"the server recorded no {request.method} {target} request, although the browser should send it"
        return Failure(Check.NOT_SENT, detail)

    def _redirect_not_followed(self, request: FetchRequest, response: Exchange) -> Prediction:
        status = effective_status(response)
        target = urljoin(request.url, location(response) or "")
        if request.redirect == "error":
            return self._failed(
                Failure(
                    Check.REDIRECT_NOT_ALLOWED,
                    f"the response to {request.method} {_target(request.url)} was a {status} redirect to '{target}', and "
                    "the request's redirect mode is 'error'",
                    f"fetch '{target}' directly or use redirect 'follow'",
                )
            )
        return Prediction(
            True,
            None,
            f"redirect mode 'manual' turns the {status} redirect to '{target}' into an opaque-redirect response: "
            "status 0 and no readable headers",
            None,
            self.preflight_required,
            response_type="opaqueredirect",
            status=0,
        )

    def _allowed(self, request: FetchRequest, response: Exchange) -> Prediction:
        kind = request.response_tainting
        if kind == "opaque":
            return Prediction(
                True,
                None,
                "mode 'no-cors' gives an opaque response: JavaScript sees status 0 and no headers or body",
                None,
                self.preflight_required,
                response_type="opaque",
                status=0,
            )
        if kind == "basic":
            detail = "same-origin request: CORS does not apply and every response header but Set-Cookie is readable"
        elif self.preflight_cached:
            detail = (
                "the response passed the CORS check; no preflight was recorded because the browser reused a "
                "cached preflight result"
            )
        elif self.preflight_required:
            detail = "the preflight and the response passed the CORS checks"
        else:
            detail = "the response passed the CORS check"
        readable = readable_headers(response, response_type=kind, credentials=request.credentials)
        return Prediction(True, None, detail, None, self.preflight_required, readable, kind, effective_status(response))

    def _failed(self, failure: Failure) -> Prediction:
        return Prediction(False, failure.check, failure.detail, failure.fix, self.preflight_required)
