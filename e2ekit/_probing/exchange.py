"""One HTTP exchange as the target server saw it: the request the browser sent and the response it got."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BODY_EXCERPT", "Exchange", "Headers"]

BODY_EXCERPT = 200

Headers = tuple[tuple[str, str], ...]
"""Header pairs in wire order, names lower-cased, repeated names kept."""


@dataclass(frozen=True)
class Exchange:
    """A request that reached the target server and what was answered to it.

    ``status`` is None while no response has been sent: the app has not answered (yet), or the server could not send
    the response it started (``unsent_headers``). ``error`` names an exception the app raised (``"ValueError: boom"``);
    the recorder then answers 500 itself if nothing had been sent yet.
    """

    method: str
    url: str
    path: str
    query: str
    request_headers: Headers
    status: int | None
    response_headers: Headers
    error: str | None = None
    response_body: str = ""
    """The first BODY_EXCERPT characters of a text response body ("Disallowed CORS method")."""
    unsent_headers: Headers = ()
    """The headers of a response the app started that the server could not send (a value holding CR, LF or NUL):
    nothing was sent, and ``error`` holds the server's refusal."""

    def request_header(self, name: str) -> str | None:
        """The request header ``name`` (case-insensitive), repeated values joined with ", "."""
        return _joined(self.request_headers, name)

    def response_header(self, name: str) -> str | None:
        """The response header ``name`` (case-insensitive), repeated values joined with ", "."""
        return _joined(self.response_headers, name)

    def response_header_values(self, name: str) -> list[str]:
        """Every value of response header ``name``, one per header line."""
        wanted = name.lower()
        return [value for key, value in self.response_headers if key == wanted]

    @property
    def is_preflight(self) -> bool:
        """A CORS preflight is an OPTIONS request that carries Access-Control-Request-Method."""
        return self.method == "OPTIONS" and self.request_header("access-control-request-method") is not None

    @property
    def refused_request_headers(self) -> list[str]:
        """For a preflight: the names it asked for (Access-Control-Request-Headers) that its response did not list."""
        listed = {
            name.strip().lower() for name in (self.response_header("access-control-allow-headers") or "").split(",")
        }
        requested = (self.request_header("access-control-request-headers") or "").split(",")
        return [name.strip() for name in requested if name.strip() and name.strip().lower() not in listed]

    @property
    def origin(self) -> str | None:
        return self.request_header("origin")

    @property
    def cookie(self) -> str | None:
        return self.request_header("cookie")

    def describe(self) -> str:
        """One line such as ``OPTIONS /api -> 400 (Disallowed CORS method)``."""
        target = self.path + (f"?{self.query}" if self.query else "")
        outcome = "no response" if self.status is None else str(self.status)
        if self.response_body and len(self.response_body) <= 80 and "\n" not in self.response_body:
            outcome += f" {self.response_body}"
        if self.unsent_headers:
            outcome += f", the server could not send the app's response ({self.error})"
        elif self.error:
            outcome += f", app raised {self.error}"
        return f"{self.method} {target} -> {outcome}"


def _joined(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    values = [value for key, value in headers if key == wanted]
    return ", ".join(values) if values else None
