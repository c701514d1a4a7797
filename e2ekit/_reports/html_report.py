"""The HTML report: one self-contained file with the summary on top and a matrix of cells that open.

This module prepares what the page shows; ``templates/report.html.j2`` lays it out. Jinja2 escapes every value the
template prints (console messages hold quotes and < >, scenario titles may hold markup), and the stylesheet and
script are inlined from ``templates/`` so the one file opens offline.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from e2ekit._probing.exchange import Exchange
from e2ekit._probing.result import ProbeResult, Verdict
from e2ekit._reports.files import write_report_file
from e2ekit._reports.rows import (
    ProbeRow,
    baseline_label,
    counted,
    engine_error_text,
    engine_infos,
    engine_tallies,
    interruption_text,
    ordered_engines,
    probe_rows,
)
from e2ekit._scenarios.outcome import ProbeOutcome

if TYPE_CHECKING:
    from jinja2 import Template

__all__ = ["EngineCell", "MatrixRow", "Tally", "WireRow", "cell_kind", "is_web_link", "render_html", "write_html"]

TEMPLATE = "report.html.j2"
_MARKS = {"pass": "✓", "mismatch": "✗", "error": "!", "interrupted": "–"}
# Request headers that make or answer a CORS decision; the rest (user-agent, accept, ...) would bury them.
_CORS_REQUEST_HEADERS = ("origin", "access-control-request-method", "access-control-request-headers")
_ANSWERS = "access-control-"


def cell_kind(outcome: ProbeOutcome) -> str:
    """The cell's colour class: ``error`` (no verdict), ``interrupted`` (the run stopped first), ``mismatch`` (an
    expectation not met) or ``pass``."""
    if engine_error_text(outcome) is not None:
        return "error"
    if interruption_text(outcome) is not None:
        return "interrupted"
    return "mismatch" if outcome.mismatches else "pass"


def is_web_link(url: str | None) -> bool:
    """Only http(s) sources become links: a ``javascript:`` URL in a scenario file must not run in the report."""
    return url is not None and url.startswith(("https://", "http://"))


@dataclass(frozen=True)
class Tally:
    """A summary card: each count is (label, value, CSS class); the template greys a zero so the others stand out."""

    name: str
    subtitle: str
    counts: tuple[tuple[str, int, str], ...]


@dataclass(frozen=True)
class WireRow:
    """One exchange in a panel's wire table, CORS headers only: ``→`` sent by the browser, ``←`` answered."""

    kind: str
    request: str
    status: str
    headers: tuple[str, ...]
    answered: bool
    """Whether the response carried any ``access-control-*`` header."""
    cookie: str | None

    @classmethod
    def of(cls, exchange: Exchange) -> WireRow:
        status = "no response" if exchange.status is None else str(exchange.status)
        if exchange.response_body and len(exchange.response_body) <= 80:
            status += f" {exchange.response_body}"
        if exchange.error:
            status += f"; the app raised {exchange.error}"
        sent = [f"→ {name}: {value}" for name, value in exchange.request_headers if name in _CORS_REQUEST_HEADERS]
        answered = [f"← {name}: {value}" for name, value in exchange.response_headers if name.startswith(_ANSWERS)]
        target = exchange.path + (f"?{exchange.query}" if exchange.query else "")
        return cls(
            kind="preflight" if exchange.is_preflight else "request",
            request=f"{exchange.method} {target}",
            status=status,
            headers=(*sent, *answered),
            answered=bool(answered),
            cookie=exchange.cookie,
        )


@dataclass(frozen=True)
class EngineCell:
    """One engine's cell in a matrix row, and the panel its detail row holds."""

    outcome: ProbeOutcome
    detail_id: str
    kind: str
    error: str | None
    """Why the engine produced no verdict (``engine_error_text``), or None."""
    interruption: str | None = None
    """Why there is no verdict when the run was stopped first (``interruption_text``), or None."""

    @property
    def result(self) -> ProbeResult | None:
        return self.outcome.result

    @property
    def mark(self) -> str:
        return _MARKS[self.kind]

    @property
    def note(self) -> str:
        """The line under the verdict: the engine error's first line, or what was missed."""
        outcome = self.outcome
        if self.error is not None:
            return self.error.partition("\n")[0]
        if self.interruption is not None:
            return "the run was stopped first"
        if not outcome.mismatches:
            return ""
        # A wrong verdict says what was expected; otherwise the verdict was right and a wire expectation failed.
        if outcome.verdict is not outcome.expected:
            return f"expected {outcome.expected}"
        return f"{counted(len(outcome.mismatches), 'expectation')} not met"

    @property
    def caveats(self) -> str:
        """The identifiers of what the page gets besides the verdict, comma-separated ("" for none)."""
        explanation = self.result.explanation if self.result is not None else None
        return ", ".join(caveat.kind for caveat in explanation.caveats) if explanation is not None else ""

    @property
    def caveat_badge(self) -> str:
        """``? 1 caveat``, ``? 2 caveats``; "" for none."""
        count = len(self.caveats.split(", ")) if self.caveats else 0
        return f"? {counted(count, 'caveat')}" if count else ""

    @property
    def where(self) -> str:
        """The result's first line: verdict, engine, request, origins, credentials and duration."""
        return str(self.result).partition("\n")[0]

    @property
    def wire(self) -> list[WireRow]:
        return [] if self.result is None else [WireRow.of(exchange) for exchange in self.result.exchanges]


