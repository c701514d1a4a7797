"""The audit's plan: the target origin it picks, the attempts it makes, the cases it cannot try and why, and bad
input refused with one sentence naming it. No browser: the plan is decided before any starts."""

from __future__ import annotations

import pytest

from e2ekit import UsageError
from e2ekit._audit.attempts import AttemptKind
from e2ekit._audit.plan import OPAQUE_PAGE_ORIGIN, AuditOptions, AuditPlan, plan_audit
from e2ekit._frameworks.policy import CorsPolicy
from e2ekit._probing.origins import Origin


def plan(*origins: str, policy: CorsPolicy | None = None, **options: object) -> AuditPlan:
    # The identity stands for Topology.target, which only gives a loopback origin without a port its port.
    return plan_audit(AuditOptions(list(origins), **options), policy, lambda origin: origin)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("origins", "target"),
    [
        pytest.param(["https://app.example.com"], "https://api.example.com", id="site"),
        pytest.param(["https://app.example.co.uk"], "https://api.example.co.uk", id="public-suffix"),
        pytest.param(
            ["https://api.example.com", "https://web.example.com"], "https://api-audit.example.com", id="taken"
        ),
        pytest.param(["http://10.1.2.3"], "https://10.1.2.3", id="ip-address"),
        pytest.param(["https://10.1.2.3"], "https://10.1.2.3:9443", id="ip-address-taken"),  # 8443: other-port
    ],
)
def test_the_default_target_is_https_on_the_first_allowed_origins_site(origins: list[str], target: str) -> None:
    assert str(plan(*origins).target) == target


def test_a_loopback_origin_gets_an_https_target_on_its_host_on_a_port_the_kit_picks() -> None:
    assert plan("http://localhost:3000").target == Origin("https", "localhost", None)


def test_the_reads_come_first_then_a_state_changing_request_per_method_other_than_get() -> None:
    planned = plan("https://app.example.com", paths=["/a", "/b"], methods=["GET", "post", "DELETE", "POST"])

    assert [(attempt.kind, attempt.request) for attempt in planned.attempts] == [
        (AttemptKind.CREDENTIALED_READ, "GET /a, credentials include"),
        (AttemptKind.UNCREDENTIALED_READ, "GET /a, credentials omit"),
        (AttemptKind.PREFLIGHTED_READ, "GET /a, credentials include, X-Requested-With: XMLHttpRequest"),
        (AttemptKind.CREDENTIALED_READ, "GET /b, credentials include"),
        (AttemptKind.UNCREDENTIALED_READ, "GET /b, credentials omit"),
        (AttemptKind.PREFLIGHTED_READ, "GET /b, credentials include, X-Requested-With: XMLHttpRequest"),
        (AttemptKind.STATE_CHANGE, "POST /a, credentials include, Content-Type: application/json"),
        (AttemptKind.STATE_CHANGE, "POST /b, credentials include, Content-Type: application/json"),
        (AttemptKind.STATE_CHANGE, "DELETE /a, credentials include, Content-Type: application/json"),
        (AttemptKind.STATE_CHANGE, "DELETE /b, credentials include, Content-Type: application/json"),
    ]
    assert {attempt.probe.body for attempt in planned.attempts if attempt.kind is AttemptKind.STATE_CHANGE} == {"{}"}


def test_the_null_origin_is_played_by_a_sandboxed_page_and_unservable_origins_are_skipped_with_the_reason() -> None:
    cases = {case.hostile.origin: case for case in plan("https://app.example.com").cases}

    null = cases["null"]
    assert (null.page, null.opaque, null.skip) == (OPAQUE_PAGE_ORIGIN, True, None)
    assert cases["https://app.example.com_.evil.example"].skip == (
        "the kit's certificate authority cannot issue a certificate for this host name"
    )
    backtick = cases["https://app.example.com`.evil.example"]
    assert backtick.page is None
    assert backtick.skip is not None and backtick.skip.startswith(
        "no page can be served on it: the kit's origin parser"
    )
    assert cases["http://evil.example.com"].page == Origin("http", "evil.example.com", 80)


def test_an_explicit_target_that_is_a_hostile_origin_skips_that_origin_as_same_origin() -> None:
    cases = {
        case.hostile.origin: case
        for case in plan("https://app.example.com", target_origin="https://evil.example").cases
    }

    assert (
        cases["https://evil.example"].skip == "it is the target origin itself: its requests are same-origin, not CORS"
    )


def test_categories_limit_the_hostile_origins_and_the_allowed_origins_are_never_hostile() -> None:
    planned = plan("https://app.example.com", "http://app.example.com", categories=["http-origin", "null"])

    assert [case.hostile.origin for case in planned.cases] == ["null"]


@pytest.mark.parametrize(
    ("origins", "options", "message"),
    [
        pytest.param(
            [],
            {},
            "no allowed origin given: expected the origins meant to have access, e.g. https://app.example.com",
            id="none",
        ),
        pytest.param(
            ["null"],
            {},
            'allowed origin "null" has no scheme: expected scheme://host[:port], e.g. "http://localhost:3000"',
            id="null",
        ),
        pytest.param(
            ["https://app.example.com"],
            {"visits": ["login"]},
            'visit path "login": expected a path starting with "/", e.g. "/login"',
            id="visit",
        ),
        pytest.param(
            ["https://app.example.com"],
            {"paths": ["api"]},
            'probe path \'api\': expected a path starting with "/", e.g. "/api/items"',
            id="path",
        ),
        pytest.param(
            ["https://app.example.com"],
            {"headers": [("Cookie", "sid=1")]},
            "probe headers.Cookie 'sid=1': expected a header a page may set; this is a forbidden request header, which "
            "the browser drops without a word (to send a cookie, let the target set it, e.g. with a visit, and use "
            "credentials include)",
            id="forbidden-header",
        ),
    ],
)
def test_bad_input_is_a_usage_error_naming_it(origins: list[str], options: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError) as raised:
        plan(*origins, **options)

    assert str(raised.value) == message
