"""The audit's JSON report: the full result with a format name and version, keys sorted, no timestamp (so the
reports of two identical runs diff cleanly)."""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from e2ekit._audit.result import AuditResult
from e2ekit._reports.files import write_report_file

__all__ = ["AUDIT_FORMAT", "AUDIT_VERSION", "audit_json", "write_audit_json"]

AUDIT_FORMAT = "e2ekit-audit"
AUDIT_VERSION = 1
"""Raised when a field changes meaning or goes away."""


def audit_json(result: AuditResult) -> dict[str, Any]:
    try:
        kit: str | None = version("e2ekit")
    except PackageNotFoundError:  # run from a source tree that was never installed
        kit = None
    return {"format": AUDIT_FORMAT, "version": AUDIT_VERSION, "e2ekit": kit, **result.to_json()}


def write_audit_json(result: AuditResult, path: Path) -> None:
    text = json.dumps(audit_json(result), indent=2, sort_keys=True, ensure_ascii=False)
    write_report_file(path, text + "\n")
