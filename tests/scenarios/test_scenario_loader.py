"""Scenario files: what the loader reads, and the one-line message for every kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2ekit import Verdict
from e2ekit._errors import ScenarioError
from e2ekit._probing.probe import Probe
from e2ekit._scenarios.layers import LAYERS
from e2ekit._scenarios.loader import CORS_KEYS, load_scenarios
from e2ekit._scenarios.model import CookieSetup

HEAD = '[[scenario]]\nid = "x"\ntitle = "t"\n'
PROBE = '[[scenario.probe]]\nexpect = "allowed"\n'


@pytest.fixture
def scenario_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    directory = tmp_path / "scenarios"
    directory.mkdir()
    return directory


def error_for(directory: Path, text: str, name: str = "x.toml") -> str:
    (directory / name).write_text(text)
    with pytest.raises(ScenarioError) as excinfo:
        load_scenarios([directory])
    return str(excinfo.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            '[[scenario]]\nid = "wildcard-with-cookie"\ntitle = "t"\n[[scenario.probe]]\nexpect = "maybe"\n',
            '[wildcard-with-cookie] expect = "maybe": expected "allowed" or "blocked"',
            id="verdict",
        ),
        pytest.param(
            HEAD + 'colour = "red"\n' + PROBE,
            '[x] colour = "red": expected one of the keys id, title, source, page, target, opaque_page, tags, cors, '
            "app, layers, cookie, probe (unknown key)",
            id="unknown-key",
        ),
        pytest.param(
            '[[scenario]]\nid = "x"\ntitle = 3\n' + PROBE,
            "[x] title = 3: expected a one-line description",
            id="wrong-type",
        ),
        pytest.param(
            '[[scenario]]\nid = "x"\n' + PROBE,
            "[x] title is missing: expected a one-line description",
            id="missing-title",
        ),
        pytest.param(
            '[[scenario]]\ntitle = "t"\n' + PROBE,
            '[scenario 1] id is missing: expected an id made of letters, digits, "-", "_" or "." (used in test ids)',
            id="missing-id",
        ),
        pytest.param(HEAD, "[x] probe is missing: expected at least one [[scenario.probe]] table", id="no-probe"),
        pytest.param(
            HEAD + PROBE + '[[scenario.probe]]\ncredentials = "incl"\nexpect = "allowed"\n',
            '[x][1] credentials = "incl": expected "omit", "same-origin" or "include"',
            id="second-probe",
        ),
        pytest.param(
            HEAD + '[[scenario.cookie]]\nname = "sid"\nsamesite = "Laxx"\n' + PROBE,
            '[x] cookie.samesite = "Laxx": expected "Lax", "Strict" or "None"',
            id="samesite",
        ),
        pytest.param(
            HEAD + 'cors = { allow_origin = ["*"] }\n' + PROBE,
            '[x] cors.allow_origin = ["*"]: expected one of the keys allow_origins, allow_origin_regex, allow_methods, '
            "allow_headers, allow_credentials, expose_headers, max_age (unknown key)",
            id="cors-key",
        ),
        pytest.param(
            HEAD + 'cors = { allow_origins = "*" }\n' + PROBE,
            '[x] cors.allow_origins = "*": expected a list of strings',
            id="cors-type",
        ),
        pytest.param(
            HEAD + 'cors = { allow_origin_regex = "http://(" }\n' + PROBE,
            '[x] cors.allow_origin_regex = "http://(": expected a regular expression (Python re syntax): missing ), '
            "unterminated subpattern at position 7",
            id="regex",
        ),
        pytest.param(
            HEAD + 'page = "ftp://localhost"\n' + PROBE,
            '[x] page = "ftp://localhost": expected an http or https origin, e.g. "http://localhost", '
            '"http://127.0.0.1:8000" or "https://app.example.test" (page origin "ftp://localhost" uses scheme "ftp": '
            'expected "http://" or "https://")',
            id="page-origin",
        ),
        pytest.param(
            HEAD + 'app = "apps.x:app"\ncors = {}\n' + PROBE,
            '[x] app = "apps.x:app": expected either app or [scenario.cors] and layers, not both (an app brings its own CORS)',
            id="app-and-cors",
        ),
        pytest.param(
            HEAD + 'layers = ["auth-outside"]\n' + PROBE,
            '[x] layers = ["auth-outside"]: expected layer names from auth-outside-cors, auth-inside-cors, '
            "session-inside-cors, slash-redirect-outside-cors, login-redirect-outside-cors, error-handler, "
            "cors-outermost",
            id="layer",
        ),
        pytest.param(
            HEAD + '[[scenario.probe]]\nexpect = { default = "allowed", safari = "blocked" }\n',
            '[x] expect.safari = "blocked": expected an engine name (chromium, firefox, webkit) or "default"',
            id="expect-engine",
        ),
        pytest.param(
            HEAD + '[[scenario.probe]]\nexpect = { webkit = "blocked" }\n',
            '[x] expect = { webkit = "blocked" }: expected a "default" key, or a verdict for each of chromium, firefox, webkit',
            id="expect-without-default",
        ),
        pytest.param(
            HEAD + '[[scenario.probe]]\nbody = "x"\nexpect = "allowed"\n',
            '[x] body = "x": expected no body with method GET (fetch() rejects it)',
            id="body-with-get",
        ),
        pytest.param(
            HEAD + '[[scenario.probe]]\nmethod = "GE T"\nexpect = "allowed"\n',
            '[x] method = "GE T": expected an HTTP method token, e.g. "GET" or "PUT"',
            id="method",
        ),
        pytest.param(
            HEAD + '[[scenario.probe]]\nexpect = "allowed"\nreadable_headers = { x-a = true }\n',
            "[x] readable_headers.x-a = true: expected the exact value JavaScript must read, or false (must not be readable)",
            id="readable-headers",
        ),
        pytest.param(
            HEAD + '[[scenario.probe]]\nexpect = "allowed"\ncookie_sent = "yes"\n',
            '[x] cookie_sent = "yes": expected true, false, or a table by engine such as { default = false, webkit = true }',
            id="wire-expectation",
        ),
        pytest.param(
            HEAD + '[[scenario.probe]]\nexpect = "allowed"\nstatus = 999\n',
            "[x] status = 999: expected an HTTP status from 100 to 599 (0 for an opaque response)",
            id="status",
        ),
        pytest.param(
            HEAD + "[[scenario.cookie]]\n" + 'value = "v"\n' + PROBE,
            '[x] cookie.name is missing: expected a cookie name, e.g. "sid"',
            id="cookie-name",
        ),
        pytest.param(
            HEAD + 'cors = { max_age = "600" }\n' + PROBE,
            '[x] cors.max_age = "600": expected a number of seconds, e.g. 600',
            id="max-age",
        ),
        pytest.param(
            HEAD + PROBE + HEAD + PROBE,
            '[x] id = "x": expected a unique id; the file already has one',
            id="duplicate-id",
        ),
        pytest.param(
            '[[scenario]]\nid = "x"\ntitle =\n', "invalid TOML: Invalid value (at line 3, column 8)", id="toml-syntax"
        ),
        pytest.param(
            'title = "x"\n', 'title = "x": expected only [[scenario]] tables at the top level', id="top-level-key"
        ),
        pytest.param("", "no [[scenario]] tables: expected at least one, see scenarios/README.md", id="empty-file"),
    ],
)
def test_a_mistake_in_a_scenario_file_is_one_line_naming_file_scenario_key_and_expectation(
    scenario_dir: Path, text: str, message: str
) -> None:
    assert error_for(scenario_dir, text) == f"scenarios/x.toml: {message}"


def test_an_id_used_in_two_files_names_both_files(scenario_dir: Path) -> None:
    (scenario_dir / "a.toml").write_text(HEAD + PROBE)

    message = error_for(scenario_dir, HEAD + PROBE, name="b.toml")

    assert (
        message
        == 'scenarios/b.toml: [x] id = "x": expected a unique id; scenarios/a.toml already has a scenario with this id'
    )


def test_a_path_that_does_not_exist_is_a_scenario_error(scenario_dir: Path) -> None:
    with pytest.raises(ScenarioError, match=r"^nope: no such file or directory: expected a scenario file"):
        load_scenarios(["nope"])


def test_a_full_scenario_is_read_with_every_field_and_the_defaults(scenario_dir: Path) -> None:
    (scenario_dir / "full.toml").write_text(
        """
