"""Scenario files collected by pytest: ids, outcomes, failure text, reports, and a bad file."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

MORE = """[[scenario.probe]]
path = "/api"
method = "PUT"
body = "x"
expect = "allowed"

[[scenario]]
id = "wildcard"
title = "A wildcard without credentials"
cors = { allow_origins = ["*"] }
[[scenario.probe]]
path = "/api"
expect = "allowed"
"""


@pytest.fixture
def scenarios_text(listed_origin: str) -> str:
    """Two scenarios, three probes: the second probe of the first (a PUT) is blocked, against its expectation."""
    return listed_origin + MORE


def test_each_scenario_probe_and_engine_is_an_item_with_a_readable_id(
    pytester: pytest.Pytester, scenarios_text: str
) -> None:
    pytester.mkdir("scenarios")
    pytester.path.joinpath("scenarios", "origins.toml").write_text(scenarios_text)

    outcome = pytester.runpytest_subprocess("--collect-only", "-q", "--browser", "chromium", "-p", "no:cacheprovider")

    outcome.stdout.fnmatch_lines(
        [
            "scenarios/origins.toml::listed-origin[[]0[]][[]chromium[]]",
            "scenarios/origins.toml::listed-origin[[]1[]][[]chromium[]]",
            "scenarios/origins.toml::wildcard[[]0[]][[]chromium[]]",
        ]
    )


def test_items_pass_or_fail_on_their_expectations_and_a_failure_shows_the_mismatch_and_the_result(
    pytester: pytest.Pytester, scenarios_text: str
) -> None:
    pytester.mkdir("scenarios")
    pytester.path.joinpath("scenarios", "origins.toml").write_text(scenarios_text)

    outcome = pytester.runpytest_subprocess(
        "--browser", "chromium", "--e2e-report", "reports", "-p", "no:cacheprovider"
    )

    outcome.assert_outcomes(passed=2, failed=1)
    outcome.stdout.fnmatch_lines(
        [
            "scenarios/origins.toml: [[]listed-origin[]] probe 1: The page origin is listed",
            "- expected ALLOWED, got BLOCKED",
            "BLOCKED in chromium * (playwright): PUT http://127.0.0.1:*/api from http://localhost:* (cross-site), *",
            "header-only check: ALLOWED (status 200, access-control-allow-origin: http://localhost:*)",
            "*= e2ekit scenarios =*",
            "e2ekit: reports written to reports",
        ]
    )
    assert sorted(path.name for path in pytester.path.joinpath("reports").iterdir()) == [
        "report.html",
        "report.json",
        "report.xml",
    ]


def test_an_engine_that_is_not_installed_skips_its_items_with_the_install_command(
    pytester: pytest.Pytester, scenarios_text: str
) -> None:
    pytester.mkdir("scenarios")
    pytester.path.joinpath("scenarios", "origins.toml").write_text(scenarios_text)
    pytester.makeconftest(
        """
        import os
        os.environ["PATH"] = "/nonexistent"
        os.environ["PLAYWRIGHT_BROWSERS_PATH"] = "/nonexistent"
        """
    )

    outcome = pytester.runpytest_subprocess("--browser", "chromium", "-rs", "-p", "no:cacheprovider")

    outcome.assert_outcomes(skipped=3)
    outcome.stdout.fnmatch_lines(["SKIPPED [[]3[]] *chromium is not installed*"])


def test_a_bad_scenario_file_is_a_collection_error_of_one_line(pytester: pytest.Pytester) -> None:
    pytester.mkdir("scenarios")
    pytester.path.joinpath("scenarios", "bad.toml").write_text(
        '[[scenario]]\nid = "x"\ntitle = "t"\n[[scenario.probe]]\nexpect = "maybe"\n'
    )

    outcome = pytester.runpytest_subprocess("--browser", "chromium", "-p", "no:cacheprovider")

    outcome.assert_outcomes(errors=1)
    outcome.stdout.fnmatch_lines(['scenarios/bad.toml: [[]x[]] expect = "maybe": expected "allowed" or "blocked"'])
    outcome.stdout.no_fnmatch_line("*Traceback*")


def test_a_scenario_whose_app_does_not_import_fails_its_own_items_in_one_line_and_the_others_run(
    pytester: pytest.Pytester, browser_name: str
) -> None:
    pytester.mkdir("scenarios")
    pytester.path.joinpath("scenarios", "mixed.toml").write_text(
        '[[scenario]]\nid = "bad-app"\ntitle = "an app that does not import"\napp = "no_such_module:app"\n'
        '[[scenario.probe]]\nexpect = "allowed"\n\n'
        '[[scenario]]\nid = "good"\ntitle = "a listed origin"\n[scenario.cors]\nallow_origins = ["*"]\n'
        '[[scenario.probe]]\npath = "/api"\nexpect = "allowed"\n'
    )

    outcome = pytester.runpytest_subprocess("--browser", browser_name, "-p", "no:cacheprovider")

    outcome.assert_outcomes(passed=1, failed=1)
    outcome.stdout.fnmatch_lines(
        [
            'scenarios/mixed.toml: [[]bad-app[]] app "no_such_module:app": module "no_such_module" was not found in '
            "*/scenarios or on sys.path"
        ]
    )
    outcome.stdout.no_fnmatch_line("*Traceback*")
    outcome.stdout.no_fnmatch_line("*KeyError*")


def test_toml_files_outside_a_scenarios_directory_are_not_collected(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("settings.toml").write_text("[tool]\nname = 'x'\n")

    outcome = pytester.runpytest_subprocess("--collect-only", "-q", "-p", "no:cacheprovider")

    outcome.stdout.fnmatch_lines(["no tests collected*"])
