"""Playwright's own browser builds: which are installed here, and which browser version each one is."""

from __future__ import annotations

import json
import os
import threading
from functools import cache
from importlib.util import find_spec

from playwright.sync_api import Error, sync_playwright

from e2ekit._engines.base import ENGINE_NAMES

__all__ = ["installed_playwright_builds", "playwright_build_version"]


def installed_playwright_builds() -> dict[str, str]:
    """Engine name -> executable, for each of Playwright's own builds that is installed (takes ~0.4 s)."""
    found: dict[str, str] = {}
    failure: list[Error] = []

    def look() -> None:
        try:
            with sync_playwright() as playwright:
                for name in ENGINE_NAMES:
                    path = getattr(playwright, name).executable_path
                    if os.path.exists(path):
                        found[name] = path
        except Error as error:
            failure.append(error)

    # On a thread of its own: Playwright's sync API refuses a thread that runs an asyncio loop, and the caller's
    # thread may (a pytest-asyncio test, or a Playwright user on the main thread).
    thread = threading.Thread(target=look, name="e2ekit-playwright-builds")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return found


def playwright_build_version(name: str) -> str | None:
    """The browser version of Playwright's build of ``name``, from the browsers.json its driver ships."""
    return _build_versions().get(name)


@cache
def _build_versions() -> dict[str, str]:
    spec = find_spec("playwright")
    if spec is None or spec.origin is None:
        return {}
    path = os.path.join(os.path.dirname(spec.origin), "driver", "package", "browsers.json")
    try:
        with open(path, encoding="utf-8") as file:
            browsers = json.load(file)["browsers"]
    except (OSError, ValueError, KeyError):
        return {}
    return {entry["name"]: entry["browserVersion"] for entry in browsers if entry.get("browserVersion")}
