"""The audit's report files, audit.json and audit.html: checked before any browser starts, written safely."""

from __future__ import annotations

from pathlib import Path

from e2ekit._audit.result import AuditResult
from e2ekit._errors import UsageError
from e2ekit._reports.files import check_report_paths

__all__ = ["AUDIT_FILES", "check_audit_paths", "write_audit_reports"]

AUDIT_FILES = {"json": "audit.json", "html": "audit.html"}


def check_audit_paths(directory: Path | None) -> None:
    """Raise UsageError, naming the path, for a report directory e2ekit could not write the audit's files into."""
    if directory is None:
        return
    if directory.exists() and not directory.is_dir():
        raise UsageError(f'report directory "{directory}" is a file: expected a directory (created if missing)')
    check_report_paths(None, [directory / name for name in AUDIT_FILES.values()])


def write_audit_reports(result: AuditResult, directory: Path) -> dict[str, Path]:
    """Write audit.json and audit.html into ``directory`` (created if missing); return their paths."""
    from e2ekit._reports.audit_html import write_audit_html
    from e2ekit._reports.audit_json import write_audit_json

    paths = {kind: directory / name for kind, name in AUDIT_FILES.items()}
    write_audit_json(result, paths["json"])
    write_audit_html(result, paths["html"])
    return paths
