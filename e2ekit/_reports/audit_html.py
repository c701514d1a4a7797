"""The audit's HTML report: one self-contained page with the findings, the skipped cases and the hostile origins.

``templates/audit.html.j2`` lays it out, with Jinja2 escaping every value it prints (a hostile origin may hold
quotes, brackets and backticks); the stylesheet is inlined from ``templates/`` so the one file opens offline.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from e2ekit._audit.findings import Severity
from e2ekit._audit.hostile import CATEGORIES
from e2ekit._audit.result import AuditResult
from e2ekit._reports.files import write_report_file

if TYPE_CHECKING:
    from jinja2 import Template

__all__ = ["TEMPLATE", "render_audit_html", "write_audit_html"]

TEMPLATE = "audit.html.j2"


@functools.cache
def _template() -> Template:
    # Jinja2 is imported on the first report, not with e2ekit.
    from jinja2 import Environment, PackageLoader, StrictUndefined
    from markupsafe import Markup

    loader = PackageLoader("e2ekit._reports", "templates")
    environment = Environment(
        loader=loader, autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )

    def inline(name: str) -> Markup:
        """A stylesheet of templates/ as it is (not a template)."""
        return Markup(loader.get_source(environment, name)[0])

    environment.globals.update(inline=inline)
    return environment.get_template(TEMPLATE)


def render_audit_html(result: AuditResult) -> str:
    """The whole report page."""
    critical = result.count(Severity.CRITICAL)
    engines = ", ".join(f"{e.engine} {e.version} ({e.backend})" for e in result.engines) or "none ran"
    allowed = ", ".join(result.allowed)
    run_line = (
        f"{len(result.hostile)} hostile origins against {result.target} ({result.framework}); allowed: {allowed}. "
        f"Engines: {engines}." + (" Interrupted: results so far." if result.interrupted else "")
    )
    tallies = [(str(severity), result.count(severity), severity.value) for severity in Severity]
    tallies.append(("skipped", len(result.skipped), "skipped"))
    return _template().render(
        title=f"e2ekit audit: {critical} critical finding{'s' if critical != 1 else ''}",
        run_line=run_line,
        tallies=tallies,
        findings=result.findings,
        skipped=result.skipped,
        hostile=result.hostile,
        categories=CATEGORIES,
    )


def write_audit_html(result: AuditResult, path: Path) -> None:
    """Write ``render_audit_html(result)`` to ``path`` as UTF-8."""
    write_report_file(path, render_audit_html(result))
