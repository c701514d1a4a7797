"""Firefox's warm start: the start-up caches of one session's profile, saved once Firefox quit, start the next
session's, and nothing else of the profile is carried over."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from e2ekit import EngineSpec, Probe, Session, Topology, Verdict, launch_engine
from e2ekit._engines.firefox_profile import WARM_ENTRIES, FirefoxProfile, start_cache_directory
from e2ekit._engines.webdriver import WebDriverEngine
from tests.apps import cors_app
from tests.engines.availability import require_webdriver_backend

pytestmark = pytest.mark.e2e


def test_a_profile_starts_with_the_caches_a_finished_session_kept_and_with_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    executable = tmp_path / "firefox"
    executable.write_text("a stand-in: only its path, size and time of change key the caches")
    first = FirefoxProfile(str(executable), str(tmp_path / "first"))
    for entry in WARM_ENTRIES:
        if entry == "startupCache":
            (Path(first.directory) / entry).mkdir()
        else:
            (Path(first.directory) / entry).write_text(entry)
    (Path(first.directory) / "startupCache" / "startupCache.8.little").write_bytes(b"compiled")
    (Path(first.directory) / "cookies.sqlite").write_bytes(b"a cookie")

    first.keep_caches()
    second = FirefoxProfile(str(executable), str(tmp_path / "second"))

    assert (first.warm, second.warm) == (False, True)
    assert sorted(os.listdir(second.directory)) == sorted(WARM_ENTRIES)
    assert (Path(second.directory) / "startupCache" / "startupCache.8.little").read_bytes() == b"compiled"
    assert Path(start_cache_directory()).parent == tmp_path / "cache" / "e2ekit"


def test_a_profile_without_every_cache_entry_saves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    executable = tmp_path / "firefox"
    executable.write_text("stand-in")
    first = FirefoxProfile(str(executable), str(tmp_path / "first"))
    (Path(first.directory) / "compatibility.ini").touch()  # Firefox was killed before it wrote the rest

    first.keep_caches()

    assert FirefoxProfile(str(executable), str(tmp_path / "second")).warm is False


def test_the_second_firefox_session_starts_warm_and_judges_as_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pytestconfig: pytest.Config
) -> None:
    require_webdriver_backend(pytestconfig, "firefox")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    app = cors_app(allow_origins=["*"])
    warm = []
    verdicts = []
    with Topology() as topology:
        for _ in range(2):
            worker = launch_engine(EngineSpec("firefox", backend="webdriver"))
            try:
                engine = worker.call(lambda e: e, 10, "name the engine")
                assert isinstance(engine, WebDriverEngine) and engine._profile is not None
                warm.append(engine._profile.warm)
                with Session(worker, topology) as session:
                    verdicts.append(session.run(app, [Probe("/api")])[0].verdict)
            finally:
                worker.close()

    assert warm == [False, True]
    assert verdicts == [Verdict.ALLOWED, Verdict.ALLOWED]
    assert len(os.listdir(start_cache_directory())) == 1
