"""Django with django-cors-headers, over ASGI (Django's ``ASGIHandler``, what ``get_asgi_application()`` returns).

Django's settings are process-wide. Django is configured once, if nothing in the process did it first (corsheaders
installed, ``ROOT_URLCONF`` this package's URLconf), and one ASGI handler is built with corsheaders' middleware
first, as its documentation asks, and nothing else (no CSRF, no slash redirect to compare). Each policy becomes a
small ASGI wrapper that applies the policy's ``CORS_*`` settings with ``override_settings`` around each request,
holding one asyncio lock per event loop the whole time: engines run different scenarios at once, and without the
lock one policy's request could be answered with another's settings. The settings are restored after each request,
and the URLconf is set per request (``request.urlconf``), so a process whose Django is configured otherwise (a test
suite's project) keeps its own settings.

Translation: origins ``["*"]`` is ``CORS_ALLOW_ALL_ORIGINS = True``; django-cors-headers has no ``"*"`` for methods,
headers or exposed headers, so those lists are passed literally (``CORS_ALLOW_METHODS = ["*"]``) and the table shows
what that does. ``max_age`` is ``CORS_PREFLIGHT_MAX_AGE`` (0 sends no header).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

from conformance.apps import Built
from conformance.policy import Policy
from e2ekit._scenarios.model import CookieSetup
from e2ekit._serving.asgi import ASGIApp, Receive, Scope, Send

__all__ = ["COOKIES_SCOPE_KEY", "URLCONF", "DjangoPolicyApp", "build", "cors_settings", "urlconf_middleware"]

URLCONF = "conformance.apps.django_urls"
COOKIES_SCOPE_KEY = "conformance.cookies"
"""Where the policy's wrapper puts the scenario's cookies in the ASGI scope, for the process-wide ``/login`` view."""
MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", f"{__name__}.urlconf_middleware"]
SERVING_SETTINGS = {"DEBUG": False, "ALLOWED_HOSTS": ["*"]}
"""Set for every request too: a 500 is Django's production page, and the loopback hosts are allowed."""

_handler: ASGIApp | None = None
_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def cors_settings(policy: Policy) -> dict[str, Any]:
    """The django-cors-headers settings that state ``policy``."""
    return {
        "CORS_ALLOW_ALL_ORIGINS": policy.all_origins,
        "CORS_ALLOWED_ORIGINS": [] if policy.all_origins else list(policy.allow_origins),
        "CORS_ALLOWED_ORIGIN_REGEXES": [] if policy.allow_origin_regex is None else [policy.allow_origin_regex],
        "CORS_ALLOW_METHODS": list(policy.allow_methods),
        "CORS_ALLOW_HEADERS": list(policy.allow_headers),
        "CORS_ALLOW_CREDENTIALS": policy.allow_credentials,
        "CORS_EXPOSE_HEADERS": list(policy.expose_headers),
        "CORS_PREFLIGHT_MAX_AGE": policy.max_age,
    }


def build(policy: Policy, cookies: Sequence[CookieSetup]) -> Built:
    settings = cors_settings(policy)
    described = "; ".join(f"{name} = {value!r}" for name, value in settings.items())
    return Built(DjangoPolicyApp(settings, tuple(cookies)), described)


class DjangoPolicyApp:
    """The one Django ASGI handler, answering with this policy's ``CORS_*`` settings."""

    def __init__(self, settings: dict[str, Any], cookies: tuple[CookieSetup, ...]) -> None:
        self.settings = settings
        self.cookies = cookies
        self.handler = django_handler()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # Django speaks no lifespan protocol; returning at once tells the server so
        from django.test.utils import override_settings

        async with _lock():
            with override_settings(**SERVING_SETTINGS, **self.settings):
                await self.handler({**scope, COOKIES_SCOPE_KEY: self.cookies}, receive, send)


def django_handler() -> ASGIApp:
    """Django's ASGI handler with corsheaders' middleware; Django is configured first if nothing configured it."""
    global _handler
    if _handler is not None:
        return _handler
    import django
    from django.conf import settings
    from django.core.handlers.asgi import ASGIHandler
    from django.test.utils import override_settings

    if not settings.configured:
        settings.configure(
            SECRET_KEY="conformance-only",
            INSTALLED_APPS=["corsheaders"],
            MIDDLEWARE=MIDDLEWARE,
            ROOT_URLCONF=URLCONF,
            DATABASES={},
            USE_TZ=True,
            **SERVING_SETTINGS,
        )
        django.setup()
    with override_settings(MIDDLEWARE=MIDDLEWARE):  # the handler reads its middleware chain once, here
        handler = cast(ASGIApp, ASGIHandler())
    _handler = handler
    return handler


def urlconf_middleware(
    get_response: Callable[[Any], Awaitable[Any]],
) -> Callable[[Any], Awaitable[Any]]:
    """Resolve with this package's URLconf whatever ``ROOT_URLCONF`` says (Django honours ``request.urlconf``)."""

    async def middleware(request: Any) -> Any:
        request.urlconf = URLCONF
        return await get_response(request)

    return middleware


urlconf_middleware.async_capable = True  # type: ignore[attr-defined]
urlconf_middleware.sync_capable = False  # type: ignore[attr-defined]


def _lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _locks.get(loop)
    if lock is None:
        lock = _locks[loop] = asyncio.Lock()
    return lock
