"""What every framework's app answers, in one place: the same bodies and headers as e2ekit's scenario app."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from e2ekit._scenarios.model import CookieSetup
from e2ekit._scenarios.routes import ALL_METHODS, CUSTOM_HEADER, DOWNLOAD_DISPOSITION

__all__ = [
    "ALL_METHODS",
    "CUSTOM_HEADER",
    "DOWNLOAD_BODY",
    "DOWNLOAD_DISPOSITION",
    "ERROR_TEXT",
    "REDIRECT_STATUS",
    "SLASH_REDIRECT",
    "cookie_lines",
    "echo_payload",
]

DOWNLOAD_BODY = "id,name\n1,e2ekit\n"
ERROR_TEXT = "boom: the app failed while handling the request"
SLASH_REDIRECT = ("/items", "/items/")
"""``/items`` redirects to ``/items/``, as Starlette's router does, with the same status."""
REDIRECT_STATUS: Final = 307


def echo_payload(
    method: str, path: str, cookie: str | None, authorization: str | None, body: bytes | str
) -> dict[str, Any]:
    """The JSON ``/api`` and ``/items/`` answer; ``body`` as the framework reads it."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return {"method": method, "path": path, "cookie": cookie, "authorization": authorization, "body": text or None}


def cookie_lines(cookies: Sequence[CookieSetup]) -> list[str]:
    """The raw ``Set-Cookie`` lines ``/login`` sends: attributes exactly as the scenario writes them (a framework's
    cookie helper may add ``SameSite=Lax`` where the scenario leaves the attribute out)."""
    return [cookie.header() for cookie in cookies]
