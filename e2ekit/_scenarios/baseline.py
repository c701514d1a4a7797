"""The header-only baseline: the check a conventional test suite makes, with no browser.

It sends the probe's request to the app in-process through Starlette's TestClient with its default settings
(redirects followed, server exceptions re-raised), adds the ``Origin`` header and the scenario's cookies, sends no
preflight, and says ALLOWED when ``Access-Control-Allow-Origin`` is the page origin or ``*``: the assertion most
suites write. It looks at nothing a browser also checks (credentials, preflight, exposed headers, cookie policy).
"""

from __future__ import annotations

import asyncio

from starlette.testclient import TestClient

from e2ekit._probing.result import Verdict
from e2ekit._scenarios.model import Scenario, ScenarioProbe
from e2ekit._scenarios.outcome import BaselineVerdict
from e2ekit._serving.asgi import ASGIApp, Receive, Scope, Send

__all__ = ["TIMEOUT", "baseline_verdict"]

TIMEOUT = 10.0
"""Seconds the test client waits for the app's answer (the browsers' default fetch timeout)."""


def baseline_verdict(
    app: ASGIApp, scenario: Scenario, probe: ScenarioProbe, origin: str, *, timeout: float = TIMEOUT
) -> BaselineVerdict:
    """Judge the app's answer to ``probe`` sent from ``origin`` ("null" for an opaque page) the header-only way;
    an app that has not answered within ``timeout`` seconds is BLOCKED, as a suite's test would time out."""
    request = probe.probe
    headers = [("origin", origin), *request.headers]
    if scenario.cookies:
        headers.append(("cookie", "; ".join(f"{cookie.name}={cookie.value}" for cookie in scenario.cookies)))

    async def bounded(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.wait_for(app(scope, receive, send), timeout)

    client = TestClient(bounded)  # default settings on purpose: this is the test a suite would write
    try:
        response = client.request(request.method, request.path, headers=headers, content=request.body)
    except TimeoutError:
        return BaselineVerdict(Verdict.BLOCKED, f"the app did not answer the test client within {timeout:g} s")
    except Exception as error:  # the app's own exception: TestClient re-raises it, and a suite's test errors
        return BaselineVerdict(Verdict.BLOCKED, f"the test client raised {type(error).__name__}: {error}")
    finally:
        client.close()
    allow_origin = response.headers.get("access-control-allow-origin")
    detail = f"status {response.status_code}, " + (
        "no access-control-allow-origin header"
        if allow_origin is None
        else f"access-control-allow-origin: {allow_origin}"
    )
    allow_credentials = response.headers.get("access-control-allow-credentials")
    if allow_credentials is not None:
        detail += f", access-control-allow-credentials: {allow_credentials}"
    return BaselineVerdict(Verdict.ALLOWED if allow_origin in (origin, "*") else Verdict.BLOCKED, detail)
