"""The scenario keys that pin the explanation: ``check`` (the Fetch-standard check the model names) and ``caveats``
(what the page gets besides the verdict, per engine where engines differ), read and validated like every key."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2ekit import ScenarioError
from e2ekit._probing.result import Verdict
from e2ekit._scenarios.loader import read_scenarios
from e2ekit._scenarios.model import ScenarioProbe

HEAD = '[[scenario]]\nid = "x"\ntitle = "t"\n[[scenario.probe]]\nexpect = "allowed"\n'


def read(tmp_path: Path, text: str) -> ScenarioProbe:
    path = tmp_path / "scenarios" / "x.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    [scenario] = read_scenarios(path)
    return scenario.probes[0]


def test_caveats_for_every_engine_or_by_engine_and_a_check_are_read(tmp_path: Path) -> None:
    every = read(tmp_path, HEAD + 'caveats = ["cookie.samesite"]\ncheck = "preflight.redirect"\n')
    by_engine = read(tmp_path, HEAD + 'caveats = { default = [], webkit = ["cookie.secure-over-http"] }\n')

    assert (every.check, every.expected_caveats("firefox")) == ("preflight.redirect", ("cookie.samesite",))
    assert by_engine.expected_caveats("chromium") == ()
    assert by_engine.expected_caveats("webkit") == ("cookie.secure-over-http",)
    assert ScenarioProbe(every.probe, {"default": Verdict.ALLOWED}).expected_caveats("webkit") is None


@pytest.mark.parametrize(
    ("key", "message"),
    [
        pytest.param(
            'check = "preflight.redirected"',
            'check = "preflight.redirected": expected a check identifier of e2ekit._standard.Check, e.g. '
            '"preflight.redirect"',
            id="unknown-check",
        ),
        pytest.param(
            'caveats = ["cookie.lax"]',
            "caveats = [\"cookie.lax\"]: expected caveat identifiers of e2ekit._standard.CaveatKind, not 'cookie.lax'",
            id="unknown-caveat",
        ),
        pytest.param(
            "caveats = { safari = [] }",
            'caveats.safari = []: expected an engine name (chromium, firefox, webkit) or "default"',
            id="unknown-engine",
        ),
        pytest.param(
            "caveats = { webkit = [] }",
            'caveats = { webkit = [] }: expected a "default" key, or a list for each of chromium, firefox, webkit',
            id="no-default",
        ),
        pytest.param(
            'caveats = "cookie.samesite"',
            'caveats = "cookie.samesite": expected a list of caveat identifiers such as ["cookie.samesite"], or a '
            'table by engine such as { default = [], webkit = ["cookie.secure-over-http"] }',
            id="not-a-list",
        ),
    ],
)
def test_a_wrong_check_or_caveat_is_one_line_naming_the_key_and_what_was_expected(
    tmp_path: Path, key: str, message: str
) -> None:
    with pytest.raises(ScenarioError) as raised:
        read(tmp_path, HEAD + key + "\n")

    assert str(raised.value).endswith(f"x.toml: [x] {message}")


def test_a_cookie_is_set_by_the_target_unless_set_on_names_the_page(tmp_path: Path) -> None:
    text = (
        '[[scenario]]\nid = "x"\ntitle = "t"\n[[scenario.cookie]]\nname = "sid"\nset_on = "page"\n'
        '[[scenario.cookie]]\nname = "csrf"\n[[scenario.probe]]\nexpect = "allowed"\n'
    )
    path = tmp_path / "scenarios" / "x.toml"
    path.parent.mkdir()
    path.write_text(text)

    [scenario] = read_scenarios(path)

    assert [(cookie.name, cookie.set_on) for cookie in scenario.cookies] == [("sid", "page"), ("csrf", "target")]
    path.write_text(text.replace('set_on = "page"', 'set_on = "api"'))
    with pytest.raises(ScenarioError, match='set_on = "api": expected "target" or "page"'):
        read_scenarios(path)
