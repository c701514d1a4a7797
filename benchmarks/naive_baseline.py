"""The naive way to run a scenario corpus, as hand-written browser tests do: a fresh context and page per probe.

For a Playwright-driven engine that is pytest-playwright's pattern: one browser, then for every test
``browser.new_context()``, ``new_page()``, ``goto`` and the fetch. For a WebDriver-driven engine the closest
equivalent in one driver session is a new window per probe in a new user context where WebDriver BiDi offers one
(Firefox: isolated cookies and caches, as a Playwright context), else a new window whose cookies are deleted after
the probe (WebKitGTK). Both serve the apps through e2ekit's servers and run e2ekit's own probe function, so only the
browser-side strategy differs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from playwright.sync_api import Browser, sync_playwright

from e2ekit._engines.playwright import SYSTEM_CHROMIUM_ARGS, find_system_chromium
from e2ekit._engines.probe_script import PROBE_FUNCTION, WEBDRIVER_PROBE_SCRIPT, ProbeCall
from e2ekit._engines.selection import EngineSpec
from e2ekit._engines.webdriver import WebDriverEngine
from e2ekit._engines.worker import launch_engine
from e2ekit._probing.session import probe_payload
from e2ekit._scenarios.runner import LOGIN_PATH, PreparedScenario
from e2ekit._serving.marker import add_marker
from e2ekit._serving.page import OPAQUE_QUERY, PAGE_PATH
from e2ekit._serving.topology import Topology

__all__ = ["run_naively"]

TIMEOUT_MS = 10_000


def run_naively(prepared: Sequence[PreparedScenario], spec: EngineSpec, topology: Topology) -> list[bool]:
    """Every probe of ``prepared`` in a fresh context (or window), in order; returns whether each was allowed."""
    plan = [(item, index) for item in prepared for index in range(len(item.scenario.probes))]
    worker = launch_engine(spec)
    try:
        uses_webdriver = worker.info.backend == "webdriver"
    finally:
        if worker.info.backend != "webdriver":
            worker.close()
    if uses_webdriver:
        try:
            return [
                worker.call(
                    lambda engine, item=item, index=index: _in_new_window(engine, item, index, topology),  # type: ignore[misc]
                    60,
                    "run a probe",
                )
                for item, index in plan
            ]
        finally:
            worker.close()
    return _with_playwright(spec.name, plan, topology)


def _urls(item: PreparedScenario, index: int, topology: Topology) -> tuple[str, str | None, ProbeCall]:
    """The page URL, the login URL (if the scenario sets cookies) and the probe payload, each marked for routing."""
    marker, _ = topology.router.register(item.app)
    page = f"{item.page}{PAGE_PATH}" + (f"?{OPAQUE_QUERY}" if item.scenario.opaque_page else "")
    target = item.page if item.target_argument == "same-origin" else item.target
    login = add_marker(f"{item.target}{LOGIN_PATH}", marker) if item.scenario.cookies else None
    probe = item.scenario.probes[index].probe
    return page, login, probe_payload(probe, add_marker(f"{target}{probe.path}", marker), marker)


def _with_playwright(name: str, plan: list[tuple[PreparedScenario, int]], topology: Topology) -> list[bool]:
    with sync_playwright() as playwright:
        browser_type = getattr(playwright, name)
        options: dict[str, Any] = {"headless": True}
        if not os.path.exists(browser_type.executable_path):
            # The same fallback as e2ekit's Playwright backend: the system's Chromium.
            options.update(executable_path=find_system_chromium(), args=list(SYSTEM_CHROMIUM_ARGS))
        browser = browser_type.launch(**options)
        try:
            return [_in_new_context(browser, item, index, topology) for item, index in plan]
        finally:
            browser.close()


def _in_new_context(browser: Browser, item: PreparedScenario, index: int, topology: Topology) -> bool:
    page_url, login, payload = _urls(item, index, topology)
    context = browser.new_context()
    try:
        page = context.new_page()
        if login:
            page.goto(login)
        page.goto(page_url)
        outcome: list[dict[str, Any]] = page.evaluate(PROBE_FUNCTION, [payload])
        return bool(outcome[0]["allowed"])
    finally:
        context.close()


def _in_new_window(engine: Any, item: PreparedScenario, index: int, topology: Topology) -> bool:
    assert isinstance(engine, WebDriverEngine)
    driver = engine.driver
    page_url, login, payload = _urls(item, index, topology)
    first = driver.current_window_handle
    user_context = driver.browser.create_user_context() if engine.browser.bidi else None
    if user_context is not None:
        driver.switch_to.window(driver.browsing_context.create(type="window", user_context=user_context))
    else:
        driver.switch_to.new_window("window")
    try:
        if login:
            driver.get(login)
        driver.get(page_url)
        outcome = driver.execute_async_script(WEBDRIVER_PROBE_SCRIPT, [payload])
        if login and user_context is None:
            driver.delete_all_cookies()  # a window without its own user context shares the cookie jar
        return bool(outcome[0]["allowed"])
    finally:
        driver.close()
        driver.switch_to.window(first)
        if user_context is not None:
            driver.browser.remove_user_context(user_context)
