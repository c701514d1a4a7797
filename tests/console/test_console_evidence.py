"""What repro reads from a paste besides the failing check: a message's status code (evidence of the response that
failed), a message that names no URL, and which lines of a console dump are CORS messages at all."""

from __future__ import annotations

from e2ekit._standard import Check
from e2ekit._wordings import parse_console_text


def test_webkits_shared_wording_keeps_the_status_and_a_lone_failed_to_load_line_names_no_url() -> None:
    """https://github.com/ichard26/next-pr-number/issues/7: the whole Safari console of the report."""
    [report] = parse_console_text(
        "Failed to load resource: Origin https://ichard26.github.io is not allowed by Access-Control-Allow-Origin. "
        "Status code: 421"
    )

    assert (report.engine, report.check, report.status) == ("webkit", Check.ORIGIN_NOT_ALLOWED, 421)
    assert (report.target_url, report.page_origin) == (None, "https://ichard26.github.io")


def test_a_firefox_dump_yields_each_cors_message_with_its_status_and_passes_over_the_rest() -> None:
    text = (
        "GET http://127.0.0.1:8000/api/items [HTTP/1.1 302 Found 2ms]\n"
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
        "http://127.0.0.1:8000/api/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: "
        "302.\n"
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
        "http://127.0.0.1:8000/api/items. (Reason: CORS request did not succeed). Status code: (null).\n"
        "Uncaught (in promise) TypeError: NetworkError when attempting to fetch resource.\n"
    )

    reports = parse_console_text(text)

    assert [(r.check, r.status, r.target_url) for r in reports] == [
        (Check.MISSING_ALLOW_ORIGIN, 302, "http://127.0.0.1:8000/api/items"),
        (Check.NOT_SENT, None, "http://127.0.0.1:8000/api/items"),
    ]


def test_a_chromium_dump_yields_one_message_per_failure_and_no_network_error_lines() -> None:
    text = (
        "Access to fetch at 'http://127.0.0.1:8000/api/items' from origin 'http://localhost:5173' has been blocked by "
        "CORS policy: Response to preflight request doesn't pass access control check: Redirect is not allowed for a "
        "preflight request.\n"
        "PUT http://127.0.0.1:8000/api/items net::ERR_FAILED\n"
        "Uncaught (in promise) TypeError: Failed to fetch\n"
        "Access to fetch at 'http://127.0.0.1:8000/api/boom' from origin 'http://localhost:5173' has been blocked by "
        "CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\n"
        "GET http://127.0.0.1:8000/api/boom net::ERR_FAILED 500 (Internal Server Error)\n"
    )

    assert [(r.check, r.target_url) for r in parse_console_text(text)] == [
        (Check.PREFLIGHT_REDIRECT, "http://127.0.0.1:8000/api/items"),
        (Check.MISSING_ALLOW_ORIGIN, "http://127.0.0.1:8000/api/boom"),
    ]
