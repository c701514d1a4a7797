"""An audit's inputs, checked, and what follows from them: the target origin, the attempts, and a case per hostile
origin with the page that plays it (or why no page can).

The app is served on the target origin. Its default is https, because an https page cannot fetch an http target
(mixed content): an attacker's https page blocked that way would say nothing about the app's CORS policy. For an
allowed origin with a domain name the target is ``https://api.<its registrable domain>`` (another name of that site
when a hostile origin or an allowed one already is that); for a loopback host, https on the same host on a port
the kit picks (the usual front end and API on one machine); for another IP address, https on it (port 443, else
8443 or 9443, whichever no hostile or allowed origin uses).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from e2ekit._audit.attempts import Attempt, attempts
from e2ekit._audit.hostile import CATEGORIES, SERVING_CAVEATS, HostileOrigin, hostile_origins
from e2ekit._errors import OriginError, UsageError
from e2ekit._frameworks.policy import CorsPolicy
from e2ekit._probing.origins import DEFAULT_PORTS, Origin
from e2ekit._serving.certificates import run_certificates
from e2ekit._standard.sites import registrable_domain

__all__ = ["OPAQUE_PAGE_ORIGIN", "AuditOptions", "AuditPlan", "Case", "plan_audit"]

OPAQUE_PAGE_ORIGIN = Origin("https", "sandboxed.evil.example", 443)
"""Where the sandboxed attacker's page is served; its requests carry ``Origin: null`` whatever its URL."""
NULL_ORIGIN = "null"
_TARGET_LABELS = ("api", "api-audit", "cors-audit")
_IP_TARGET_PORTS = (443, 8443, 9443)
_UNSERVABLE = "the kit's origin parser accepts letters, digits, '-' and '_' in a host only"


@dataclass(frozen=True)
class AuditOptions:
    """What the user asks for: the origins meant to have access, and how to reach and exercise the app."""

    origins: Sequence[str]
    target_origin: str | None = None
    paths: Sequence[str] = ()
    methods: Sequence[str] = ()
    headers: Sequence[tuple[str, str]] | Mapping[str, str] = ()
    visits: Sequence[str] = ()
    private: bool = False
    """The app's data is protected by network position (an intranet API): an uncredentialed read is critical."""
    categories: Collection[str] | None = None
    """Hostile-origin categories to try (keys of CATEGORIES); None for all."""


@dataclass(frozen=True)
class Case:
    """One hostile origin, and the attacker's page that plays it: ``page`` is None where the kit cannot serve one,
    and ``skip`` says why."""

    hostile: HostileOrigin
    page: Origin | None
    opaque: bool = False
    skip: str | None = None


@dataclass(frozen=True)
class AuditPlan:
    """Everything an engine needs to run the audit, and the report to describe it."""

    allowed: tuple[str, ...]
    target: Origin
    attempts: tuple[Attempt, ...]
    cases: tuple[Case, ...]
    visits: tuple[str, ...] = ()
    private: bool = False


def plan_audit(
    options: AuditOptions,
    policy: CorsPolicy | None,
    serve_target: Callable[[Origin], Origin],
    *,
    default_path: str = "/",
) -> AuditPlan:
    """Check ``options`` (UsageError naming the value otherwise) and plan the audit of an app configured with
    ``policy`` (None where the configuration cannot be read: a server reached by URL, hand-written headers).

    ``serve_target`` serves the target origin and returns it with its port (``Topology.target``)."""
    allowed = _allowed_origins(options.origins)
    headers = tuple(options.headers.items()) if isinstance(options.headers, Mapping) else tuple(options.headers)
    paths = tuple(dict.fromkeys(options.paths or [default_path]))
    planned_attempts = tuple(attempts(paths, options.methods, headers))
    visits = tuple(options.visits)
    for visit in visits:
        if not isinstance(visit, str) or not visit.startswith("/"):
            raise UsageError(f'visit path "{visit}": expected a path starting with "/", e.g. "/login"')
    hostile = _hostile(allowed, policy, options.categories)
    taken = {*allowed, *(origin.origin for origin in hostile)}
    target = serve_target(_target(options.target_origin, allowed, taken))
    cases = tuple(_case(origin, target) for origin in hostile)
    return AuditPlan(allowed, target, planned_attempts, cases, visits, options.private)


