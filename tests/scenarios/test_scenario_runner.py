"""The scenario runner in a real browser: verdicts, expectations, cookies, ordering, determinism, engine failures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from e2ekit._engines.selection import EngineSpec
from e2ekit._probing.result import Verdict
from e2ekit._scenarios.loader import load_scenarios
from e2ekit._scenarios.model import Scenario
from e2ekit._scenarios.outcome import ProbeOutcome
from e2ekit._scenarios.runner import run_scenarios
from e2ekit._serving.topology import Topology

pytestmark = pytest.mark.e2e

MORE = """[[scenario.probe]]
path = "/api"
method = "DELETE"
expect = "allowed"
preflight = false
note = "A wrong expectation on purpose: DELETE needs a preflight, which the default allow_methods refuses."

[[scenario]]
id = "cookie-same-site"
title = "A Lax cookie to a same-site target"
page = "http://localhost"
target = "http://localhost"
cors = { allow_origins = ["{page}"], allow_credentials = true, expose_headers = ["X-Request-Id"] }
[[scenario.cookie]]
name = "sid"
value = "abc"
samesite = "Lax"
[[scenario.probe]]
path = "/custom"
credentials = "include"
expect = "allowed"
cookie_sent = true
readable_headers = { x-request-id = "e2ekit-42", content-disposition = false }

[[scenario]]
id = "after-the-cookie"
title = "The next scenario starts with an empty cookie jar"
page = "http://localhost"
target = "http://localhost"
cors = { allow_origins = ["{page}"], allow_credentials = true }
[[scenario.probe]]
path = "/api"
credentials = "include"
expect = "allowed"
cookie_sent = false
"""


@pytest.fixture(scope="module")
def topology() -> Iterator[Topology]:
    with Topology() as topology:
        yield topology


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listed_origin: str) -> list[Scenario]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "small.toml").write_text(listed_origin + MORE)
    return load_scenarios([tmp_path / "scenarios"])


def summary(outcomes: list[ProbeOutcome]) -> list[tuple[str, int, str, Verdict, tuple[str, ...], Verdict]]:
    return [(o.scenario.id, o.index, o.engine, o.verdict, o.mismatches, o.baseline.verdict) for o in outcomes]


def test_each_probe_is_judged_against_its_expectations_and_cookies_stay_in_their_scenario(
    corpus: list[Scenario], topology: Topology, browser_name: str
) -> None:
    outcomes = run_scenarios(corpus, [EngineSpec(browser_name)], topology=topology).outcomes

    assert summary(outcomes) == [
        ("listed-origin", 0, browser_name, Verdict.ALLOWED, (), Verdict.ALLOWED),
        (
            "listed-origin",
            1,
            browser_name,
            Verdict.BLOCKED,
            ("expected ALLOWED, got BLOCKED", "expected no preflight, one was sent"),
            Verdict.ALLOWED,
        ),
        ("cookie-same-site", 0, browser_name, Verdict.ALLOWED, (), Verdict.ALLOWED),
        ("after-the-cookie", 0, browser_name, Verdict.ALLOWED, (), Verdict.ALLOWED),
    ]
    refused = outcomes[1].result
    assert refused is not None and refused.preflight is not None and not refused.reached_app
    cookie = outcomes[2].result
    assert cookie is not None and cookie.requests[0].cookie == "sid=abc"


def test_the_same_corpus_run_twice_gives_identical_verdicts(
    corpus: list[Scenario], topology: Topology, browser_name: str
) -> None:
    first = run_scenarios(corpus, [EngineSpec(browser_name)], topology=topology).outcomes
    second = run_scenarios(corpus, [EngineSpec(browser_name)], topology=topology).outcomes

    assert summary(first) == summary(second)


def test_an_engine_that_cannot_start_gives_an_engine_error_outcome_for_every_probe(
    corpus: list[Scenario], topology: Topology, browser_name: str
) -> None:
    outcomes = run_scenarios(
        corpus, [EngineSpec(browser_name, executable="/nonexistent/browser")], topology=topology
    ).outcomes

    assert [(o.scenario.id, o.index, o.verdict, o.passed) for o in outcomes] == [
        ("listed-origin", 0, Verdict.ENGINE_ERROR, False),
        ("listed-origin", 1, Verdict.ENGINE_ERROR, False),
        ("cookie-same-site", 0, Verdict.ENGINE_ERROR, False),
        ("after-the-cookie", 0, Verdict.ENGINE_ERROR, False),
    ]
    assert all(
        o.engine_error is not None
        and o.engine_error.startswith(f"{browser_name}:/nonexistent/browser could not be started: ")
        for o in outcomes
    )
