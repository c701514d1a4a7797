"""Report files: checked before a run (so a bad path costs nothing) and written without following a planted link."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from e2ekit._errors import UsageError
from e2ekit._scenarios.outcome import ProbeOutcome

__all__ = ["REPORT_FILES", "check_report_paths", "write_report_file", "write_reports"]

REPORT_FILES = {"json": "report.json", "junit": "report.xml", "html": "report.html"}


def check_report_paths(directory: Path | None = None, files: Iterable[Path] = ()) -> None:
    """Raise UsageError, naming the path, for a report directory or file e2ekit could not write: checked before the
    browsers run, so that their results are not lost at the end."""
    targets = [*(() if directory is None else (directory / name for name in REPORT_FILES.values())), *files]
    if directory is not None and directory.exists() and not directory.is_dir():
        raise UsageError(f'report directory "{directory}" is a file: expected a directory (created if missing)')
    for path in targets:
        _check_writable(path)


def _check_writable(path: Path) -> None:
    if path.is_symlink():
        raise UsageError(f'report file "{path}" is a symbolic link: expected a plain file, which e2ekit replaces')
    if path.is_dir():
        raise UsageError(f'report file "{path}" is a directory: expected a file name, e.g. "{path / "report"}"')
    parent = _existing_parent(path.parent)
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f'report file "{path}" is not writable')
    if not path.exists() and (not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK)):
        raise UsageError(f'report file "{path}" cannot be created: "{parent}" is not a writable directory')


def _existing_parent(directory: Path) -> Path:
    """The nearest existing ancestor: e2ekit creates the missing folders below it."""
    while not directory.exists() and directory != directory.parent:
        directory = directory.parent
    return directory


def write_report_file(path: Path, content: str | bytes) -> None:
    """Write ``content`` to ``path``, creating its folder; never through a symbolic link planted at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as file:
        file.write(data)


def write_reports(outcomes: Sequence[ProbeOutcome], directory: Path) -> dict[str, Path]:
    """Write report.json, report.xml and report.html into ``directory`` (created if missing); return their paths."""
    from e2ekit._reports.html_report import write_html
    from e2ekit._reports.json_report import write_json
    from e2ekit._reports.junit_report import write_junit

    paths = {kind: directory / name for kind, name in REPORT_FILES.items()}
    write_json(outcomes, paths["json"])
    write_junit(outcomes, paths["junit"])
    write_html(outcomes, paths["html"])
    return paths
