"""The HTML report: one self-contained file with the summary on top and a matrix of cells that open."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from e2ekit._engines.base import EngineInfo
from e2ekit._reports.html_assets import REPORT_CSS, REPORT_JS
from e2ekit._reports.html_panels import baseline_panel, cell_kind, engine_panel, is_web_link
from e2ekit._reports.rows import (
    EngineTally,
    ProbeRow,
    baseline_label,
    counted,
    engine_error_text,
    engine_infos,
    engine_tallies,
    ordered_engines,
    probe_rows,
)
from e2ekit._scenarios.outcome import ProbeOutcome

__all__ = ["render_html", "write_html"]

_MARKS = {"pass": "✓", "mismatch": "✗", "error": "!"}


def _card(name: str, subtitle: str, counts: list[tuple[str, int, str]]) -> str:
    """A summary card; each count is (label, value, CSS class), and a zero is greyed so the others stand out."""
    items = "".join(
        f'<dt>{escape(label)}</dt><dd class="{kind if value else "zero"}">{value}</dd>' for label, value, kind in counts
    )
    return (
        f'<div class="tally" data-engine="{escape(name)}"><h2>{escape(name)}<small>{escape(subtitle)}</small></h2>'
        f"<dl>{items}</dl></div>"
    )


def _engine_card(tally: EngineTally, info: EngineInfo | None) -> str:
    return _card(
        tally.engine,
        "did not run" if info is None else f"{info.version} ({info.backend})",
        [
            ("probes", tally.probes, "probes"),
            ("passed", tally.passed, "passed"),
            ("mismatched", tally.mismatched, "mismatched"),
            ("engine errors", tally.engine_errors, "errors"),
            ("disagree with header-only", tally.disagreements, "disagreements"),
        ],
    )


def _baseline_card(rows: list[ProbeRow]) -> str:
    passes = sum(row.baseline.passed for row in rows)
    disagreements = sum(bool(row.disagreement) for row in rows)
    counts = [("PASS", passes, "probes"), ("FAIL", len(rows) - passes, "probes")]
    return _card(
        "header-only", "test client, no browser", [*counts, ("disagree with a browser", disagreements, "disagreements")]
    )


def _summary(outcomes: Sequence[ProbeOutcome], engines: list[str], rows: list[ProbeRow]) -> str:
    infos = engine_infos(outcomes)
    ran = ", ".join(
        f"{engine} (did not run)" if (info := infos[engine]) is None else f"{engine} {info.version} ({info.backend})"
        for engine in engines
    )
    probes = counted(len(rows), "scenario probe")
    scenarios = counted(len({row.scenario.id for row in rows}), "scenario")
    cards = "".join(_engine_card(tally, infos[tally.engine]) for tally in engine_tallies(outcomes, engines))
    return (
        f'<p class="run">{probes} from {scenarios}. Engines: {escape(ran)}.</p>'
        f'<div class="tallies">{cards}{_baseline_card(rows)}</div>'
    )


_CONTROLS = (
    '<div class="controls">'
    '<span><span class="swatch pass"></span>expectation met</span>'
    '<span><span class="swatch mismatch"></span>expectation not met</span>'
    '<span><span class="swatch error"></span>engine error</span>'
    '<span><span class="swatch disagree"></span>browser and header-only check disagree</span>'
    '<label><input type="checkbox" id="only-problems"> only probes with a mismatch, an error or a disagreement</label>'
    "</div>"
)


def _expects(row: ProbeRow) -> str:
    expect = dict(row.probe.expect)
    default = expect.pop("default", None)
    by_engine = [f"{engine}: {verdict}" for engine, verdict in sorted(expect.items())]
    return "; ".join(([f"expects {default}"] if default else []) + by_engine)


def _row_heading(row: ProbeRow) -> str:
    scenario = row.scenario
    source = ""
    if scenario.source and is_web_link(scenario.source):
        source = f' <a class="source" href="{escape(scenario.source)}">source ↗</a>'
    note = f" · {escape(row.probe.note)}" if row.probe.note else ""
    return (
        f'<th scope="row"><span class="scenario" title="{escape(scenario.file)}">{escape(scenario.id)}</span>'
        f'<span class="index">:{row.index}</span>{source}'
        f'<div class="title">{escape(scenario.title)}{note}</div>'
        f'<div class="request">{escape(row.description)} <span class="expects">· {escape(_expects(row))}</span></div></th>'
    )


def _engine_cell(outcome: ProbeOutcome, detail_id: str) -> str:
    kind = cell_kind(outcome)
    disagree = " disagree" if outcome.disagrees_with_baseline else ""
    note = ""
    if kind == "error":
        note = str(engine_error_text(outcome)).partition("\n")[0]
    elif kind == "mismatch":
        # A wrong verdict says what was expected; otherwise the verdict was right and a wire expectation failed.
        verdict_missed = outcome.verdict.value.lower() != outcome.expected
        missed = f"{counted(len(outcome.mismatches), 'expectation')} not met"
        note = f"expected {outcome.expected}" if verdict_missed else missed
    badge = '<span class="badge">≠ header-only</span>' if disagree else ""
    return (
        f'<td><button type="button" class="cell {kind}{disagree}" aria-expanded="false" aria-controls="{detail_id}">'
        f'<span class="verdict"><span class="mark" aria-hidden="true">{_MARKS[kind]}</span>'
        f"{escape(str(outcome.verdict))}</span>"
        + (f'<span class="note" title="{escape(note)}">{escape(note)}</span>' if note else "")
        + f"{badge}</button></td>"
    )


def _baseline_cell(row: ProbeRow, detail_id: str) -> str:
    disagreeing = [outcome.engine for outcome in row.disagreeing]
    badge = f'<span class="badge">≠ {escape(", ".join(disagreeing))}</span>' if disagreeing else ""
    return (
        f'<td><button type="button" class="cell baseline{" disagree" if disagreeing else ""}" aria-expanded="false" '
        f'aria-controls="{detail_id}"><span class="verdict">{baseline_label(row.baseline)}</span>{badge}</button></td>'
    )


def _detail_row(detail_id: str, span: int, panel: str) -> str:
    return f'<tr class="detail" id="{detail_id}" hidden><td colspan="{span}">{panel}</td></tr>'


def _probe_group(number: int, row: ProbeRow, engines: list[str]) -> str:
    """A ``<tbody>`` holding the matrix row and its hidden detail rows, so the filter hides them together."""
    span = len(engines) + 2
    cells, details = [], []
    for column, engine in enumerate(engines):
        outcome = row.cells.get(engine)
        if outcome is None:
            cells.append('<td><button type="button" class="cell missing" disabled>not run</button></td>')
            continue
        detail_id = f"detail-{number}-{column}"
        cells.append(_engine_cell(outcome, detail_id))
        details.append(_detail_row(detail_id, span, engine_panel(outcome, row)))
    baseline_id = f"detail-{number}-baseline"
    cells.append(_baseline_cell(row, baseline_id))
    details.append(_detail_row(baseline_id, span, baseline_panel(row)))
    problem = bool(row.disagreement) or any(cell_kind(outcome) != "pass" for outcome in row.cells.values())
    return (
        f'<tbody class="probe" data-probe="{escape(row.label)}" data-problem="{str(problem).lower()}">'
        f'<tr class="probe-row">{_row_heading(row)}{"".join(cells)}</tr>{"".join(details)}</tbody>'
    )


def render_html(outcomes: Sequence[ProbeOutcome]) -> str:
    """The whole report page; every text from the run is escaped, since console messages hold quotes and < >."""
    engines = ordered_engines(outcomes)
    rows = probe_rows(outcomes)
    mismatched = sum(cell_kind(outcome) == "mismatch" for outcome in outcomes)
    head = "".join(f"<th>{escape(name)}</th>" for name in ["scenario probe", *engines, "header-only"])
    groups = "".join(_probe_group(number, row, engines) for number, row in enumerate(rows))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>e2ekit report: {counted(len(rows), 'probe')}, {mismatched} mismatched</title>"
        f"<style>{REPORT_CSS}</style></head>"
        f"<body><header><h1>CORS in real browsers</h1>{_summary(outcomes, engines, rows)}{_CONTROLS}</header>"
        f'<main><table class="matrix"><thead><tr>{head}</tr></thead>{groups}</table></main>'
        f"<script>{REPORT_JS}</script></body></html>\n"
    )


def write_html(outcomes: Sequence[ProbeOutcome], path: Path) -> None:
    """Write ``render_html(outcomes)`` to ``path`` as UTF-8."""
    path.write_text(render_html(outcomes), encoding="utf-8")
