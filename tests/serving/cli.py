"""Running ``e2ekit`` as users run it: the command line in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def e2ekit(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "e2ekit._cli", *args]
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )
