"""The conformance run (conformance/, ``nox -s conformance``): each framework's app states one policy in that
framework's own configuration, and the table compares every framework with Starlette for the same policy."""

from __future__ import annotations

import dataclasses
import inspect
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from starlette.middleware.cors import CORSMiddleware

from conformance.apps import FRAMEWORKS, Built, CannotExpress, Framework, framework_named
from conformance.apps.django import cors_settings
from conformance.differences import departures, summary
from conformance.policy import Policy
from conformance.records import NOT_SERVABLE, Record
from conformance.report import DOCS_BEGIN, DOCS_END, render_terminal
from conformance.run import Conformance, Unbuilt, main, prepare_cases
from e2ekit import EngineWorker, Probe, Scenario, Session, Topology, Verdict
from e2ekit._scenarios.model import CookieSetup, ScenarioProbe

PAGE = "http://localhost:41234"


def test_a_setting_the_scenario_leaves_out_takes_starlettes_own_default() -> None:
    parameters = inspect.signature(CORSMiddleware).parameters
    for field in dataclasses.fields(Policy):
        default = parameters[field.name].default
        expected = tuple(default) if isinstance(default, (list, tuple)) else default
        assert getattr(Policy(), field.name) == expected, field.name


def test_a_scenario_policy_is_made_explicit_with_the_page_origin_substituted() -> None:
    policy = Policy.from_scenario({"allow_origins": ["{page}"], "allow_methods": ["PUT"]}, PAGE)

    assert policy == Policy(allow_origins=(PAGE,), allow_methods=("PUT",))
    assert policy.describe(PAGE) == (
        "allow_origins=['{page}'], allow_methods=['PUT'], allow_headers=[], allow_credentials=False, "
        "expose_headers=[], max_age=600"
    )


def test_django_states_wildcard_origins_as_allow_all_and_passes_the_other_wildcards_literally() -> None:
    settings = cors_settings(Policy(allow_origins=("*",), allow_methods=("*",), allow_headers=("*",), max_age=0))

    assert settings == {
        "CORS_ALLOW_ALL_ORIGINS": True,
        "CORS_ALLOWED_ORIGINS": [],
        "CORS_ALLOWED_ORIGIN_REGEXES": [],
        "CORS_ALLOW_METHODS": ["*"],
        "CORS_ALLOW_HEADERS": ["*"],
        "CORS_ALLOW_CREDENTIALS": False,
        "CORS_EXPOSE_HEADERS": [],
        "CORS_PREFLIGHT_MAX_AGE": 0,
    }


def test_aiohttp_cors_cannot_express_an_origin_regex() -> None:
    with pytest.raises(CannotExpress, match="aiohttp-cors has no origin regex"):
        framework_named("aiohttp").build(Policy(allow_origin_regex=r"http://localhost:\d+"), ())


def test_a_departure_from_starlette_is_summarised_by_what_the_framework_did_instead() -> None:
    def record(framework: str, probe: int, preflight: int, origin: str | None) -> Record:
        headers = {} if origin is None else {"access-control-allow-origin": origin}
        return Record("s", probe, framework, "chromium", "BLOCKED", None, preflight, headers, check="c")

    records = [
        record("starlette", 0, 400, PAGE),
        record("django", 0, 200, PAGE),
        record("starlette", 1, 400, PAGE),
        record("django", 1, 400, PAGE),
    ]

    found = departures(records, {"s": PAGE})
    [line] = summary(found, ["starlette", "django"])["django"]

    assert (line.aspect, line.reference, line.value) == (
        "preflight",
        "400 with Access-Control-Allow-Origin",
        "200 with Access-Control-Allow-Origin",
    )
    assert line.probes == (("s", 0, ("chromium",)),)


def build(policy: Policy, cookies: Sequence[CookieSetup]) -> Built:
    """The builder of a framework whose apps e2ekit cannot serve (UNSERVABLE below): a dict is no app."""
    return Built({"app": "none"}, "nothing to configure")


UNSERVABLE = Framework("unservable", "Unservable", (), __name__)


def test_a_framework_e2ekit_cannot_serve_is_named_in_the_table_not_left_out() -> None:
    probe = ScenarioProbe(Probe("/api"), {"default": "allowed"})
    scenario = Scenario("exact", "title", "corpus.toml", (probe,), cors={"allow_origins": ["{page}"]})

    frameworks = [framework_named("starlette"), UNSERVABLE]
    with Topology() as topology:
        [case] = prepare_cases([scenario], frameworks, topology)

    unbuilt = case.apps["unservable"]
    assert isinstance(unbuilt, Unbuilt)
    assert unbuilt.verdict == NOT_SERVABLE
    assert "expected an ASGI app" in unbuilt.note
    conformance = Conformance([case], frameworks, {}, [], {})
    printed = " ".join(render_terminal(conformance).split())  # unwrapped
    assert f"Unservable, not servable yet: {unbuilt.note}: exact" in printed


@pytest.mark.only_browser("chromium")
@pytest.mark.parametrize("framework", FRAMEWORKS, ids=lambda framework: framework.key)
def test_each_frameworks_app_allows_the_listed_origin_and_blocks_another_in_a_real_browser(
    e2e_session: Session, framework: Framework
) -> None:
    page, _ = e2e_session.origins()
    listed = framework.build(Policy(allow_origins=(str(page),), allow_methods=("GET", "PUT")), ()).app
    unlisted = framework.build(Policy(allow_origins=("http://localhost:3000",)), ()).app

    get, put = e2e_session.run(listed, [Probe("/api"), Probe("/api", method="PUT", body="x")])
    [blocked] = e2e_session.run(unlisted, [Probe("/api")])

    assert get.verdict is Verdict.ALLOWED
    assert get.status == 200
    assert get.body is not None and json.loads(get.body)["method"] == "GET"
    assert put.verdict is Verdict.ALLOWED
    assert put.preflight is not None
    assert put.body is not None and json.loads(put.body)["body"] == "x"
    assert blocked.verdict is Verdict.BLOCKED
    assert blocked.reached_app  # a simple request is sent; only the response is withheld
    assert blocked.requests[0].response_header("access-control-allow-origin") is None


@pytest.mark.only_browser("chromium")
def test_the_run_writes_the_table_the_json_the_html_and_the_docs_section(
    e2e_engine: EngineWorker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "conformance.md"
    docs.write_text(f"# Prose kept\n\n{DOCS_BEGIN}\nold table\n{DOCS_END}\n\nMore prose.\n")

    code = main(["--browser", "chromium", "-k", "exception-500", "--report-dir", str(tmp_path), "--docs", str(docs)])

    assert code == 0
    printed = capsys.readouterr().out
    assert "exception-500" in printed
    report = json.loads((tmp_path / "report.json").read_text())
    verdicts = {record["framework"]: record["verdict"] for record in report["records"]}
    # Starlette's ServerErrorMiddleware answers the 500 outside CORSMiddleware; Django's 500 passes through
    # django-cors-headers' middleware.
    assert verdicts["starlette"] == "BLOCKED"
    assert verdicts["fastapi"] == "BLOCKED"
    assert verdicts["django"] == "ALLOWED"
    assert set(verdicts) == {framework.key for framework in FRAMEWORKS}
    assert report["versions"]["django-cors-headers"]
    html = (tmp_path / "report.html").read_text()
    assert "exception-500" in html
    assert "<script" not in html
    text = docs.read_text()
    assert text.startswith("# Prose kept\n") and text.endswith("More prose.\n")
    assert "old table" not in text
    assert "| `exception-500` | B | = | A |" in text
