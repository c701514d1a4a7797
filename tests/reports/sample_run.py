"""A small scenario run for the report tests, built by hand as Chromium 156 recorded it: no browser runs.

Two scenarios behind ``CORSMiddleware(allow_origins=["*"])``: a credentialed GET that Chromium blocks (the
wildcard), a plain GET it allows, and a PUT with a custom header whose preflight fails (expected ALLOWED on purpose,
so the reports have a mismatch to show). Firefox could not start, so each probe also has an engine error.
"""

from __future__ import annotations

import dataclasses

from e2ekit._engines.base import EngineInfo
from e2ekit._probing.exchange import Exchange
from e2ekit._probing.explanation import Explanation
from e2ekit._probing.origins import SiteRelation
from e2ekit._probing.probe import Probe
from e2ekit._probing.result import ProbeResult, Verdict
from e2ekit._scenarios.model import Scenario, ScenarioProbe
from e2ekit._scenarios.outcome import BaselineVerdict, ProbeOutcome

PAGE = "http://localhost:41001"
TARGET = "http://127.0.0.1:41002"
URL = f"{TARGET}/api"
CHROMIUM = EngineInfo("chromium", "playwright", "156.0.8078.108", "/usr/bin/chromium")

WILDCARD = Scenario(
    id="wildcard-with-credentials",
    title='Wildcard origin with credentials <b>"include"</b>',
    file="scenarios/credentials.toml",
    probes=(
        ScenarioProbe(Probe("/api", credentials="include"), {"default": Verdict.BLOCKED}),
        ScenarioProbe(Probe("/api"), {"default": Verdict.ALLOWED}),
    ),
    cors={"allow_origins": ["*"]},
    source="https://example.org/reports/wildcard-with-credentials",
)
CUSTOM_HEADER = Scenario(
    id="custom-header-preflight",
    title="A custom header the policy does not list",
    file="scenarios/preflight.toml",
    probes=(
        ScenarioProbe(Probe("/api", "PUT", (("X-Token", "a"),)), {"default": Verdict.ALLOWED}, note="expects too much"),
    ),
    cors={"allow_origins": ["*"]},
)
FIREFOX_ERROR = "firefox is not installed here; install it with: e2ekit install-browsers firefox"
HEADER_ONLY_ALLOWED = BaselineVerdict(Verdict.ALLOWED, "status 200, access-control-allow-origin: *")

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0"
ECHO = '{"method":"GET","cookie":null}'
GET_EXCHANGE = Exchange(
    method="GET",
    url=URL,
    path="/api",
    query="",
    request_headers=(("host", "127.0.0.1:41002"), ("user-agent", USER_AGENT), ("accept", "*/*"), ("origin", PAGE)),
    status=200,
    response_headers=(
        ("content-length", "30"),
        ("content-type", "application/json"),
        ("access-control-allow-origin", "*"),
        ("vary", "Origin"),
    ),
    response_body=ECHO,
)
PREFLIGHT_EXCHANGE = Exchange(
    method="OPTIONS",
    url=URL,
    path="/api",
    query="",
    request_headers=(
        ("host", "127.0.0.1:41002"),
        ("accept", "*/*"),
        ("access-control-request-method", "PUT"),
        ("access-control-request-headers", "x-token"),
        ("origin", PAGE),
        ("user-agent", USER_AGENT),
    ),
    status=400,
    response_headers=(
        ("vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "GET"),
        ("access-control-max-age", "600"),
        ("access-control-allow-headers", "Accept, Accept-Language, Content-Language, Content-Type"),
        ("content-length", "31"),
        ("content-type", "text/plain; charset=utf-8"),
    ),
    response_body="Disallowed CORS method, headers",
)
BLOCKED_BY = f"Access to fetch at '{URL}' from origin '{PAGE}' has been blocked by CORS policy: "
WILDCARD_CONSOLE = (
    BLOCKED_BY + "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' "
    "when the request's credentials mode is 'include'.",
    "Failed to load resource: net::ERR_FAILED",
)
PREFLIGHT_CONSOLE = (
    BLOCKED_BY + "Response to preflight request doesn't pass access control check: It does not have HTTP ok status.",
    "Failed to load resource: net::ERR_FAILED",
)


def blocked(probe: Probe, exchange: Exchange, console: tuple[str, ...], explanation: Explanation) -> ProbeResult:
    """A result as Chromium reports a fetch() its CORS check rejected."""
    return ProbeResult(
        engine=CHROMIUM,
        probe=probe,
        page_origin=PAGE,
        target_url=URL,
        relation=SiteRelation.CROSS_SITE,
        verdict=Verdict.BLOCKED,
        js_error="TypeError: Failed to fetch",
        status=None,
        response_type=None,
        headers=(),
        body=None,
        console=console,
        exchanges=(exchange,),
        duration_ms=11.0,
        explanation=explanation,
    )


WILDCARD_BLOCKED = blocked(
    WILDCARD.probes[0].probe,
    GET_EXCHANGE,
    WILDCARD_CONSOLE,
    Explanation(
        allowed=False,
        check="cors-check.wildcard-with-credentials",
        detail="the response to GET /api sent Access-Control-Allow-Origin '*', which the CORS check refuses when "
        "the request's credentials mode is 'include'",
        fix=f"list the page origin ('{PAGE}') instead of '*' in allow_origins when credentials are included",
        agrees=True,
    ),
)
WILDCARD_ALLOWED = ProbeResult(
    engine=CHROMIUM,
    probe=WILDCARD.probes[1].probe,
    page_origin=PAGE,
    target_url=URL,
    relation=SiteRelation.CROSS_SITE,
    verdict=Verdict.ALLOWED,
    js_error=None,
    status=200,
    response_type="cors",
    headers=(("content-length", "30"), ("content-type", "application/json")),
    body=ECHO,
    console=(),
    exchanges=(GET_EXCHANGE,),
    duration_ms=9.6,
    explanation=Explanation(
        allowed=True, check=None, detail="the response passed the CORS check", fix=None, agrees=True
    ),
)
PREFLIGHT_BLOCKED = blocked(
    CUSTOM_HEADER.probes[0].probe,
    PREFLIGHT_EXCHANGE,
    PREFLIGHT_CONSOLE,
    Explanation(
        allowed=False,
        check="preflight.status-not-ok",
        detail="the preflight response's status was 400, not an ok status (200-299)",
        fix="add 'PUT' to allow_methods",
        agrees=True,
    ),
)


def sample_outcomes() -> list[ProbeOutcome]:
    """Every probe in Chromium and in the Firefox that could not start; firefox first, as a parallel run may hand
    them over in any order."""
    chromium = [
        ProbeOutcome(WILDCARD, 0, "chromium", WILDCARD_BLOCKED, HEADER_ONLY_ALLOWED, ()),
        ProbeOutcome(WILDCARD, 1, "chromium", WILDCARD_ALLOWED, HEADER_ONLY_ALLOWED, ()),
        ProbeOutcome(
            CUSTOM_HEADER, 0, "chromium", PREFLIGHT_BLOCKED, HEADER_ONLY_ALLOWED, ("expected ALLOWED, got BLOCKED",)
        ),
    ]
    firefox = [
        ProbeOutcome(outcome.scenario, outcome.index, "firefox", None, HEADER_ONLY_ALLOWED, (), FIREFOX_ERROR)
        for outcome in chromium
    ]
    return firefox + chromium


CONTROL_PATH = "/api/\x1b[31mred\x07"
"""A probe path that would turn a terminal red and ring its bell: fetch() sends ESC and BEL in a path as they are."""
CONTROLS = Scenario(
    id="control-characters",
    title="Control characters in a probe path",
    file="scenarios/controls.toml",
    probes=(ScenarioProbe(Probe(CONTROL_PATH), {"default": Verdict.BLOCKED}),),
    cors={"allow_origins": ["*"]},
)


def control_character_outcomes() -> list[ProbeOutcome]:
    """CONTROLS allowed in Chromium (the expectation is wrong on purpose), and a Firefox that crashed on the path."""
    exchange = dataclasses.replace(GET_EXCHANGE, url=TARGET + CONTROL_PATH, path=CONTROL_PATH)
    result = dataclasses.replace(
        WILDCARD_ALLOWED, probe=CONTROLS.probes[0].probe, target_url=TARGET + CONTROL_PATH, exchanges=(exchange,)
    )
    crash = f"firefox crashed while fetching {CONTROL_PATH}"
    return [
        ProbeOutcome(CONTROLS, 0, "chromium", result, HEADER_ONLY_ALLOWED, ("expected BLOCKED, got ALLOWED",)),
        ProbeOutcome(CONTROLS, 0, "firefox", None, HEADER_ONLY_ALLOWED, (), crash),
    ]
