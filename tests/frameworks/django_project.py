"""A Django project with django-cors-headers, for the tests: one settings object per process (Django's rule), so
the tests change the CORS_* settings with ``override_settings``; ``application`` is Django's ASGI handler."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import path

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="e2ekit-tests",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["corsheaders"],
        MIDDLEWARE=["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"],
        USE_TZ=True,
    )

from django.core.asgi import get_asgi_application


def me(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"user": "ada"})


urlpatterns = [path("api/me", me)]

application = get_asgi_application()
