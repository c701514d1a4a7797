"""A virtual X display for browsers that need one (WebKitGTK) on a machine without a desktop (CI, containers)."""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import time

from e2ekit._engines.orphans import DISPLAY_FILE, remove_stale_display_files
from e2ekit._engines.processes import ProcessSession
from e2ekit._errors import EngineUnavailable

__all__ = ["XVFB_INSTALL", "XVFB_MISSING", "VirtualDisplay", "display_is_missing"]

XVFB_INSTALL = "apt-get install xvfb xauth"
XVFB_MISSING = f"WebKitGTK needs an X display, DISPLAY is not set, and Xvfb is not installed: run `{XVFB_INSTALL}`"


def display_is_missing() -> bool:
    """Whether a GTK browser started now would find no display to open (and so would hang, as WebKitGTK does)."""
    return sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")


class VirtualDisplay:
    """An Xvfb server started for one engine and stopped by ``close()``; ``name`` is its DISPLAY value."""

    def __init__(self, processes: ProcessSession, timeout: float = 10.0) -> None:
        executable = shutil.which("Xvfb")
        if executable is None:
            raise EngineUnavailable(XVFB_MISSING)
        self._log_path = os.path.join(processes.temp_dir, "xvfb.log")
        read_fd, write_fd = os.pipe()
        try:
            with open(self._log_path, "wb") as log:
                # -displayfd: Xvfb picks a free display number itself and writes it to the pipe once it accepts
                # connections, so there is neither a port to guess nor a delay to wait out.
                self._process = subprocess.Popen(
                    [executable, "-displayfd", str(write_fd), "-nolisten", "tcp", "-screen", "0", "1280x1024x24"],
                    pass_fds=(write_fd,),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    env=processes.env(),
                    # SIGTERM: Xvfb removes its lock file and socket on it, should the kit end without closing it.
                    **processes.popen_kw(die_with=signal.SIGTERM),
                )
            processes.adopt(self._process)
            processes.on_close(self.close)
            os.close(write_fd)
            write_fd = -1
            self.number = self._read_display_number(read_fd, timeout)
            # For the reaper, should the kit die before it stops this server (e2ekit._engines.orphans).
            with open(os.path.join(processes.temp_dir, DISPLAY_FILE), "w", encoding="ascii") as file:
                file.write(str(self.number))
        except BaseException:
            if write_fd >= 0:
                os.close(write_fd)
            if hasattr(self, "_process"):
                self.close()
            raise
        finally:
            os.close(read_fd)
        self.name = f":{self.number}"

    def _read_display_number(self, read_fd: int, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        text = b""
        while not text.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([read_fd], [], [], remaining)[0]:
                raise EngineUnavailable(f"Xvfb did not report a display within {timeout:.0f} s{self._log_tail()}")
            chunk = os.read(read_fd, 64)
            if not chunk:  # Xvfb exited: its end of the pipe closed
                raise EngineUnavailable(f"Xvfb exited with status {self._process.wait()}{self._log_tail()}")
            text += chunk
        return int(text)

    def _log_tail(self) -> str:
        try:
            with open(self._log_path, encoding="utf-8", errors="replace") as log:
                lines = [line.strip() for line in log if line.strip()]
        except OSError:
            return ""
        return f": {lines[-1]}" if lines else ""

    def close(self, timeout: float = 5.0) -> None:
        """Stop Xvfb: SIGTERM, on which it removes its socket (and lock file); SIGKILL if it does not exit."""
        process = self._process
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        number = getattr(self, "number", None)
        if number is not None:
            remove_stale_display_files(number)
