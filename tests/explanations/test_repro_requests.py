"""How a paste becomes requests to reproduce: one per distinct request, follow-up lines joined to the message
before them, repeated messages counted once; ``--path``, ``--body`` and a null page origin shape the request."""

from __future__ import annotations

from e2ekit._repro import distinct_requests, reconstruct
from e2ekit._standard import Check
from e2ekit._wordings import parse_console_text

OPTIONS = {"page_origin": None, "target_origin": None, "method": None, "headers": [], "credentials": None}
FIREFOX = (
    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
    "http://127.0.0.1:8000{path}. (Reason: {reason}). Status code: {status}.\n"
)


def test_a_follow_up_joins_its_request_and_a_repeated_message_is_one_request() -> None:
    missing = FIREFOX.format(path="/api/items", reason="CORS header ‘Access-Control-Allow-Origin’ missing", status=302)
    follow_up = FIREFOX.format(path="/api/items", reason="CORS request did not succeed", status="(null)")
    other = FIREFOX.format(path="/api/boom", reason="CORS header ‘Access-Control-Allow-Origin’ missing", status=500)

    requests = distinct_requests(parse_console_text(missing + follow_up + other + missing), **OPTIONS)  # type: ignore[arg-type]

    assert [(r.request.probe.path, [m.check for m in r.reports]) for r in requests] == [
        ("/api/items", [Check.MISSING_ALLOW_ORIGIN, Check.NOT_SENT, Check.MISSING_ALLOW_ORIGIN]),
        ("/api/boom", [Check.MISSING_ALLOW_ORIGIN]),
    ]
    assert requests[0].report.check is Check.MISSING_ALLOW_ORIGIN


def test_path_and_body_replace_what_the_message_does_not_say() -> None:
    [report] = parse_console_text("Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin.")

    request = reconstruct(report, **{**OPTIONS, "method": "PUT"}, path="/api/items?page=2", body="{}")  # type: ignore[arg-type]

    assert (request.probe.method, request.probe.path, request.probe.body) == ("PUT", "/api/items?page=2", "{}")
    assert request.assumptions[0] == "the message names no URL: fetching /api/items?page=2, as --path says"


def test_a_null_page_origin_is_a_sandboxed_page_unless_page_origin_says_otherwise() -> None:
    [report] = parse_console_text(
        "Access to fetch at 'http://127.0.0.1:8000/api' from origin 'null' has been blocked by CORS policy: No "
        "'Access-Control-Allow-Origin' header is present on the requested resource."
    )

    sandboxed = reconstruct(report, **OPTIONS)  # type: ignore[arg-type]
    real = reconstruct(report, **{**OPTIONS, "page_origin": "http://localhost:3000"})  # type: ignore[arg-type]

    assert (sandboxed.opaque_page, sandboxed.shown_page) == (True, "null (a sandboxed page on http://localhost)")
    assert (real.opaque_page, real.shown_page) == (False, "http://localhost:3000")
