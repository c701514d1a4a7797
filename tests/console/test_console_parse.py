"""Parsing pasted console output from each engine, with the noise real pastes carry."""

from __future__ import annotations

import pytest

from e2ekit._errors import ConsoleTextError
from e2ekit._standard import Check
from e2ekit._wordings import ParsedMessage, parse_console_text

API = "http://127.0.0.1:41234/api"
PAGE = "http://localhost:3000"


def _only(text: str) -> ParsedMessage:
    reports = parse_console_text(text)
    assert len(reports) == 1, reports
    return reports[0]


def test_a_chromium_fetch_message_with_its_noise_gives_one_report() -> None:
    text = (
        f"localhost/:1 Access to fetch at '{API}' from origin '{PAGE}' has been blocked by CORS policy: No "
        "'Access-Control-Allow-Origin' header is present on the requested resource. If an opaque response serves "
        "your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.\n"
        f"(index):12 GET {API} net::ERR_FAILED 500 (Internal Server Error)\n"
        "Uncaught (in promise) TypeError: Failed to fetch\n"
        "    at probe ((index):12:5)\n"
    )

    report = _only(text)

    assert report == ParsedMessage(
        engine="chromium",
        api="fetch",
        target_url=API,
        redirected_from=None,
        page_origin=PAGE,
        preflight=False,
        check=Check.MISSING_ALLOW_ORIGIN,
        credentials=None,
        method=None,
        header=None,
        status=None,
        allow_origin_value=None,
        quoted_value=None,
        raw=text.splitlines()[0].removeprefix("localhost/:1 "),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            f"Access to XMLHttpRequest at '{API}' from origin '{PAGE}' has been blocked by CORS policy: The value of "
            "the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the "
            "request's credentials mode is 'include'. The credentials mode of requests initiated by the "
            "XMLHttpRequest is controlled by the withCredentials attribute.",
            {"api": "xhr", "check": Check.CREDENTIALS_NOT_TRUE, "credentials": "include", "quoted_value": ""},
            id="xhr-credentials",
        ),
        pytest.param(
            f"Access to fetch at '{API}/' (redirected from '{API}') from origin '{PAGE}' has been blocked by CORS "
            "policy: The 'Access-Control-Allow-Origin' header contains multiple values 'http://localhost:3000, *', "
            "but only one is allowed. Have the server send the header with a valid value.",
            {
                "target_url": f"{API}/",
                "redirected_from": API,
                "check": Check.MULTIPLE_ALLOW_ORIGIN,
                "allow_origin_value": "http://localhost:3000, *",
            },
            id="redirected-from",
        ),
        pytest.param(
            f"Access to fetch at '{API}' from origin '{PAGE}' has been blocked by CORS policy: Response to preflight "
            "request doesn't pass access control check: The 'Access-Control-Allow-Origin' header contains the invalid "
            "value 'localhost'.",
            {"check": Check.PREFLIGHT_INVALID_ALLOW_ORIGIN, "preflight": True, "allow_origin_value": "localhost"},
            id="preflight-invalid-origin",
        ),
        pytest.param(
            f"Access to fetch at '{API}' from origin '{PAGE}' has been blocked by CORS policy: Request header field "
            "authorization is not allowed by Access-Control-Allow-Headers in preflight response.",
            {"check": Check.HEADER_NOT_ALLOWED, "preflight": True, "header": "authorization"},
            id="header",
        ),
        pytest.param(
            f"Access to fetch at '{API}' from origin\n'{PAGE}' has been blocked by CORS policy: Request header field\n"
            "x-actor-id is not allowed by Access-Control-Allow-Headers.",
            {"check": Check.HEADER_NOT_ALLOWED, "preflight": True, "header": "x-actor-id"},
            id="wrapped-and-without-in-preflight-response",
        ),
        pytest.param(
            f"Access to font at '{API}' from origin '{PAGE}' has been blocked by CORS policy: Redirect location "
            "'http://u:p@127.0.0.1/x' contains a username and password, which is disallowed for cross-origin requests.",
            {"api": None, "check": Check.REDIRECT_WITH_CREDENTIALS_IN_URL, "quoted_value": "http://u:p@127.0.0.1/x"},
            id="other-resource-kind",
        ),
        pytest.param(
            f'Request mode is "same-origin" but the URL\'s origin is not same as the request origin {PAGE}.',
            {"api": "fetch", "target_url": None, "check": Check.SAME_ORIGIN_MODE, "page_origin": PAGE},
            id="same-origin-mode-without-fetch-api-prefix",
        ),
        pytest.param(
            "Uncaught (in promise) TypeError: Failed to execute 'fetch' on 'Window': 'PUT' is unsupported in no-cors "
            "mode.",
            {"api": "fetch", "target_url": None, "page_origin": None, "check": Check.NO_CORS_METHOD, "method": "PUT"},
            id="no-cors-type-error",
        ),
        pytest.param(
            "[Deprecation] Authorization will not be covered by the wildcard symbol (*) in CORS "
            "Access-Control-Allow-Headers handling.",
            {
                "api": None,
                "target_url": None,
                "page_origin": None,
                "check": Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD,
                "preflight": True,
            },
            id="authorization-deprecation-warning",
        ),
    ],
)
def test_chromium_wordings_are_parsed(text: str, expected: dict[str, object]) -> None:
    report = _only(text)

    assert report.engine == "chromium"
    defaults = {"api": "fetch", "target_url": API, "page_origin": PAGE, "redirected_from": None, "preflight": False}
    for name, value in (defaults | expected).items():
        assert getattr(report, name) == value, name


