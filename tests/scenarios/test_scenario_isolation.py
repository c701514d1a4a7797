"""Scenarios stay isolated however the runner batches them: a cookie set in one scenario, by a visit or by a probe's
own response, is never sent in another, and scenarios run side by side see none of each other's requests."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2ekit._engines.selection import EngineSpec
from e2ekit._probing.result import Verdict
from e2ekit._scenarios.loader import load_scenarios
from e2ekit._scenarios.model import Scenario
from e2ekit._scenarios.runner import execution_groups, prepare_scenarios, run_scenarios
from e2ekit._serving.topology import Topology

pytestmark = pytest.mark.e2e

# An app of the scenario's own, whose every response sets a cookie (no SameSite attribute, so a same-site
# credentialed fetch sends it back in every engine).
SETTER_APP = textwrap.dedent(
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route


    async def api(request):
        response = PlainTextResponse("ok")
        response.headers["set-cookie"] = "from_response=1; Path=/"
        return response


    app = Starlette(
        routes=[Route("/api", api)],
        middleware=[Middleware(CORSMiddleware, allow_origin_regex="http://localhost:[0-9]+", allow_credentials=True)],
    )
    """
)

SAME_SITE_CREDENTIALED = """
page = "http://localhost"
target = "http://localhost"
cors = { allow_origins = ["{page}"], allow_credentials = true }
"""

RESPONSE_SETS_A_COOKIE = """
page = "http://localhost"
target = "http://localhost"
app = "apps.setter:app"
[[scenario.probe]]
path = "/api"
credentials = "include"
expect = "allowed"
cookie_sent = false
[[scenario.probe]]
path = "/api"
credentials = "include"
expect = "allowed"
cookie_sent = true
"""

# Scenarios run in this order: those of the first probe page, then those of the next page, then those with
# cookies, each in file order.
SCENARIOS = f"""
[[scenario]]
id = "a-response-sets-a-cookie"
title = "The app's response sets a cookie, which the scenario's next probe sends"
{RESPONSE_SETS_A_COOKIE}
[[scenario]]
id = "again-a-response-sets-a-cookie"
title = "The next scenario's first probe goes without the cookie the scenario before set"
{RESPONSE_SETS_A_COOKIE}
[[scenario]]
id = "another-page-after-a-response-cookie"
title = "A scenario on another page of the same site, run after those, goes without their cookies"
page = "http://localhost:3000"
target = "http://localhost"
cors = {{ allow_origins = ["{{page}}"], allow_credentials = true }}
[[scenario.probe]]
path = "/api"
credentials = "include"
expect = "allowed"
cookie_sent = false

[[scenario]]
id = "a-visit-sets-a"
title = "A visit sets cookie a"
{SAME_SITE_CREDENTIALED}
[[scenario.cookie]]
name = "a"
[[scenario.probe]]
path = "/api"
credentials = "include"
expect = "allowed"
cookie_sent = true

[[scenario]]
id = "a-visit-sets-b"
title = "A visit sets cookie b, and cookie a of the scenario before is gone"
{SAME_SITE_CREDENTIALED}
[[scenario.cookie]]
name = "b"
[[scenario.probe]]
path = "/api"
credentials = "include"
expect = "allowed"
cookie_sent = true
"""

SIDE_BY_SIDE = "".join(
    f"""
[[scenario]]
id = "side-by-side-{index}"
title = "One of several scenarios run in one evaluation"
{SAME_SITE_CREDENTIALED}
[[scenario.probe]]
path = "/api"
credentials = "include"
expect = "allowed"
cookie_sent = false
[[scenario.probe]]
path = "/items/"
method = "PUT"
headers = {{ Content-Type = "application/json" }}
body = "{{}}"
expect = "blocked"
preflight = true
reached_app = false
"""
    for index in range(5)
)


@pytest.fixture(scope="module")
def topology() -> Iterator[Topology]:
    with Topology() as topology:
        yield topology


def corpus(directory: Path, text: str) -> list[Scenario]:
    (directory / "scenarios" / "apps").mkdir(parents=True)
    (directory / "scenarios" / "apps" / "setter.py").write_text(SETTER_APP)
    (directory / "scenarios" / "isolation.toml").write_text(text)
    return load_scenarios([directory / "scenarios"])


