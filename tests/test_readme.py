"""The README's pytest example does what the README says it does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"


def test_the_readme_pytest_example_fails_in_chromium_with_the_wildcard_message_it_shows(
    pytester: pytest.Pytester,
) -> None:
    [example] = [
        block for block in re.findall(r"```python\n(.*?)```", README.read_text(), re.S) if "def test_" in block
    ]
    pytester.makepyfile(test_readme_example=example)

    outcome = pytester.runpytest_subprocess("--browser", "chromium", "-p", "no:cacheprovider")

    outcome.assert_outcomes(failed=1)
    outcome.stdout.fnmatch_lines(
        [
            "*--- e2ekit results ---*",
            "BLOCKED in chromium * (playwright): GET http://127.0.0.1:*/api/me from http://localhost:3000 (cross-site), credentials include, * ms",
            "  console: Access to fetch at 'http://127.0.0.1:*/api/me' from origin 'http://localhost:3000' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.",
        ]
    )
