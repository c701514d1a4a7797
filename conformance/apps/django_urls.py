"""The Django app's views and URLconf (``ROOT_URLCONF``); function views, as a Django user writes them.

Django's URLconf is process-wide, so the scenario's cookies reach ``/login`` through the request's ASGI scope, where
the policy's wrapper (conformance.apps.django) puts them.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from conformance.apps.django import COOKIES_SCOPE_KEY
from conformance.apps.endpoints import (
    ALL_METHODS,
    CUSTOM_HEADER,
    DOWNLOAD_BODY,
    DOWNLOAD_DISPOSITION,
    ERROR_TEXT,
    REDIRECT_STATUS,
    SLASH_REDIRECT,
    echo_payload,
)
from e2ekit._scenarios.model import CookieSetup

__all__ = ["urlpatterns"]


@require_http_methods(ALL_METHODS)
def echo(request: HttpRequest) -> HttpResponse:
    headers = request.headers
    payload = echo_payload(
        request.method or "", request.path, headers.get("cookie"), headers.get("authorization"), request.body
    )
    return JsonResponse(payload)


def slash_redirect(request: HttpRequest) -> HttpResponse:
    # Django has no 307 response class; APPEND_SLASH (CommonMiddleware) would answer 301, and only for some methods.
    return HttpResponse(status=REDIRECT_STATUS, headers={"Location": SLASH_REDIRECT[1]})


@require_http_methods(ALL_METHODS)
def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(ERROR_TEXT)


@require_GET
def download(request: HttpRequest) -> HttpResponse:
    return HttpResponse(DOWNLOAD_BODY, content_type="text/csv", headers={"Content-Disposition": DOWNLOAD_DISPOSITION})


@require_GET
def custom(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True}, headers=dict([CUSTOM_HEADER]))


@require_GET
def login(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("logged in", content_type="text/plain")
    cookies: tuple[CookieSetup, ...] = request.scope[COOKIES_SCOPE_KEY]
    for cookie in cookies:
        # Django's own cookie API: its Set-Cookie line has the same attributes (samesite=None leaves SameSite out).
        response.set_cookie(
            cookie.name,
            cookie.value,
            path=cookie.path,
            secure=cookie.secure,
            httponly=cookie.httponly,
            samesite=cookie.samesite,
        )
    return response


urlpatterns = [
    path("api", echo),
    path("items/", echo),
    path("items", slash_redirect),
    path("error", fail),
    path("download", download),
    path("custom", custom),
    path("login", login),
]