FIREFOX_MISMATCH = (
    f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {API}. (Reason: "
    "CORS header ‘Access-Control-Allow-Origin’ does not match ‘http://localhost:3000/’)."
)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(FIREFOX_MISMATCH, id="typographic-quotes"),
        pytest.param(FIREFOX_MISMATCH.replace("‘", "'").replace("’", "'"), id="ascii-quotes"),
        pytest.param(FIREFOX_MISMATCH.replace("‘", "").replace("’", ""), id="no-quotes"),
    ],
)
def test_firefox_messages_parse_with_typographic_flattened_or_missing_quotes(text: str) -> None:
    report = _only(text)

    assert (report.engine, report.check, report.target_url) == ("firefox", Check.ORIGIN_MISMATCH, API)
    assert (report.allow_origin_value, report.page_origin, report.api) == ("http://localhost:3000/", None, None)


@pytest.mark.parametrize(
    ("reason", "check", "status", "header"),
    [
        pytest.param(
            "CORS header 'Access-Control-Allow-Origin' missing). Status code: 500.",
            Check.MISSING_ALLOW_ORIGIN,
            500,
            None,
            id="missing-with-status",
        ),
        pytest.param(
            "CORS preflight response did not succeed). Status code: 405.",
            Check.PREFLIGHT_STATUS_NOT_OK,
            405,
            None,
            id="preflight-status",
        ),
        pytest.param(
            "CORS preflight channel did not succeed).",
            Check.PREFLIGHT_STATUS_NOT_OK,
            None,
            None,
            id="older-preflight-wording",
        ),
        pytest.param(
            "missing token 'x-token' in CORS header 'Access-Control-Allow-Headers' from CORS preflight channel).",
            Check.HEADER_NOT_ALLOWED,
            None,
            "x-token",
            id="older-header-wording",
        ),
        pytest.param(
            "CORS request did not succeed). Status code: (null).", Check.NOT_SENT, None, None, id="no-response"
        ),
        pytest.param("CORS disabled).", Check.BLOCKED, None, None, id="cors-disabled"),
    ],
)
def test_firefox_reasons_and_status_codes_are_parsed(
    reason: str, check: Check, status: int | None, header: str | None
) -> None:
    text = (
        f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {API}. "
        f"(Reason: {reason}"
    )

    report = _only(text)

    assert (report.check, report.status, report.header, report.preflight) == (
        check,
        status,
        header,
        check.value.startswith("preflight."),
    )


def test_firefox_authorization_warning_is_parsed() -> None:
    text = (
        f"Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at {API} soon. "
        "(Reason: When the `Access-Control-Allow-Headers` is `*`, the `Authorization` header is not covered. To "
        "include the `Authorization` header, it must be explicitly listed in CORS header "
        "`Access-Control-Allow-Headers`)."
    )

    assert (_only(text).check, _only(text).target_url) == (Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD, API)


SAFARI = (
    f"[Error] Origin {PAGE} is not allowed by Access-Control-Allow-Origin. Status code: 200\n"
    f"[Error] Fetch API cannot load {API} due to access control checks.\n"
    f"[Error] Failed to load resource: Origin {PAGE} is not allowed by Access-Control-Allow-Origin. Status code: 200\n"
)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(SAFARI, id="with-error-prefix"),
        pytest.param(SAFARI.replace("[Error] ", ""), id="without-prefix"),
    ],
)
def test_webkit_pairs_the_reason_line_with_its_wrapper_and_drops_the_echo(text: str) -> None:
    report = _only(text)

    assert report == ParsedMessage(
        engine="webkit",
        api="fetch",
        target_url=API,
        redirected_from=None,
        page_origin=PAGE,
        preflight=False,
        check=Check.ORIGIN_NOT_ALLOWED,
        credentials=None,
        method=None,
        header=None,
        status=200,
        allow_origin_value=None,
        quoted_value=None,
        raw=f"Origin {PAGE} is not allowed by Access-Control-Allow-Origin. Status code: 200 Fetch API cannot load "
        f"{API} due to access control checks.",
    )