@dataclass(frozen=True)
class MatrixRow:
    """A scenario probe's row: a cell per engine (None where the engine has no outcome) and the header-only cell."""

    probe_row: ProbeRow
    number: int
    cells: tuple[EngineCell | None, ...]

    @property
    def baseline_id(self) -> str:
        return f"detail-{self.number}-baseline"

    @property
    def baseline_label(self) -> str:
        return baseline_label(self.probe_row.baseline)

    @property
    def disagreeing(self) -> str:
        """The engines whose verdict the header-only check contradicts, comma-separated ("" for none)."""
        return ", ".join(outcome.engine for outcome in self.probe_row.disagreeing)

    @property
    def expects(self) -> str:
        expect = dict(self.probe_row.probe.expect)
        default = expect.pop("default", None)
        by_engine = [f"{engine}: {verdict}" for engine, verdict in sorted(expect.items())]
        return "; ".join(([f"expects {default}"] if default else []) + by_engine)

    @property
    def problem(self) -> bool:
        """Whether the filter keeps the row: a mismatch, an engine error or a disagreement."""
        kinds = {cell.kind for cell in self.cells if cell is not None}
        return bool(self.probe_row.disagreement) or bool(kinds - {"pass"})


def _matrix_row(number: int, row: ProbeRow, engines: list[str]) -> MatrixRow:
    cells = []
    for column, engine in enumerate(engines):
        outcome = row.cells.get(engine)
        cell = None
        if outcome is not None:
            kind, error, stopped = cell_kind(outcome), engine_error_text(outcome), interruption_text(outcome)
            cell = EngineCell(outcome, f"detail-{number}-{column}", kind, error, stopped)
        cells.append(cell)
    return MatrixRow(row, number, tuple(cells))


def _tallies(outcomes: Sequence[ProbeOutcome], engines: list[str], rows: list[ProbeRow]) -> list[Tally]:
    infos = engine_infos(outcomes)
    tallies = []
    for tally in engine_tallies(outcomes, engines):
        info = infos[tally.engine]
        counts: tuple[tuple[str, int, str], ...] = (
            ("probes", tally.probes, "probes"),
            ("passed", tally.passed, "passed"),
            ("mismatched", tally.mismatched, "mismatched"),
            ("engine errors", tally.engine_errors, "errors"),
            ("disagree with header-only", tally.disagreements, "disagreements"),
        )
        if tally.interrupted:
            counts += (("interrupted", tally.interrupted, "interrupted"),)
        subtitle = "did not run" if info is None else f"{info.version} ({info.backend})"
        tallies.append(Tally(tally.engine, subtitle, counts))
    allowed = sum(row.baseline.verdict is Verdict.ALLOWED for row in rows)
    disagreements = sum(bool(row.disagreement) for row in rows)
    verdicts = (
        ("ALLOWED", allowed, "probes"),
        ("BLOCKED", len(rows) - allowed, "probes"),
        ("disagree with a browser", disagreements, "disagreements"),
    )
    return [*tallies, Tally("header-only", "test client, no browser", verdicts)]


def _run_line(outcomes: Sequence[ProbeOutcome], engines: list[str], rows: list[ProbeRow]) -> str:
    infos = engine_infos(outcomes)
    ran = ", ".join(
        f"{engine} (did not run)" if (info := infos[engine]) is None else f"{engine} {info.version} ({info.backend})"
        for engine in engines
    )
    scenarios = counted(len({row.scenario.id for row in rows}), "scenario")
    return f"{counted(len(rows), 'scenario probe')} from {scenarios}. Engines: {ran}."


@functools.cache
def _template() -> Template:
    # Jinja2 is imported on the first report, not with e2ekit: most runs of the pytest plugin write no report.
    from jinja2 import Environment, PackageLoader, StrictUndefined
    from markupsafe import Markup

    loader = PackageLoader("e2ekit._reports", "templates")
    environment = Environment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    def inline(name: str) -> Markup:
        """A file of templates/ as it is: the stylesheet and script are not templates, so ``{#`` in them is safe."""
        return Markup(loader.get_source(environment, name)[0])

    environment.globals.update(inline=inline, is_web_link=is_web_link)
    return environment.get_template(TEMPLATE)


def render_html(outcomes: Sequence[ProbeOutcome]) -> str:
    """The whole report page."""
    engines = ordered_engines(outcomes)
    rows = probe_rows(outcomes)
    mismatched = sum(cell_kind(outcome) == "mismatch" for outcome in outcomes)
    return _template().render(
        title=f"e2ekit report: {counted(len(rows), 'probe')}, {mismatched} mismatched",
        run_line=_run_line(outcomes, engines, rows),
        tallies=_tallies(outcomes, engines, rows),
        engines=engines,
        rows=[_matrix_row(number, row, engines) for number, row in enumerate(rows)],
    )


def write_html(outcomes: Sequence[ProbeOutcome], path: Path) -> None:
    """Write ``render_html(outcomes)`` to ``path`` as UTF-8."""
    write_report_file(path, render_html(outcomes))
