"""The HTML report: what it displays and what opening a cell shows, in a real Chromium; its escaping, from the file."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, sync_playwright

from e2ekit import EngineSpec, EngineUnavailable
from e2ekit._engines.selection import resolve_engine
from e2ekit._reports import write_html
from e2ekit._scenarios.outcome import ProbeOutcome
from tests.reports.sample_run import FIREFOX_ERROR, PAGE, PREFLIGHT_CONSOLE, WILDCARD

QUIET_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def report_browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    """Chromium as e2ekit resolves it, driven from the test thread; under --e2e-require-engines a missing one fails."""
    try:
        executable = resolve_engine(EngineSpec("chromium")).executable
    except EngineUnavailable as missing:
        if request.config.getoption("e2e_require_engines"):
            pytest.fail(f"the HTML report is tested in Chromium, which is required here: {missing}", pytrace=False)
        pytest.skip(str(missing))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=QUIET_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def report_page(report_browser: Browser) -> Iterator[Page]:
    """A fresh page of the report browser."""
    page = report_browser.new_page(viewport={"width": 1280, "height": 900})
    yield page
    page.close()


def open_report(page: Page, outcomes: list[ProbeOutcome], path: Path) -> Page:
    write_html(outcomes, path)
    page.goto(path.as_uri())
    return page


@pytest.fixture
def report(report_page: Page, outcomes: list[ProbeOutcome], tmp_path: Path) -> Page:
    """The HTML report of ``outcomes``, loaded from its file."""
    return open_report(report_page, outcomes, tmp_path / "report.html")


GREEN, RED, VIOLET = "rgb(220, 252, 231)", "rgb(254, 226, 226)", "rgb(237, 233, 254)"
AMBER, WHITE = "rgb(254, 243, 199)", "rgb(255, 255, 255)"
HEADER_ONLY_LINES = ["ALLOWED: status 200, access-control-allow-origin: *", "header-only: ALLOWED, chromium: BLOCKED"]
AMBER_RING = "rgb(245, 158, 11) 0px 0px 0px 2px inset"


def style(locator: Locator, name: str) -> str:
    return str(locator.evaluate(f"element => getComputedStyle(element).{name}"))


def matrix_cells(page: Page, probe: str) -> Locator:
    return page.locator(f'tbody[data-probe="{probe}"] tr.probe-row button.cell')


def test_the_report_shows_the_summary_and_a_green_red_or_violet_cell_for_each_probe_in_each_engine(
    report: Page,
) -> None:
    assert report.title() == "e2ekit report: 3 probes, 1 mismatched"
    assert report.locator("p.run").inner_text() == (
        "3 scenario probes from 2 scenarios. Engines: chromium 156.0.8078.108 (playwright), firefox (did not run)."
    )
    assert report.locator('.tally[data-engine="chromium"] h2').inner_text() == "chromium156.0.8078.108 (playwright)"
    assert report.locator('.tally[data-engine="chromium"] dd').all_inner_texts() == ["3", "2", "1", "0", "2"]
    assert report.locator('.tally[data-engine="firefox"] dd').all_inner_texts() == ["3", "0", "0", "3", "0"]
    assert report.locator('.tally[data-engine="header-only"] dd').all_inner_texts() == ["3", "0", "2"]
    assert report.locator("thead th").all_inner_texts() == ["SCENARIO PROBE", "CHROMIUM", "FIREFOX", "HEADER-ONLY"]
    assert matrix_cells(report, "wildcard-with-credentials:0").all_inner_texts() == [
        "✓BLOCKED\n≠ header-only",
        f"!ENGINE ERROR\n{FIREFOX_ERROR}",
        "ALLOWED\n≠ chromium",
    ]
    assert matrix_cells(report, "wildcard-with-credentials:1").all_inner_texts() == [
        "✓ALLOWED",
        f"!ENGINE ERROR\n{FIREFOX_ERROR}",
        "ALLOWED",
    ]
    assert matrix_cells(report, "custom-header-preflight:0").all_inner_texts() == [
        "✗BLOCKED\nexpected ALLOWED\n≠ header-only",
        f"!ENGINE ERROR\n{FIREFOX_ERROR}",
        "ALLOWED\n≠ chromium",
    ]

    blocked, unavailable, header_only = matrix_cells(report, "wildcard-with-credentials:0").all()
    assert [style(blocked, "backgroundColor"), style(blocked, "boxShadow")] == [GREEN, AMBER_RING]
    assert style(unavailable, "backgroundColor") == VIOLET
    assert [style(header_only, "backgroundColor"), style(header_only, "boxShadow")] == [AMBER, AMBER_RING]
    allowed, _, agreeing = matrix_cells(report, "wildcard-with-credentials:1").all()
    assert [style(allowed, "backgroundColor"), style(allowed, "boxShadow")] == [GREEN, "none"]
    assert [style(agreeing, "backgroundColor"), style(agreeing, "boxShadow")] == [WHITE, "none"]
    assert style(matrix_cells(report, "custom-header-preflight:0").first, "backgroundColor") == RED


def test_opening_a_red_cell_shows_the_mismatch_the_console_the_javascript_error_and_the_wire(
    report: Page, tmp_path: Path
) -> None:
    red = matrix_cells(report, "custom-header-preflight:0").first
    panel = report.locator("#" + str(red.get_attribute("aria-controls")))
    assert panel.is_hidden()

    red.click()

    assert panel.is_visible()
    assert red.get_attribute("aria-expanded") == "true"
    assert panel.locator("h3").inner_text() == "custom-header-preflight:0 in chromium: BLOCKED"
    assert panel.locator("p.where").inner_text() == (
        "BLOCKED in chromium 156.0.8078.108 (playwright): PUT http://127.0.0.1:41002/api from http://localhost:41001 "
        "(cross-site), credentials same-origin, 11 ms"
    )
    assert panel.locator(".mismatches li").all_inner_texts() == ["expected ALLOWED, got BLOCKED"]
    assert panel.locator("section.console pre").all_inner_texts() == list(PREFLIGHT_CONSOLE)
    assert panel.locator("section.javascript").inner_text() == "JAVASCRIPT\nTypeError: Failed to fetch"
    assert panel.locator("section.why p").all_inner_texts() == [
        "the preflight response's status was 400, not an ok status (200-299) [preflight.status-not-ok]",
        "Fix: add 'PUT' to allow_methods",
    ]
    assert panel.locator("section.header-only p").all_inner_texts() == HEADER_ONLY_LINES
    wire = panel.locator("table.wire tr")
    assert wire.count() == 2
    assert wire.nth(1).locator("td").all_inner_texts() == [
        "preflight",
        "OPTIONS /api",
        "400 Disallowed CORS method, headers",
        "\n".join(
            [
                "→ access-control-request-method: PUT",
                "→ access-control-request-headers: x-token",
                f"→ origin: {PAGE}",
                "← access-control-allow-origin: *",
                "← access-control-allow-methods: GET",
                "← access-control-max-age: 600",
                "← access-control-allow-headers: Accept, Accept-Language, Content-Language, Content-Type",
            ]
        ),
        "none",
    ]
    report.screenshot(path=tmp_path / "report.png", full_page=True)
    assert (tmp_path / "report.png").read_bytes().startswith(b"\x89PNG")

    red.click()

    assert panel.is_hidden()


def test_opening_the_header_only_cell_shows_its_verdict_and_the_browser_that_disagrees(report: Page) -> None:
    header_only = matrix_cells(report, "wildcard-with-credentials:0").last

    header_only.click()

    panel = report.locator("#" + str(header_only.get_attribute("aria-controls")))
    assert panel.is_visible()
    assert panel.locator("h3").inner_text() == "wildcard-with-credentials:0: header-only check ALLOWED"
    assert panel.locator("section.header-only p").all_inner_texts() == HEADER_ONLY_LINES


def test_each_row_links_its_source_report_and_shows_the_scenario_title_as_text(report: Page) -> None:
    wildcard = report.locator('tbody[data-probe="wildcard-with-credentials:0"] th[scope=row]')
    assert wildcard.locator("a.source").get_attribute("href") == "https://example.org/reports/wildcard-with-credentials"
    assert wildcard.locator(".title").inner_text() == 'Wildcard origin with credentials <b>"include"</b>'
    assert wildcard.locator("b").count() == 0
    assert report.locator('tbody[data-probe="custom-header-preflight:0"] a.source').count() == 0


def test_the_filter_leaves_only_probes_with_a_mismatch_an_error_or_a_disagreement(
    report_page: Page, outcomes: list[ProbeOutcome], tmp_path: Path
) -> None:
    chromium_only = [outcome for outcome in outcomes if outcome.engine == "chromium"]
    report = open_report(report_page, chromium_only, tmp_path / "report.html")
    only_problems = report.get_by_label("only probes with a mismatch, an error or a disagreement")

    only_problems.check()

    shown = [group.get_attribute("data-probe") for group in report.locator("tbody.probe").all() if group.is_visible()]
    assert shown == ["wildcard-with-credentials:0", "custom-header-preflight:0"]

    only_problems.uncheck()

    assert report.locator("tbody.probe:visible").count() == 3


def test_the_file_loads_nothing_from_elsewhere_and_links_no_source_that_is_not_a_web_address(
    outcome_by_id: dict[str, ProbeOutcome], tmp_path: Path
) -> None:
    hostile = dataclasses.replace(
        outcome_by_id["wildcard-with-credentials:1:chromium"],
        scenario=dataclasses.replace(WILDCARD, source="javascript:alert(1)"),
    )
    path = tmp_path / "report.html"
    write_html([hostile], path)

    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<link" not in text and " src=" not in text and "url(" not in text
    assert "href=" not in text
    assert "from javascript:alert(1)</p>" in text


def test_every_text_from_the_run_is_escaped_so_a_console_message_or_a_title_cannot_add_markup(
    outcome_by_id: dict[str, ProbeOutcome], tmp_path: Path
) -> None:
    outcome = outcome_by_id["custom-header-preflight:0:chromium"]
    assert outcome.result is not None
    hostile = dataclasses.replace(
        outcome,
        scenario=dataclasses.replace(outcome.scenario, title='<img src=x onerror="alert(1)">'),
        result=dataclasses.replace(outcome.result, console=("</pre><script>alert('console')</script>",)),
        mismatches=("expected <b>allowed</b> & got BLOCKED",),
    )
    path = tmp_path / "report.html"
    write_html([hostile], path)

    text = path.read_text(encoding="utf-8")
    assert text.count("<script>") == 1  # the report's own
    assert "<img" not in text and "<b>" not in text
    assert '<div class="title">&lt;img src=x onerror=&#34;alert(1)&#34;&gt; · expects too much</div>' in text
    assert "<pre>&lt;/pre&gt;&lt;script&gt;alert(&#39;console&#39;)&lt;/script&gt;</pre>" in text
    assert "<li>expected &lt;b&gt;allowed&lt;/b&gt; &amp; got BLOCKED</li>" in text


def test_importing_the_reports_leaves_jinja2_unloaded_until_a_report_is_written(tmp_path: Path) -> None:
    code = (
        "import sys, pathlib, e2ekit._reports as reports; loaded = 'jinja2' in sys.modules; "
        f"reports.write_html([], pathlib.Path({str(tmp_path / 'report.html')!r})); "
        "print(loaded, 'jinja2' in sys.modules)"
    )

    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert finished.stdout == "False True\n"
