"""The model's entry point: replay what a browser does for one fetch() against the exchanges the server recorded.

The walk follows the Fetch standard's main fetch (https://fetch.spec.whatwg.org/#main-fetch) hop by hop: decide
the response tainting, run the CORS-preflight fetch when needed, run the CORS check on each response, then follow,
refuse or expose redirects.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

from e2ekit._probing.exchange import Exchange
from e2ekit._probing.probe import Probe
from e2ekit._standard.caveats import Caveat, CaveatFacts, CaveatKind
from e2ekit._standard.checks import Check, Facts, Failure
from e2ekit._standard.cookies import cookie_caveats
from e2ekit._standard.cors_check import cors_check
from e2ekit._standard.exposure import SAFELISTED_RESPONSE_HEADERS, hidden_headers, readable_headers, spelled_header
from e2ekit._standard.preflight import check_preflight, needs_preflight
from e2ekit._standard.request import FetchRequest, build_request
from e2ekit._standard.request_origin import is_http_url, is_same_origin, origin_of, request_origin
from e2ekit._standard.responses import (
    effective_status,
    follow_redirect,
    is_redirect,
    location,
    shown_value,
    unsendable_header,
)
from e2ekit._standard.sites import is_mixed_content

__all__ = ["Prediction", "find_caveats", "predict"]


@dataclass(frozen=True)
class Prediction:
    """The outcome a standards-conforming browser gives the page's fetch().

    ``check`` is the identifier of the failing check (None when allowed); ``detail`` says in one sentence what
    failed or passed, citing the values seen; ``facts`` are the values a failure was decided on (None when
    allowed), from which e2ekit._frameworks words the fix. ``readable_headers`` are the response header names
    JavaScript can read, ``response_type`` is ``Response.type`` ("basic", "cors", "opaque", "opaqueredirect") and
    ``status`` is ``Response.status`` (0 for the opaque types); all three are empty when the fetch fails.
    """

    allowed: bool
    check: Check | None
    detail: str
    preflight_required: bool
    readable_headers: tuple[str, ...] = ()
    response_type: str | None = None
    status: int | None = None
    facts: Facts | None = None

    @property
    def failure(self) -> Failure | None:
        """The failed check with its detail and facts, or None when the fetch succeeds."""
        if self.check is None:
            return None
        return Failure(self.check, self.detail, self.facts or Facts())


def predict(
    probe: Probe,
    page_origin: str,
    target_url: str,
    exchanges: Sequence[Exchange],
    *,
    aborted_after: float | None = None,
) -> Prediction:
    """Predict whether a page at ``page_origin`` can read ``fetch(target_url, probe)``.

    ``exchanges`` are every request the target server received for this probe, in order, with its responses: a
    preflight, redirect hops, the actual request; fewer when the browser stopped early. ``aborted_after`` is the
    fetch timeout in seconds when the page aborted the fetch at it: a request the app had not answered by then.
    """
    built = build_request(probe, target_url)
    if isinstance(built, Failure):
        return Prediction(False, built.check, built.detail, preflight_required=False, facts=built.facts)
    return _Walk(origin_of(page_origin), exchanges, aborted_after).run(built)


def _target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class _Walk:
    """One replay: consumes the recorded exchanges as the browser would have caused them."""

    def __init__(self, page_origin: str, exchanges: Sequence[Exchange], aborted_after: float | None = None) -> None:
        self.page_origin = page_origin
        self.pending = deque(exchanges)
        self.aborted_after = aborted_after
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
            if response.status is None:
                return self._failed(self._no_response(request, response, preflight=False))
            if request.response_tainting == "cors":
                failure = cors_check(
                    response,
                    origin=origin,
                    credentials=request.credentials,
                    page_origin=self.page_origin,
                    method=request.method,
                    headers=request.headers,
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
        if is_mixed_content(self.page_origin, request.url):
            # Main fetch, before anything else and on every redirect hop: "should fetching request be blocked as
            # mixed content?" (Mixed Content, section 4.1). A fetch is blockable content whatever its mode.
            via = " after a redirect" if len(request.url_list) > 1 else ""
            return Failure(
                Check.MIXED_CONTENT,
                f"the page '{self.page_origin}' is https and the request went{via} to '{request.url}', which is http "
                "on a host that is not loopback: the browser blocks it as mixed content before sending it",
                self._facts(request, target=request.url),
            )
        if request.response_tainting == "basic" and is_same_origin(self.page_origin, request.url):
            return request
        if request.mode == "same-origin":
            via = " after a redirect" if len(request.url_list) > 1 else ""
            return Failure(
                Check.SAME_ORIGIN_MODE,
                f"the request's mode is 'same-origin' but it went{via} to '{request.url}', which is not same origin "
                f"with the page ('{self.page_origin}')",
                self._facts(request, target=request.url),
            )
        if request.mode == "no-cors":
            if request.redirect != "follow":
                return Failure(
                    Check.NO_CORS_REDIRECT_MODE,
                    f"mode 'no-cors' to another origin needs redirect mode 'follow', not '{request.redirect}'",
                    self._facts(request),
                )
            return replace(request, response_tainting="opaque")
        if not is_http_url(request.url):
            return Failure(
                Check.SCHEME_NOT_HTTP,
                f"a CORS request can only go to an http(s) URL, not '{request.url}'",
                self._facts(request, target=request.url),
            )
        return replace(request, response_tainting="cors")

    def _preflight(self, request: FetchRequest, origin: str) -> Failure | None:
        needed = needs_preflight(request.method, request.headers)
        self.preflight_required |= needed
        if self.pending and self.pending[0].is_preflight:
            preflight = self.pending.popleft()
            if preflight.status is None:
                return self._no_response(request, preflight, preflight=True)
            return check_preflight(
                preflight,
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
        return Failure(Check.NOT_SENT, detail, self._facts(request, preflight=preflight))

    def _no_response(self, request: FetchRequest, response: Exchange, *, preflight: bool) -> Failure:
        """A request that reached the app and got no response: a network error to the page (Fetch, "HTTP-network
        fetch"). Either the app never answered (the page's fetch timed out), or the server could not send the response
        the app started, and closed the connection instead."""
        sent = (
            f"the preflight OPTIONS {_target(response.url)}"
            if preflight
            else f"{response.method} {_target(response.url)}"
        )
        facts = self._facts(request, url=response.url, preflight=preflight, error=response.error)
        if not response.unsent_headers:
            if self.aborted_after is None:
                detail = f"{sent} reached the app, which did not answer: no response had started when the fetch ended"
            else:
                detail = (
                    f"{sent} reached the app, which did not answer within the fetch timeout ({self.aborted_after:g} "
                    "s): no response had started when e2ekit aborted the fetch"
                )
            return Failure(Check.NO_RESPONSE, detail, facts)
        unsendable = unsendable_header(response.unsent_headers)
        if unsendable is None:
            why = f"the server refused it ({response.error})"
        else:
            name, value, defect, of_name = unsendable
            shown = (
                f"the header name '{shown_value(name)}'"
                if of_name
                else f"its {name} header's value '{shown_value(value)}'"
            )
            why = f"{shown} {defect}, which no HTTP server can send"
            facts = replace(facts, response_header=name, value=value)
        detail = (
            f"{sent} reached the app, but the server could not send the response the app started: {why}; the server "
            "closed the connection instead, and the browser got a network error"
        )
        return Failure(Check.NO_RESPONSE, detail, facts)

    def _facts(self, request: FetchRequest, **found: Any) -> Facts:
        origin = request_origin(self.page_origin, request.url_list)
        return Facts(
            origin=origin,
            page_origin=self.page_origin,
            credentials=request.credentials,
            method=request.method,
            **found,
        )

    def _redirect_not_followed(self, request: FetchRequest, response: Exchange) -> Prediction:
        status = effective_status(response)
        target = urljoin(request.url, location(response) or "")
        if request.redirect == "error":
            return self._failed(
                Failure(
                    Check.REDIRECT_NOT_ALLOWED,
                    f"the response to {request.method} {_target(request.url)} was a {status} redirect to '{target}', "
                    "and the request's redirect mode is 'error'",
                    self._facts(request, status=status, target=target, value=location(response)),
                )
            )
        return Prediction(
            True,
            None,
            f"redirect mode 'manual' turns the {status} redirect to '{target}' into an opaque-redirect response: "
            "status 0 and no readable headers",
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
        return Prediction(True, None, detail, self.preflight_required, readable, kind, effective_status(response))

    def _failed(self, failure: Failure) -> Prediction:
        return Prediction(False, failure.check, failure.detail, self.preflight_required, facts=failure.facts)


_SAFELISTED = ", ".join(spelled_header(name) for name in sorted(SAFELISTED_RESPONSE_HEADERS))
_ERROR_STATUS = 400


def find_caveats(
    probe: Probe,
    page_origin: str,
    target_url: str,
    exchanges: Sequence[Exchange],
    *,
    engine: str,
    allowed: bool,
    readable: Sequence[str] | None = None,
    earlier: Sequence[Exchange] = (),
) -> tuple[Caveat, ...]:
    """What the page got besides the verdict ``allowed`` that ``engine`` gave: cookies the session's ``earlier``
    exchanges set that the request went without, and, for a response JavaScript read, an error status and the
    headers it could not read (``readable``: the names ``Response.headers`` showed; the model's when None)."""
    requests = [exchange for exchange in exchanges if not exchange.is_preflight]
    if not requests:
        return ()
    found = cookie_caveats(requests[0], earlier, page_origin=page_origin, credentials=probe.credentials, engine=engine)
    final = requests[-1]
    if not allowed or probe.mode != "cors" or (probe.redirect == "manual" and is_redirect(final)):
        return tuple(found)
    if final.status is not None and final.status >= _ERROR_STATUS:
        found.append(_error_status(final, probe, page_origin, engine, cookie_missing=bool(found)))
    if not is_same_origin(page_origin, final.url):
        if readable is None:
            readable = predict(probe, page_origin, target_url, exchanges).readable_headers
        hidden = hidden_headers(final, readable)
        if hidden:
            found.append(_hidden(final, hidden, probe, engine))
    return tuple(found)


def _error_status(response: Exchange, probe: Probe, page_origin: str, engine: str, *, cookie_missing: bool) -> Caveat:
    status = effective_status(response)
    target = _target(response.url)
    if status in (401, 403):
        what = "the app refused the request"
    elif status >= 500:
        what = "the app failed"
    else:
        what = "the app answered with an error"
    if response.error:
        what += f" (it raised {response.error})"
    elif response.response_body and len(response.response_body) <= 80 and "\n" not in response.response_body:
        what += f" (it answered {response.response_body})"
    facts = CaveatFacts(
        engine=engine,
        page_origin=page_origin,
        request_url=response.url,
        method=response.method,
        credentials=probe.credentials,
        status=status,
        body=response.response_body,
        error=response.error,
        cookie_missing=cookie_missing,
        credentials_sent=response.cookie is not None or response.request_header("authorization") is not None,
    )
    detail = f"JavaScript read status {status} from {response.method} {target}: CORS let the page read it, but {what}"
    return Caveat(CaveatKind.ERROR_STATUS, detail, facts)


def _hidden(response: Exchange, hidden: tuple[str, ...], probe: Probe, engine: str) -> Caveat:
    names = tuple(spelled_header(name) for name in hidden)
    exposed = response.response_header("access-control-expose-headers")
    if exposed is None:
        listed = "the response had no Access-Control-Expose-Headers"
    elif exposed.strip() == "*" and probe.credentials == "include":
        listed = (
            "Access-Control-Expose-Headers was '*', which is a header name, not a wildcard, when the request's "
            "credentials mode is 'include'"
        )
    else:
        listed = f"Access-Control-Expose-Headers was '{exposed}'"
    shown = " and ".join(names)
    detail = (
        f"JavaScript cannot read {shown}, which the response to {response.method} {_target(response.url)} sent: a "
        f"cross-origin response shows script only the CORS-safelisted headers ({_SAFELISTED}) and those "
        f"Access-Control-Expose-Headers names, and {listed}"
    )
    facts = CaveatFacts(
        engine=engine,
        request_url=response.url,
        method=response.method,
        credentials=probe.credentials,
        headers=names,
        expose_headers=exposed,
    )
    return Caveat(CaveatKind.HEADER_NOT_EXPOSED, detail, facts)
