"""``--fetch-timeout`` is checked before any browser starts: a value that is no number of seconds above 0 (at most an
hour) is bad input, exit 2 with one line; ``Session(fetch_timeout=...)`` refuses it the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2ekit import Session, Topology, UsageError
from e2ekit._cli import main

SCENARIO = """
[[scenario]]
id = "one"
title = "A scenario that never runs"
[[scenario.probe]]
path = "/api"
expect = "allowed"
"""


@pytest.mark.parametrize("command", ["check", "run"])
@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "3601"])
def test_a_fetch_timeout_that_is_not_seconds_above_zero_is_bad_input_in_one_line(
    command: str, value: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "one.toml").write_text(SCENARIO)
    target = ["tests.apps:wildcard_app"] if command == "check" else [str(tmp_path)]

    code = main([command, *target, "--fetch-timeout", value, "--browser", "chromium"])

    assert code == 2
    shown = format(float(value), "g")
    assert capsys.readouterr().err == (
        f"e2ekit: error: --fetch-timeout {shown}: expected a number of seconds above 0, at most 3600\n"
    )


def test_a_session_refuses_a_fetch_timeout_of_zero() -> None:
    with Topology() as topology, pytest.raises(UsageError) as caught:
        Session(None, topology, fetch_timeout=0)  # type: ignore[arg-type]  # refused before the engine is used
    assert str(caught.value) == "fetch_timeout must be a number of seconds above 0 and at most 3600, not 0"
