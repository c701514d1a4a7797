"""Naming a Playwright browser server or a WebDriver endpoint as an engine: the spec, the environment variable, and
pools shared out among pytest-xdist workers (issue 14). No browser starts, and nothing is contacted, here."""

from __future__ import annotations

from dataclasses import replace

import pytest

from e2ekit import EngineConfigError, EngineSpec, EngineSpecError
from e2ekit._engines.discovery import discover_engines
from e2ekit._engines.exposure import EXPOSE_VARIABLE
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
            "chromium:ftp://127.0.0.1:4444/",
            'engine "chromium:ftp://127.0.0.1:4444/": "ftp://127.0.0.1:4444/" is neither a backend (playwright, '
            "webdriver), a path to an executable, a Playwright server (ws://HOST:PORT/) nor a WebDriver endpoint "
            "(http://HOST:PORT/)",
            id="another-scheme",
        ),
        pytest.param(
            "firefox:http://",
            'engine "firefox:http://": "http://" is not a WebDriver endpoint URL: expected http://HOST:PORT/PATH or '
            'https://HOST/PATH, e.g. "http://127.0.0.1:4444" for a Selenium Grid',
            id="webdriver-without-host",
        ),
        pytest.param(
            "firefox:http://127.0.0.1:70000/",
            'engine "firefox:http://127.0.0.1:70000/": "http://127.0.0.1:70000/" is not a valid URL (Port out of '
            "range 0-65535): expected http://HOST:PORT/PATH",
            id="webdriver-bad-port",
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
        'engine "chromium" is named more than once; name each engine once (only endpoints may be repeated, '
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


def test_an_http_url_after_the_engine_name_resolves_to_that_webdriver_endpoint_and_no_local_driver() -> None:
    spec = EngineSpec.parse("webkit:http://127.0.0.1:4444/wd/hub")

    plan = resolve_engine(spec, playwright_builds=lambda: pytest.fail("a remote engine needs no local build"))

    assert (plan.name, plan.backend, plan.executable, plan.endpoint) == (
        "webkit",
        "webdriver-remote",
        None,
        "http://127.0.0.1:4444/wd/hub",
    )
    assert plan.webdriver is not None
    assert (plan.webdriver.product, plan.webdriver.endpoint, plan.webdriver.needs_display) == (
        "webkit",
        "http://127.0.0.1:4444/wd/hub",
        False,
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "[::1]"])
def test_a_webdriver_endpoint_on_loopback_needs_no_exposure(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EXPOSE_VARIABLE, raising=False)

    plan = resolve_engine(EngineSpec.parse(f"firefox:http://{host}:4444"))

    assert (plan.backend, plan.endpoint) == ("webdriver-remote", f"http://{host}:4444")


def test_a_webdriver_endpoint_beyond_loopback_is_refused_unless_the_runs_origins_are_exposed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = EngineSpec.parse("firefox:https://user:key@grid.example.com/wd/hub")
    monkeypatch.delenv(EXPOSE_VARIABLE, raising=False)
    with pytest.raises(EngineConfigError) as refused:
        resolve_engine(spec)
    monkeypatch.setenv(EXPOSE_VARIABLE, "10.0.0.5:8899")  # only read here: nothing listens until an engine starts

    plan = resolve_engine(spec)

    assert str(refused.value) == (
        "firefox: the WebDriver endpoint https://…@grid.example.com/wd/hub is not on loopback, so its browser cannot "
        "reach the kit's origins, which listen on loopback only: set E2EKIT_EXPOSE=ADDRESS[:PORT] (--e2e-expose), an "
        'address of this machine that the browser reaches or the near end of a tunnel (docs/scaling.md, "Remote '
        'WebDriver")'
    )
    assert (plan.backend, plan.endpoint) == ("webdriver-remote", "https://user:key@grid.example.com/wd/hub")
    assert str(spec) == "firefox:https://…@grid.example.com/wd/hub"


def test_webdriver_endpoints_named_again_make_a_pool_that_workers_share_out_round_robin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (spec,) = parse_engine_specs(["firefox:http://127.0.0.1:4441", "firefox:http://127.0.0.1:4442"])
    monkeypatch.setenv("E2EKIT_WEBKIT", "http://127.0.0.1:4443 http://127.0.0.1:4444")

    plans = [resolve_engine(replace(spec, shard=shard)) for shard in range(3)]
    webkit = [resolve_engine(EngineSpec("webkit", shard=shard)).endpoint for shard in (0, 1)]

    assert [(plan.backend, plan.endpoint) for plan in plans] == [
        ("webdriver-remote", "http://127.0.0.1:4441"),
        ("webdriver-remote", "http://127.0.0.1:4442"),
        ("webdriver-remote", "http://127.0.0.1:4441"),
    ]
    assert webkit == ["http://127.0.0.1:4443", "http://127.0.0.1:4444"]


def test_a_pool_that_mixes_playwright_servers_and_webdriver_endpoints_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(EngineSpecError) as refused:
        parse_engine_specs(["chromium:ws://127.0.0.1:3001/", "chromium:http://127.0.0.1:4444"])
    monkeypatch.setenv("E2EKIT_FIREFOX", "ws://127.0.0.1:3001/ http://127.0.0.1:4444")
    with pytest.raises(EngineConfigError) as misconfigured:
        resolve_engine(EngineSpec("firefox"))

    assert str(refused.value) == (
        'engine "chromium": ws://127.0.0.1:3001/ http://127.0.0.1:4444 mixes Playwright servers (ws://) and WebDriver '
        "endpoints (http://); give endpoints of one kind"
    )
    assert str(misconfigured.value) == (
        "firefox: E2EKIT_FIREFOX: ws://127.0.0.1:3001/ http://127.0.0.1:4444 mixes Playwright servers (ws://) and "
        "WebDriver endpoints (http://); give endpoints of one kind"
    )


def test_browsers_lists_a_webdriver_endpoint_engine_with_its_endpoint_and_contacts_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("E2EKIT_FIREFOX", "http://127.0.0.1:9/wd/hub")  # port 9: nothing answers there
    monkeypatch.setenv("E2EKIT_WEBKIT", "http://192.0.2.1:4444")  # beyond loopback, and no exposure
    monkeypatch.delenv(EXPOSE_VARIABLE, raising=False)

    engines = {engine.engine: engine.to_json() for engine in discover_engines()}

    assert engines["firefox"] == {
        "engine": "firefox",
        "backend": "webdriver-remote",
        "executable": None,
        "version": None,
        "available": True,
        "driver": None,
        "install_command": None,
        "reason": None,
        "endpoint": "http://127.0.0.1:9/wd/hub",
    }
    assert (engines["webkit"]["available"], engines["webkit"]["install_command"]) == (False, None)
    assert engines["webkit"]["reason"].startswith("webkit: the WebDriver endpoint http://192.0.2.1:4444 is not on")
