"""What an attacker's page tries against the app: reads with and without credentials, a preflighted read, and the
state-changing requests the user names.

The credentialed reads are what matter: a page on a hostile origin that can read a response made with the user's
cookies reads the user's data. The preflighted read sends ``X-Requested-With``, the header many apps take as proof
that a request comes from their own page (a CSRF defence): a hostile origin that passes the preflight defeats it. A
state-changing request goes out only for a method the user names, because the audit runs against their app.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from e2ekit._probing.probe import Probe

__all__ = ["PREFLIGHT_HEADER", "STATE_CHANGE_BODY", "Attempt", "AttemptKind", "attempts", "state_changing_methods"]

PREFLIGHT_HEADER = ("X-Requested-With", "XMLHttpRequest")
"""The request header that makes the preflighted read need a preflight (it is not CORS-safelisted)."""
STATE_CHANGE_BODY = "{}"
STATE_CHANGE_TYPE = ("Content-Type", "application/json")
"""A JSON body: not a CORS-safelisted content type, so the request is preflighted as an API call from a page is."""


class AttemptKind(str, enum.Enum):
    """The request an attacker's page makes, in the order they run and are reported."""

    CREDENTIALED_READ = "credentialed-read"
    UNCREDENTIALED_READ = "uncredentialed-read"
    PREFLIGHTED_READ = "preflighted-credentialed-read"
    STATE_CHANGE = "credentialed-state-change"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        """How the report names the request, e.g. "credentialed read"."""
        return _LABELS[self]

    @property
    def credentialed(self) -> bool:
        return self is not AttemptKind.UNCREDENTIALED_READ


_LABELS = {
    AttemptKind.CREDENTIALED_READ: "credentialed read",
    AttemptKind.UNCREDENTIALED_READ: "uncredentialed read",
    AttemptKind.PREFLIGHTED_READ: "credentialed preflighted read",
    AttemptKind.STATE_CHANGE: "credentialed state-changing request",
}


@dataclass(frozen=True)
class Attempt:
    """One request of an attacker's page: its kind and the fetch() it makes."""

    kind: AttemptKind
    probe: Probe

    @property
    def request(self) -> str:
        """The request in one line: ``GET /api/me, credentials include, X-Requested-With: XMLHttpRequest``."""
        probe = self.probe
        headers = "".join(f", {name}: {value}" for name, value in probe.headers)
        return f"{probe.method} {probe.path}, credentials {probe.credentials}{headers}"


def state_changing_methods(methods: Sequence[str]) -> list[str]:
    """The methods of ``methods`` that get a state-changing attempt, in the order given, each once: GET is read
    anyway (the reads), and fetch()'s normalisation applies (``post`` is sent as ``POST``)."""
    found: list[str] = []
    for method in methods:
        normal = Probe("/", method).method
        if normal != "GET" and normal not in found:
            found.append(normal)
    return found


def attempts(
    paths: Sequence[str], methods: Sequence[str] = (), headers: Sequence[tuple[str, str]] = ()
) -> list[Attempt]:
    """Every attempt for ``paths``: the reads of each path, then a state-changing request per method and path.

    ``headers`` go with every request (an API version header the app needs, say). The reads come first so that a
    state-changing request (a logout) cannot change what they see.
    """
    headers = tuple(headers)
    found = []
    for path in paths:
        found += [
            Attempt(AttemptKind.CREDENTIALED_READ, Probe(path, "GET", headers, credentials="include")),
            Attempt(AttemptKind.UNCREDENTIALED_READ, Probe(path, "GET", headers, credentials="omit")),
            Attempt(
                AttemptKind.PREFLIGHTED_READ, Probe(path, "GET", (*headers, PREFLIGHT_HEADER), credentials="include")
            ),
        ]
    for method in state_changing_methods(methods):
        body = None if method == "HEAD" else STATE_CHANGE_BODY
        for path in paths:
            probe = Probe(path, method, (*headers, STATE_CHANGE_TYPE), body, credentials="include")
            found.append(Attempt(AttemptKind.STATE_CHANGE, probe))
    return found
