"""The README's audit example does what the README says: the e2e_audit fixture fails the test with the findings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).parent.parent.parent / "README.md"

pytestmark = pytest.mark.e2e


def test_the_readme_audit_example_fails_with_the_critical_findings_in_the_report(pytester: pytest.Pytester) -> None:
    section = README.read_text().split("## Auditing hostile origins", 1)[1].split("\n## ", 1)[0]
    [example] = re.findall(r"```py\n(.*?)```", section, re.S)
    # One category keeps it short: the example's policy echoes every origin alike.
    example = example.replace('paths=["/api/me"]', 'paths=["/api/me"], categories=["arbitrary-origin"]')
    pytester.makepyfile(test_audit_example=example)

    outcome = pytester.runpytest_subprocess("--browser", "chromium", "-p", "no:cacheprovider")

    outcome.assert_outcomes(failed=1)
    outcome.stdout.fnmatch_lines(
        [
            "E * AssertionError: e2ekit audit: 1 critical finding(s)",
            "E * CRITICAL credentialed read from https://evil.example (An unrelated site (origin reflection)): "
            "GET /api/me, credentials include -> https://api.example.com/api/me",
            "*--- e2ekit audit ---*",
            "e2ekit audit: 1 critical, 0 informational, 0 differences; 1 hostile origin against "
            "https://api.example.com; chromium: 3 tried, 0 skipped",
        ]
    )
