"""The fallback for an app e2ekit cannot read (a server reached by URL, hand-written headers): the exact response
headers to send."""

from __future__ import annotations

from collections.abc import Mapping

from e2ekit._frameworks.base import Framework
from e2ekit._frameworks.policy import Change, CorsPolicy, Setting

__all__ = ["ResponseHeaders"]

_NAMES: Mapping[Setting, str] = {
    Setting.ORIGINS: "Access-Control-Allow-Origin",
    Setting.ORIGIN_PATTERNS: "Access-Control-Allow-Origin",
    Setting.CREDENTIALS: "Access-Control-Allow-Credentials: true",
    Setting.METHODS: "Access-Control-Allow-Methods",
    Setting.HEADERS: "Access-Control-Allow-Headers",
    Setting.EXPOSE_HEADERS: "Access-Control-Expose-Headers",
}


class ResponseHeaders(Framework):
    """Any server: the advice names the response headers and their exact values."""

    name = "response headers"
    layer = ""
    outermost = "send the CORS headers on every response, error responses and redirects included"

    def detect(self, app: object) -> CorsPolicy | None:
        return CorsPolicy(credentials=None)

    def names(self, policy: CorsPolicy) -> Mapping[Setting, str]:
        return _NAMES

    def word(self, change: Change, policy: CorsPolicy) -> str:
        if change.setting is Setting.CREDENTIALS:
            return "send 'Access-Control-Allow-Credentials: true'"
        if change.setting in (Setting.ORIGINS, Setting.ORIGIN_PATTERNS):
            instead = "" if change.replaces is None else f" instead of '{change.replaces}'"
            return f"send 'Access-Control-Allow-Origin: {change.value}'{instead}"
        where = "" if change.setting is Setting.EXPOSE_HEADERS else " on the preflight response"
        return f"list '{change.value}' in {_NAMES[change.setting]}{where}"

    def install(self, origin: str, policy: CorsPolicy) -> str:
        return f"answer the OPTIONS preflight with 'Access-Control-Allow-Origin: {origin}'"

    def exception(self, error: str, status: int) -> str:
        return (
            f"the {status} came from an exception the app raised ({error}): handle it, or send the CORS headers on "
            "error responses too"
        )
