"""The header-only baseline: the verdict a conventional in-process test would give."""

from __future__ import annotations

from typing import Any

from e2ekit import Verdict
from e2ekit._probing.probe import Probe
from e2ekit._scenarios.app import build_app
from e2ekit._scenarios.baseline import baseline_verdict
from e2ekit._scenarios.model import CookieSetup, Scenario, ScenarioProbe
from e2ekit._scenarios.outcome import BaselineVerdict

PAGE = "http://localhost:41234"


def verdict(probe: Probe | None = None, origin: str = PAGE, **fields: Any) -> BaselineVerdict:
    probe = probe or Probe("/api")
    expected = ScenarioProbe(probe, {"default": Verdict.ALLOWED})
    scenario = Scenario(id="s", title="t", file="s.toml", probes=(expected,), **fields)
    return baseline_verdict(build_app(scenario, PAGE), scenario, expected, origin)


def test_a_wildcard_passes_even_where_a_browser_blocks_credentials() -> None:
    assert verdict(Probe("/api", credentials="include"), cors={"allow_origins": ["*"]}) == BaselineVerdict(
        Verdict.ALLOWED, "status 200, access-control-allow-origin: *"
    )


def test_the_mirrored_origin_passes_and_the_detail_names_allow_credentials() -> None:
    assert verdict(cors={"allow_origins": ["{page}"], "allow_credentials": True}) == BaselineVerdict(
        Verdict.ALLOWED, f"status 200, access-control-allow-origin: {PAGE}, access-control-allow-credentials: true"
    )


def test_a_method_the_policy_refuses_is_still_allowed_header_only_because_no_preflight_is_sent() -> None:
    assert verdict(Probe("/api", "DELETE"), cors={"allow_origins": ["*"]}).verdict is Verdict.ALLOWED


def test_a_missing_allow_origin_header_fails() -> None:
    assert verdict(cors={"allow_origins": [f"{PAGE}/"]}) == BaselineVerdict(
        Verdict.BLOCKED, "status 200, no access-control-allow-origin header"
    )


def test_a_redirect_is_followed_as_the_test_client_does_by_default() -> None:
    result = verdict(Probe("/items"), cors={"allow_origins": ["*"]}, layers=("slash-redirect-outside-cors",))

    assert result == BaselineVerdict(Verdict.ALLOWED, "status 200, access-control-allow-origin: *")


def test_an_exception_in_the_app_fails_with_what_the_test_client_raised() -> None:
    result = verdict(Probe("/error"), cors={"allow_origins": ["*"]}, layers=("cors-outermost",))

    assert result == BaselineVerdict(
        Verdict.BLOCKED, "the test client raised RuntimeError: boom: the app failed while handling the request"
    )


def test_the_null_origin_of_an_opaque_page_is_sent_and_matched() -> None:
    assert verdict(origin="null", cors={"allow_origins": ["null"]}) == BaselineVerdict(
        Verdict.ALLOWED, "status 200, access-control-allow-origin: null"
    )


def test_the_scenario_cookies_are_sent_whatever_their_attributes() -> None:
    probe = ScenarioProbe(Probe("/api"), {"default": Verdict.ALLOWED})
    cookies = (CookieSetup("sid", "abc", samesite="Strict"), CookieSetup("b", "2"))
    scenario = Scenario(
        id="s", title="t", file="s.toml", probes=(probe,), cookies=cookies, cors={"allow_origins": ["*"]}
    )
    seen: list[str | None] = []
    app = build_app(scenario, PAGE)

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        seen.append(dict(scope["headers"]).get(b"cookie", b"").decode())
        await app(scope, receive, send)

    baseline_verdict(spy, scenario, probe, PAGE)

    assert seen == ["sid=abc; b=2"]
