"""The terminal matrix of a scenario run: columns that fit, colours, and no control character from the run."""

from __future__ import annotations

import dataclasses

from e2ekit._reports import render_matrix
from e2ekit._scenarios.outcome import ProbeOutcome
from tests.reports.sample_run import control_character_outcomes

MATRIX = """\
scenario probe               request                       chromium   firefox       header-only
wildcard-with-credentials:0  GET /api credentials=include  BLOCKED    ENGINE ERROR  ALLOWED
  ~ header-only: ALLOWED, chromium: BLOCKED
wildcard-with-credentials:1  GET /api                      ALLOWED    ENGINE ERROR  ALLOWED
custom-header-preflight:0    PUT /api +X-Token             BLOCKED !  ENGINE ERROR  ALLOWED
  ! chromium: expected ALLOWED, got BLOCKED
  ~ header-only: ALLOWED, chromium: BLOCKED

firefox: ENGINE ERROR in 3 probes: firefox is not installed here; install it with: e2ekit
    install-browsers firefox
! an expectation was not met   ~ a browser and the header-only check disagree
= a browser departs from the Fetch standard
3 scenario probes in 2 engines; header-only check: 3 ALLOWED, 0 BLOCKED
chromium  3 probes  2 passed  1 mismatched  0 engine errors  2 disagree with header-only
firefox   3 probes  0 passed  0 mismatched  3 engine errors  0 disagree with header-only
"""


def test_the_matrix_shows_a_row_per_probe_and_names_every_disagreement_with_the_header_only_check(
    outcomes: list[ProbeOutcome],
) -> None:
    assert render_matrix(outcomes, ["chromium", "firefox"], color=False) == MATRIX


def test_colors_are_green_as_expected_red_for_a_mismatch_yellow_for_a_disagreement_and_magenta_without_a_verdict(
    outcomes: list[ProbeOutcome],
) -> None:
    lines = render_matrix(outcomes, ["chromium", "firefox"], color=True).splitlines()

    assert lines[1] == (
        "wildcard-with-credentials:0  \033[2mGET /api credentials=include\033[0m  \033[33mBLOCKED  \033[0m  "
        "\033[35mENGINE ERROR\033[0m  \033[33mALLOWED\033[0m"
    )
    assert lines[2] == "\033[33m  ~ header-only: ALLOWED, chromium: BLOCKED\033[0m"
    assert lines[3] == (
        "wildcard-with-credentials:1  \033[2mGET /api                    \033[0m  \033[32mALLOWED  \033[0m  "
        "\033[35mENGINE ERROR\033[0m  ALLOWED"
    )
    assert lines[4] == (
        "custom-header-preflight:0    \033[2mPUT /api +X-Token           \033[0m  \033[31mBLOCKED !\033[0m  "
        "\033[35mENGINE ERROR\033[0m  \033[33mALLOWED\033[0m"
    )
    assert lines[5] == "\033[31m  ! chromium: expected ALLOWED, got BLOCKED\033[0m"
    assert lines[-2] == (
        "chromium  3 probes  \033[32m2 passed\033[0m  \033[31m1 mismatched\033[0m  0 engine errors  "
        "\033[33m2 disagree with header-only\033[0m"
    )


def test_an_engine_without_outcomes_shows_a_dash_in_every_row_and_zero_probes_in_the_summary(
    outcomes: list[ProbeOutcome],
) -> None:
    chromium_only = [outcome for outcome in outcomes if outcome.engine == "chromium"]

    lines = render_matrix(chromium_only, ["chromium", "webkit"], color=False).splitlines()

    assert lines[0] == "scenario probe               request                       chromium   webkit  header-only"
    assert lines[1] == "wildcard-with-credentials:0  GET /api credentials=include  BLOCKED    -       ALLOWED"
    assert lines[-1] == "webkit    0 probes  0 passed  0 mismatched  0 engine errors  0 disagree with header-only"


def test_long_scenario_ids_are_shortened_in_the_middle_so_every_line_fits_in_100_columns(
    outcomes: list[ProbeOutcome],
) -> None:
    long_id = "cookie-samesite-none-without-secure-from-a-cross-site-page-with-credentials"
    renamed = [
        dataclasses.replace(outcome, scenario=dataclasses.replace(outcome.scenario, id=long_id))
        for outcome in outcomes
        if outcome.scenario.id == "wildcard-with-credentials"
    ]

    lines = render_matrix(renamed, ["chromium", "firefox", "webkit"], color=False).splitlines()

    assert max(len(line) for line in lines) == 100
    assert lines[0] == (
        "scenario probe                             request       chromium  firefox       webkit  header-only"
    )
    assert lines[1] == (
        "cookie-samesite-none…e-with-credentials:0  GET /api cr…  BLOCKED   ENGINE ERROR  -       ALLOWED"
    )
    assert lines[3] == (
        "cookie-samesite-none…e-with-credentials:1  GET /api      ALLOWED   ENGINE ERROR  -       ALLOWED"
    )


def test_control_characters_in_a_probe_path_are_shown_as_escapes_so_the_terminal_never_receives_them() -> None:
    outcomes = control_character_outcomes()

    matrix = render_matrix(outcomes, ["chromium", "firefox"], color=False)
    colored = render_matrix(outcomes, ["chromium", "firefox"], color=True).splitlines()

    assert "\x1b" not in matrix and "\x07" not in matrix
    assert matrix.splitlines()[:6] == [
        "scenario probe        request                   chromium   firefox       header-only",
        "control-characters:0  GET /api/\\x1b[31mred\\x07  ALLOWED !  ENGINE ERROR  ALLOWED",
        "  ! chromium: expected BLOCKED, got ALLOWED",
        "",
        "firefox: ENGINE ERROR in 1 probe: firefox crashed while fetching /api/\\x1b[31mred\\x07",
        "! an expectation was not met   ~ a browser and the header-only check disagree",
    ]
    assert colored[1] == (
        "control-characters:0  \033[2mGET /api/\\x1b[31mred\\x07\033[0m  \033[31mALLOWED !\033[0m  "
        "\033[35mENGINE ERROR\033[0m  ALLOWED"
    )
