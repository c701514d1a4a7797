"""A pure-Python model of the Fetch standard's CORS rules: predict what a browser lets a page read, and why not.

The model returns facts only (the failing check, a sentence on what failed, the values it was decided on); the fix
for a failure depends on what serves the app and is worded in e2ekit._frameworks.
"""

from __future__ import annotations

from e2ekit._standard.checks import (
    CORS_CHECK_FAILURES,
    ENGINE_DEVIATIONS,
    Check,
    Facts,
    Failure,
    check_named,
    cors_check_failure,
    known_deviation,
)
from e2ekit._standard.cors_check import cors_check, response_facts
from e2ekit._standard.exposure import (
    FORBIDDEN_RESPONSE_HEADERS,
    RESPONSE_TYPES,
    SAFELISTED_RESPONSE_HEADERS,
    readable_headers,
)
from e2ekit._standard.header_lists import header_list_values
from e2ekit._standard.model import Prediction, predict
from e2ekit._standard.preflight import check_preflight, needs_preflight
from e2ekit._standard.request import (
    FORBIDDEN_METHODS,
    FORBIDDEN_REQUEST_HEADERS,
    FetchRequest,
    build_request,
    is_forbidden_method,
    is_forbidden_request_header,
)
from e2ekit._standard.request_origin import (
    OPAQUE_ORIGIN,
    OriginSlip,
    has_credentials,
    is_http_url,
    is_redirect_tainted,
    is_same_origin,
    origin_of,
    origin_slip,
    request_origin,
)
from e2ekit._standard.responses import (
    MAX_REDIRECTS,
    REDIRECT_STATUSES,
    REQUEST_BODY_HEADERS,
    effective_status,
    follow_redirect,
    is_ok_status,
    is_redirect,
    location,
    name_response,
)
from e2ekit._standard.safelist import (
    MAX_SAFELISTED_TOTAL_BYTES,
    MAX_SAFELISTED_VALUE_BYTES,
    NO_CORS_SAFELISTED_HEADER_NAMES,
    SAFELISTED_CONTENT_TYPES,
    SAFELISTED_METHODS,
    is_no_cors_safelisted_header,
    is_safelisted_header,
    is_safelisted_method,
    is_token,
    mime_essence,
    unsafe_header_names,
)

__all__ = [
    "CORS_CHECK_FAILURES",
    "ENGINE_DEVIATIONS",
    "FORBIDDEN_METHODS",
    "FORBIDDEN_REQUEST_HEADERS",
    "FORBIDDEN_RESPONSE_HEADERS",
    "MAX_REDIRECTS",
    "MAX_SAFELISTED_TOTAL_BYTES",
    "MAX_SAFELISTED_VALUE_BYTES",
    "NO_CORS_SAFELISTED_HEADER_NAMES",
    "OPAQUE_ORIGIN",
    "REDIRECT_STATUSES",
    "REQUEST_BODY_HEADERS",
    "RESPONSE_TYPES",
    "SAFELISTED_CONTENT_TYPES",
    "SAFELISTED_METHODS",
    "SAFELISTED_RESPONSE_HEADERS",
    "Check",
    "Facts",
    "Failure",
    "FetchRequest",
    "OriginSlip",
    "Prediction",
    "build_request",
    "check_named",
    "check_preflight",
    "cors_check",
    "cors_check_failure",
    "effective_status",
    "follow_redirect",
    "has_credentials",
    "header_list_values",
    "is_forbidden_method",
    "is_forbidden_request_header",
    "is_http_url",
    "is_no_cors_safelisted_header",
    "is_ok_status",
    "is_redirect",
    "is_redirect_tainted",
    "is_safelisted_header",
    "is_safelisted_method",
    "is_same_origin",
    "is_token",
    "known_deviation",
    "location",
    "mime_essence",
    "name_response",
    "needs_preflight",
    "origin_of",
    "origin_slip",
    "predict",
    "readable_headers",
    "request_origin",
    "response_facts",
    "unsafe_header_names",
]
