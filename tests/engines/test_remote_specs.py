"""Naming a Playwright browser server as an engine: the spec, the environment variable, and pools shared out among
pytest-xdist workers (issue 14). No browser starts here."""

from __future__ import annotations

from dataclasses import replace

import pytest

from e2ekit import EngineConfigError, EngineSpec, EngineSpecError
from e2ekit._engines.discovery import discover_engines
from e2ekit._engines.selection import parse_engine_specs, resolve_engine


def test_a_ws_url_after_the_engine_name_resolves_to_that_playwright_server_and_no_local_executable() -> None:
    spec = EngineSpec.parse("chromium:ws://127.0.0.1:3000/")

    plan = resolve_engine(spec, playwright_builds=lambda: pytest.fail("a remote engine needs no local build"))

    assert spec.endpoints == ("ws://127.0.0.1:3000/",)
    assert (plan.name, plan.backend, plan.executable, plan.endpoint) == (
        "chromium",
        "playwright-remote",
        None,
        "ws://127.0.0.1:3000/",
    )


def test_a_spec_shows_a_servers_url_without_its_query_which_may_hold_a_token() -> None:
    spec = EngineSpec.parse("webkit:wss://farm.example.com/playwright?token=secret")

    assert str(spec) == "webkit:wss://farm.example.com/playwright?…"
    assert spec.endpoint == "wss://farm.example.com/playwright?token=secret"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "chromium:ws://",
            'engine "chromium:ws://": "ws://" is not a Playwright server URL: expected ws://HOST:PORT/PATH or '
            'wss://HOST/PATH, e.g. "ws://127.0.0.1:3000/" for `playwright run-server --port 3000`',
            id="no-host",
        ),
        pytest.param(
            "chromium:ws://127.0.0.1:99999/",
            'engine "chromium:ws://127.0.0.1:99999/": "ws://127.0.0.1:99999/" is not a valid URL (Port out of range '
            "0-65535): expected ws://HOST:PORT/PATH",
            id="bad-port",
        ),
        pytest.param(
            "chromium:http://127.0.0.1:4444/",
            'engine "chromium:http://127.0.0.1:4444/": "http://127.0.0.1:4444/" is neither a backend (playwright, '
            "webdriver), a path to an executable nor a Playwright server (ws://HOST:PORT/)",
            id="not-ws",
        ),
    ],
)
def test_a_server_url_that_cannot_be_used_is_refused_naming_it_and_the_expected_form(text: str, message: str) -> None:
    with pytest.raises(EngineSpecError) as refused:
        EngineSpec.parse(text)

    assert str(refused.value) == message


def test_servers_named_again_for_one_engine_make_a_pool_that_workers_share_out_round_robin() -> None:
    (spec,) = parse_engine_specs(["chromium:ws://127.0.0.1:3001/", "chromium:ws://127.0.0.1:3002/"])

    assert spec.endpoints == ("ws://127.0.0.1:3001/", "ws://127.0.0.1:3002/")
    assert [replace(spec, shard=shard).endpoint for shard in range(4)] == [
        "ws://127.0.0.1:3001/",
        "ws://127.0.0.1:3002/",
        "ws://127.0.0.1:3001/",
        "ws://127.0.0.1:3002/",
    ]


def test_an_engine_named_both_locally_and_as_a_server_is_refused() -> None:
    with pytest.raises(EngineSpecError) as refused:
        parse_engine_specs(["chromium", "chromium:ws://127.0.0.1:3001/"])

    assert str(refused.value) == (
        'engine "chromium" is named more than once; name each engine once (only Playwright servers may be repeated, '
        "e.g. chromium:ws://HOST1:PORT/ chromium:ws://HOST2:PORT/)"
    )


def test_the_engines_environment_variable_may_name_servers_and_each_worker_takes_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("E2EKIT_FIREFOX", "ws://10.0.0.5:3000/ ws://10.0.0.6:3000/")

    plans = [resolve_engine(EngineSpec("firefox", shard=shard)) for shard in (0, 1)]

    assert [(plan.backend, plan.executable, plan.endpoint) for plan in plans] == [
        ("playwright-remote", None, "ws://10.0.0.5:3000/"),
        ("playwright-remote", None, "ws://10.0.0.6:3000/"),
    ]


def test_a_bad_server_url_in_the_environment_is_a_configuration_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("E2EKIT_WEBKIT", "wss://")

    with pytest.raises(EngineConfigError) as refused:
        resolve_engine(EngineSpec("webkit"))

    assert str(refused.value).startswith('webkit: E2EKIT_WEBKIT: "wss://" is not a Playwright server URL')


def test_browsers_lists_a_server_engine_with_its_endpoint_and_contacts_no_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("E2EKIT_CHROMIUM", "ws://127.0.0.1:9/?token=secret")  # port 9: nothing answers there

    chromium = next(engine for engine in discover_engines() if engine.engine == "chromium")

    assert chromium.to_json() == {
        "engine": "chromium",
        "backend": "playwright-remote",
        "executable": None,
        "version": None,
        "available": True,
        "driver": None,
        "install_command": None,
        "reason": None,
        "endpoint": "ws://127.0.0.1:9/?…",
    }