def test_a_cookie_set_in_one_scenario_by_a_visit_or_a_response_is_never_sent_in_another(
    tmp_path: Path, topology: Topology, browser_name: str
) -> None:
    scenarios = corpus(tmp_path, SCENARIOS)
    prepared = prepare_scenarios(scenarios, topology)
    assert [[prepared[p].scenario.id for p in group] for group in execution_groups(prepared)] == [
        ["a-response-sets-a-cookie"],
        ["again-a-response-sets-a-cookie"],
        ["another-page-after-a-response-cookie"],
        ["a-visit-sets-a"],
        ["a-visit-sets-b"],
    ]

    outcomes = run_scenarios(scenarios, [EngineSpec(browser_name)], topology=topology).outcomes

    assert [(o.scenario.id, o.index, o.verdict, o.mismatches) for o in outcomes] == [
        ("a-response-sets-a-cookie", 0, Verdict.ALLOWED, ()),
        ("a-response-sets-a-cookie", 1, Verdict.ALLOWED, ()),
        ("again-a-response-sets-a-cookie", 0, Verdict.ALLOWED, ()),
        ("again-a-response-sets-a-cookie", 1, Verdict.ALLOWED, ()),
        ("another-page-after-a-response-cookie", 0, Verdict.ALLOWED, ()),
        ("a-visit-sets-a", 0, Verdict.ALLOWED, ()),
        ("a-visit-sets-b", 0, Verdict.ALLOWED, ()),
    ]
    sent = [None if o.result is None else o.result.requests[0].cookie for o in outcomes]
    assert sent == [None, "from_response=1", None, "from_response=1", None, "a=1", "b=1"]


def test_scenarios_run_side_by_side_each_see_only_their_own_requests_in_order(
    tmp_path: Path, topology: Topology, browser_name: str
) -> None:
    scenarios = corpus(tmp_path, SIDE_BY_SIDE)
    assert execution_groups(prepare_scenarios(scenarios, topology)) == [[0, 1, 2, 3, 4]]

    outcomes = run_scenarios(scenarios, [EngineSpec(browser_name)], topology=topology).outcomes

    assert [(o.scenario.id, o.index, o.verdict, o.mismatches) for o in outcomes] == [
        (f"side-by-side-{index}", probe, verdict, ())
        for index in range(5)
        for probe, verdict in ((0, Verdict.ALLOWED), (1, Verdict.BLOCKED))
    ]
    for outcome in outcomes:
        assert outcome.result is not None
        assert [(e.method, e.path) for e in outcome.result.exchanges] == (
            [("GET", "/api")] if outcome.index == 0 else [("OPTIONS", "/items/")]
        )


GROUPING = f"""
[[scenario]]
id = "plain-1"
title = "No cookie, the default page"
cors = {{ allow_origins = ["{{page}}"] }}
[[scenario.probe]]
expect = "allowed"

[[scenario]]
id = "with-a-cookie"
title = "A cookie: a group of its own, after the others"
{SAME_SITE_CREDENTIALED}
[[scenario.cookie]]
name = "a"
[[scenario.probe]]
expect = "allowed"

[[scenario]]
id = "own-app"
title = "An app of the scenario's own may set cookies: a group of its own"
page = "http://localhost"
target = "http://localhost"
app = "apps.setter:app"
[[scenario.probe]]
path = "/api"
expect = "allowed"

[[scenario]]
id = "opaque"
title = "Another probe page: another group"
opaque_page = true
cors = {{ allow_origins = ["null"] }}
[[scenario.probe]]
expect = "allowed"

[[scenario]]
id = "plain-2"
title = "No cookie, the default page again"
cors = {{ allow_origins = ["{{page}}"] }}
[[scenario.probe]]
expect = "allowed"

[[scenario]]
id = "plain-3"
title = "No cookie, the default page, right after the one before: the same group"
cors = {{ allow_origins = ["{{page}}"] }}
[[scenario.probe]]
expect = "allowed"
"""


def test_only_consecutive_scenarios_that_share_a_probe_page_and_certainly_set_no_cookie_run_side_by_side(
    tmp_path: Path, topology: Topology
) -> None:
    prepared = prepare_scenarios(corpus(tmp_path, GROUPING), topology)

    groups = execution_groups(prepared)

    assert [[prepared[position].scenario.id for position in group] for group in groups] == [
        ["plain-1"],
        ["own-app"],
        ["plain-2", "plain-3"],
        ["opaque"],
        ["with-a-cookie"],
    ]