[[scenario]]
id = "full"
title = "Everything"
source = "https://github.com/fastapi/fastapi/issues/1"
page = "http://localhost:3000"
target = "same-origin"
opaque_page = true
tags = ["a", "b"]
cors = { allow_origins = ["{page}"], allow_credentials = true, max_age = 0 }
[[scenario.cookie]]
name = "sid"
samesite = "none"
secure = true
[[scenario.probe]]
path = "/items"
method = "put"
headers = { X-Api-Key = "k" }
body = "x"
credentials = "include"
expect = { default = "blocked", webkit = "allowed" }
preflight = true
cookie_sent = { default = false, webkit = true }
status = 0
readable_headers = { X-Request-Id = "e2ekit-42", content-disposition = false }
note = "why"
[[scenario.probe]]
expect = "allowed"
"""
    )

    [scenario] = load_scenarios([scenario_dir])

    assert (scenario.id, scenario.file, scenario.page, scenario.target, scenario.opaque_page) == (
        "full", "scenarios/full.toml", "http://localhost:3000", "same-origin", True,
    )  # fmt: skip
    assert scenario.cors == {"allow_origins": ["{page}"], "allow_credentials": True, "max_age": 0}
    assert scenario.cookies == (CookieSetup("sid", "1", samesite="None", secure=True),)
    first, second = scenario.probes
    assert first.probe == Probe("/items", "PUT", (("X-Api-Key", "k"),), "x", "include")
    assert [first.expected_verdict(engine) for engine in ("chromium", "webkit")] == [Verdict.BLOCKED, Verdict.ALLOWED]
    assert [first.expected_wire("cookie_sent", engine) for engine in ("firefox", "webkit")] == [False, True]
    assert (first.preflight, first.reached_app, first.status, first.note) == (True, None, 0, "why")
    assert first.readable_headers == {"x-request-id": "e2ekit-42", "content-disposition": None}
    assert second.probe == Probe() and second.expect == {"default": Verdict.ALLOWED} and second.wire_by_engine == {}


def test_an_expectation_that_names_every_engine_needs_no_default(scenario_dir: Path) -> None:
    (scenario_dir / "x.toml").write_text(
        HEAD + '[[scenario.probe]]\nexpect = { chromium = "allowed", firefox = "blocked", webkit = "blocked" }\n'
    )

    [scenario] = load_scenarios([scenario_dir])

    assert [scenario.probes[0].expected_verdict(engine) for engine in ("chromium", "firefox", "webkit")] == [
        Verdict.ALLOWED,
        Verdict.BLOCKED,
        Verdict.BLOCKED,
    ]


def test_the_corpus_loads_with_at_least_forty_scenarios_and_a_source_for_most() -> None:
    corpus = Path(__file__).resolve().parents[2] / "scenarios"

    scenarios = load_scenarios([corpus])

    assert len(scenarios) >= 40
    assert sum(scenario.source is not None for scenario in scenarios) >= 40


def test_the_corpus_exercises_every_cors_middleware_parameter_and_every_layer() -> None:
    scenarios = load_scenarios([Path(__file__).resolve().parents[2] / "scenarios"])

    parameters = {key for scenario in scenarios for key in scenario.cors or {}}
    layers = {layer for scenario in scenarios for layer in scenario.layers}

    assert parameters == set(CORS_KEYS)
    assert layers == set(LAYERS)
