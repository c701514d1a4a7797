"""The audit's result as text, JSON and HTML: rendering needs no browser, so the result is built here, with the
generator's real hostile origins (quotes, brackets, backticks and all)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from e2ekit import AuditResult, Finding, Severity, UsageError
from e2ekit._audit.attempts import AttemptKind
from e2ekit._audit.findings import EngineVerdict, SkippedCase
from e2ekit._audit.header_view import HeaderView
from e2ekit._audit.hostile import CATEGORIES, hostile_origins
from e2ekit._audit.result import EngineSummary
from e2ekit._reports.audit_files import check_audit_paths, write_audit_reports
from e2ekit._reports.audit_html import render_audit_html

HOSTILE = tuple(hostile_origins(["https://app.example.com"]))
QUOTED = 'https://app.example.com".evil.example'
REQUEST = "GET /api, credentials include"


def finding(origin: str, severity: Severity = Severity.CRITICAL) -> Finding:
    hostile = next(h for h in HOSTILE if h.origin == origin)
    return Finding(
        severity=severity,
        origin=origin,
        category=hostile.category,
        category_title=CATEGORIES[hostile.category],
        derived_from=hostile.derived_from,
        why=hostile.why,
        kind=AttemptKind.CREDENTIALED_READ,
        request=REQUEST,
        target_url="https://api.example.com/api",
        verdicts=(EngineVerdict("chromium", True, False, 200), EngineVerdict("webkit", True, True, 200)),
        skipped_in=("firefox",),
        response_headers=(("access-control-allow-origin", origin), ("access-control-allow-credentials", "true")),
        header_view=HeaderView(origin, "/api", 200, origin, "true"),
        summary=f"a page on {origin} read a response to a request made with the user's cookies",
        fix="list the allowed origins exactly in allow_origins instead of '*': ['https://app.example.com']",
    )


def result(*findings: Finding) -> AuditResult:
    skipped = tuple(
        SkippedCase(h.origin, h.category, CATEGORIES[h.category], ("chromium", "webkit"), (REQUEST,), "unservable")
        for h in HOSTILE
        if h.category == "special-characters-extended"
    )
    return AuditResult(
        allowed=("https://app.example.com",),
        target="https://api.example.com",
        framework="Starlette CORSMiddleware",
        hostile=HOSTILE,
        findings=findings,
        skipped=skipped,
        engines=(
            EngineSummary("chromium", "156.0", "playwright", 72, 96),
            EngineSummary("webkit", "2.50", "webdriver", 72, 96),
        ),
        engine_errors={"firefox": "firefox failed to start"},
    )


def test_the_text_puts_the_findings_first_groups_the_skipped_cases_and_ends_with_the_summary() -> None:
    text = str(result(finding("https://evil.example")))

    blocks = text.split("\n\n")
    assert blocks[0].splitlines() == [
        "CRITICAL credentialed read from https://evil.example (An unrelated site (origin reflection)): "
        "GET /api, credentials include -> https://api.example.com/api",
        "  a page on https://evil.example read a response to a request made with the user's cookies",
        "  why: origin reflection: an echo of any Origin trusts every site",
        "  engines: allowed in chromium, webkit; skipped in firefox; cookie sent in webkit, not in chromium",
        "  response: access-control-allow-origin: https://evil.example; access-control-allow-credentials: true",
        "  header-only: reports a credentialed read (status 200, access-control-allow-origin: https://evil.example, "
        "access-control-allow-credentials: true)",
        "  fix: list the allowed origins exactly in allow_origins instead of '*': ['https://app.example.com']",
    ]
    assert blocks[1].startswith('SKIPPED https://app.example.com-.evil.example, https://app.example.com".evil')
    assert blocks[1].endswith(
        " (The allowed host followed by another special character) in chromium, webkit, "
        "GET /api, credentials include: unservable"
    )
    assert blocks[2] == "firefox: ENGINE ERROR: firefox failed to start"
    assert blocks[3] == (
        f"e2ekit audit: 1 critical, 0 informational, 0 differences; {len(HOSTILE)} hostile origins against "
        "https://api.example.com; chromium: 72 tried, 96 skipped; webkit: 72 tried, 96 skipped"
    )


def test_assert_no_critical_fails_with_the_critical_findings_only() -> None:
    audited = result(finding("https://evil.example"), finding("null", Severity.INFORMATIONAL))

    with pytest.raises(AssertionError) as raised:
        audited.assert_no_critical()

    message = str(raised.value)
    assert message.startswith(
        "e2ekit audit: 1 critical finding(s)\nCRITICAL credentialed read from https://evil.example"
    )
    assert "from null" not in message
    result(finding("null", Severity.INFORMATIONAL)).assert_no_critical()


def test_the_html_report_escapes_every_hostile_origin(tmp_path: Path) -> None:
    html = render_audit_html(result(finding(QUOTED)))

    assert QUOTED not in html
    assert "https://app.example.com&#34;.evil.example" in html
    assert "<code>https://app.example.com&lt;" not in html  # nothing the generator makes needs it; none slipped in
    assert "<title>e2ekit audit: 1 critical finding</title>" in html
    assert "https://app.example.com`.evil.example" in html  # a backtick is plain text in HTML


def test_the_json_report_has_its_format_and_no_timestamp_so_two_writes_are_identical(tmp_path: Path) -> None:
    audited = result(finding("https://evil.example"))

    first = write_audit_reports(audited, tmp_path / "one")["json"].read_text()
    second = write_audit_reports(audited, tmp_path / "two")["json"].read_text()

    assert first == second
    report = json.loads(first)
    assert (report["format"], report["version"]) == ("e2ekit-audit", 1)
    extended = sum(h.category == "special-characters-extended" for h in HOSTILE)
    assert report["counts"] == {"critical": 1, "informational": 0, "difference": 0, "skipped": extended}
    assert report["findings"][0]["cookie_sent_in"] == ["webkit"]
    assert report["engine_errors"] == {"firefox": "firefox failed to start"}


def test_a_symbolic_link_planted_at_a_report_file_is_refused_before_the_run(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").write_text("")
    (tmp_path / "audit.json").symlink_to(tmp_path / "elsewhere")

    with pytest.raises(UsageError) as raised:
        check_audit_paths(tmp_path)

    assert str(raised.value) == (
        f'report file "{tmp_path / "audit.json"}" is a symbolic link: expected a plain file, which e2ekit replaces'
    )