def _allowed_origins(origins: Sequence[str]) -> tuple[str, ...]:
    if isinstance(origins, str):
        origins = [origins]
    if not origins:
        raise UsageError(
            "no allowed origin given: expected the origins meant to have access, e.g. https://app.example.com"
        )
    parsed = [_exact(Origin.parse(text, what="allowed origin")) for text in origins]
    return tuple(dict.fromkeys(str(origin) for origin in parsed))


def _exact(origin: Origin) -> Origin:
    """The origin a browser means by the text: a loopback origin without a port has the scheme's default port."""
    return origin if origin.port is not None else origin.with_port(DEFAULT_PORTS[origin.scheme])


def _hostile(
    allowed: tuple[str, ...], policy: CorsPolicy | None, categories: Collection[str] | None
) -> list[HostileOrigin]:
    if categories is not None:
        unknown = sorted(set(categories) - set(CATEGORIES))
        if unknown:
            raise UsageError(f'hostile-origin category "{unknown[0]}": expected one of {", ".join(CATEGORIES)}')
    found: dict[str, HostileOrigin] = {}
    for origin in hostile_origins(allowed, policy):
        # An origin the user names as allowed is not hostile, whatever a category would make of it.
        if origin.origin in allowed or origin.origin in found:
            continue
        if categories is None or origin.category in categories:
            found[origin.origin] = origin
    return list(found.values())


def _target(text: str | None, allowed: tuple[str, ...], taken: set[str]) -> Origin:
    if text is not None:
        return Origin.parse(text, what="target origin")
    first = Origin.parse(allowed[0])
    if first.is_loopback:
        return Origin("https", first.host)  # the kit picks the port
    domain = registrable_domain(first.host)
    candidates = (
        [Origin("https", f"{label}.{domain}", 443) for label in _TARGET_LABELS]
        if domain is not None
        else [Origin("https", first.host, port) for port in _IP_TARGET_PORTS]
    )
    for candidate in candidates:
        if str(candidate) not in taken:
            return candidate
    raise UsageError(
        f'allowed origin "{allowed[0]}": no free target origin on its site; name one with the target origin option'
    )


def _case(hostile: HostileOrigin, target: Origin) -> Case:
    if hostile.origin == NULL_ORIGIN:
        return Case(hostile, OPAQUE_PAGE_ORIGIN, opaque=True)
    try:
        page = _exact(Origin.parse(hostile.origin, what="hostile origin"))
    except OriginError:
        return Case(
            hostile, None, skip=f"no page can be served on it: {SERVING_CAVEATS.get(hostile.category, _UNSERVABLE)}"
        )
    if str(page) != hostile.origin:
        # A browser would send the origin the way it serialises it: the page would not test this value.
        return Case(hostile, None, skip=f'no browser sends this Origin: a page there has the origin "{page}"')
    if page == target:
        return Case(hostile, None, skip="it is the target origin itself: its requests are same-origin, not CORS")
    if page.scheme == "https" and not _has_certificate(page.host):
        return Case(hostile, None, skip="the kit's certificate authority cannot issue a certificate for this host name")
    return Case(hostile, page)


def _has_certificate(host: str) -> bool:
    """Whether the run's certificate authority can make a certificate for ``host`` (trustme encodes names with IDNA
    2008, which refuses '_'): without one, a browser's tunnel to the page would get no TLS answer."""
    try:
        run_certificates().server_context(host)
    except (ValueError, UnicodeError):
        return False
    return True