def test_several_webkit_failures_keep_their_order_and_their_own_urls() -> None:
    text = (
        "[Error] Preflight response is not successful. Status code: 400\n"
        f"[Error] Fetch API cannot load {API}/a due to access control checks.\n"
        "[Error] Failed to load resource: Preflight response is not successful. Status code: 400\n"
        '[Error] Credentials flag is true, but Access-Control-Allow-Credentials is not "true".\n'
        f"[Error] XMLHttpRequest cannot load {API}/b due to access control checks.\n"
        f"[Error] Fetch API cannot load {API}/c due to access control checks.\n"
        "[Error] Method PATCH is not allowed by Access-Control-Allow-Methods.\n"
    )

    reports = parse_console_text(text)

    assert [(r.check, r.api, r.target_url) for r in reports] == [
        (Check.PREFLIGHT_STATUS_NOT_OK, "fetch", f"{API}/a"),
        (Check.CREDENTIALS_NOT_TRUE, "xhr", f"{API}/b"),
        (Check.BLOCKED, "fetch", f"{API}/c"),
        (Check.METHOD_NOT_ALLOWED, None, None),
    ]
    assert (reports[0].status, reports[0].preflight, reports[1].credentials, reports[3].method) == (
        400,
        True,
        "include",
        "PATCH",
    )


def test_a_webkit_redirection_message_names_the_redirect_target() -> None:
    text = (
        f"[Error] Cross-origin redirection to http://127.0.0.1:41235/api denied by Cross-Origin Resource Sharing "
        f"policy: Origin {PAGE} is not allowed by Access-Control-Allow-Origin. Status code: 302\n"
        f"[Error] Fetch API cannot load {API} due to access control checks."
    )

    report = _only(text)

    assert (report.target_url, report.redirected_from, report.status) == ("http://127.0.0.1:41235/api", API, 302)


def test_messages_of_several_engines_in_one_paste_come_back_in_order() -> None:
    text = (
        f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {API}. "
        "(Reason: CORS request not http).\n"
        f"Access to fetch at '{API}' from origin '{PAGE}' has been blocked by CORS policy: Method PUT is not allowed "
        "by Access-Control-Allow-Methods in preflight response.\n"
        "Header Access-Control-Allow-Headers has an invalid value: X-Token X-Trace\n"
    )

    reports = parse_console_text(text)

    assert [(r.engine, r.check) for r in reports] == [
        ("firefox", Check.SCHEME_NOT_HTTP),
        ("chromium", Check.METHOD_NOT_ALLOWED),
        ("webkit", Check.INVALID_ALLOW_HEADERS),
    ]
    assert (reports[1].method, reports[2].quoted_value) == ("PUT", "X-Token X-Trace")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("", "", id="empty"),
        pytest.param(
            "GET http://127.0.0.1:41234/api net::ERR_FAILED\nTypeError: Failed to fetch",
            "GET http://127.0.0.1:41234/api net::ERR_FAILED TypeError: Failed to fetch",
            id="only-noise",
        ),
        pytest.param("x" * 100, "x" * 80, id="long-text-cut-at-80"),
    ],
)
def test_text_without_a_cors_message_raises_a_console_text_error_that_says_what_was_expected(
    text: str, found: str
) -> None:
    with pytest.raises(ConsoleTextError) as raised:
        parse_console_text(text)

    assert str(raised.value) == (
        "expected a CORS error such as \"Access to fetch at '...' from origin '...' has been blocked by CORS policy: "
        '..." (Chromium), "Cross-Origin Request Blocked: ..." (Firefox) or "... due to access control checks." '
        f'(WebKit); found: "{found}"'
    )
    assert isinstance(raised.value, ValueError)


def test_a_webkit_wrapper_without_a_reason_before_it_takes_the_echo_after_it() -> None:
    text = (
        f"[Error] Fetch API cannot load {API} due to access control checks.\n"
        "[Error] Failed to load resource: Preflight response is not successful. Status code: 404\n"
    )

    report = _only(text)

    assert (report.check, report.target_url, report.status) == (Check.PREFLIGHT_STATUS_NOT_OK, API, 404)


def test_a_chromium_message_about_a_resource_kind_of_two_words_is_parsed() -> None:
    text = (
        f"Access to CSS stylesheet at '{API}' from origin '{PAGE}' has been blocked by CORS policy: No "
        "'Access-Control-Allow-Origin' header is present on the requested resource."
    )

    report = _only(text)

    assert (report.api, report.target_url, report.check) == (None, API, Check.MISSING_ALLOW_ORIGIN)
