"""The terminal matrix: a row per scenario probe, a column per engine and one for the header-only check."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from e2ekit._probing.result import Verdict
from e2ekit._reports.rows import (
    ProbeRow,
    baseline_label,
    counted,
    engine_error_text,
    engine_tallies,
    interruption_text,
    probe_rows,
)
from e2ekit._scenarios.outcome import ProbeOutcome
from e2ekit._standard import caveat_named

__all__ = ["HEADER_ONLY", "MATRIX_WIDTH", "cell_label", "render_matrix", "visible"]

MATRIX_WIDTH = 100
"""Columns the matrix fits in: a CI log or a terminal beside an editor."""
HEADER_ONLY = "header-only"
MISMATCH_MARK = " !"
GAP = "  "
MIN_TEXT_WIDTH = 12
"""The probe and request columns are shortened to fit, never below this."""

GREEN, RED, YELLOW, MAGENTA, BOLD, DIM = "32", "31", "33", "35", "1", "2"

# C0 controls, DEL and C1 controls: a terminal acts on them (ESC starts a colour or cursor sequence, BEL rings, CR
# returns to the start of the line), so a scenario file or a response could repaint the matrix or forge a line of it.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
# textwrap turns these into spaces itself; a note keeps doing so rather than showing "\n".
_SPACES = str.maketrans(dict.fromkeys("\t\n\v\f\r", " "))


def visible(text: str) -> str:
    """``text`` with each control character written as its escape (ESC as ``\\x1b``, a newline as ``\\n``)."""
    return _CONTROLS.sub(lambda control: control.group().encode("unicode_escape").decode("ascii"), text)


def cell_label(outcome: ProbeOutcome) -> str:
    """``ALLOWED``, ``BLOCKED``, ``ENGINE ERROR`` or ``INTERRUPTED``; marked with `` !`` when an expectation was not
    met."""
    marked = bool(outcome.mismatches) and engine_error_text(outcome) is None
    return str(outcome.verdict) + (MISMATCH_MARK if marked else "")


def cell_color(outcome: ProbeOutcome) -> str:
    """Magenta: no verdict; dim: the run stopped first; red: an expectation not met; yellow: the header-only check
    says otherwise."""
    if engine_error_text(outcome) is not None:
        return MAGENTA
    if interruption_text(outcome) is not None:
        return DIM
    if outcome.mismatches:
        return RED
    return YELLOW if outcome.disagrees_with_baseline else GREEN


def _paint(text: str, code: str | None, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color and code else text


def _wrapped(text: str, code: str, color: bool, indent: str = "") -> list[str]:
    # Notes are wrapped, not clipped: the end of an error is often the command that fixes it.
    lines = textwrap.wrap(
        visible(text.translate(_SPACES)),
        MATRIX_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "    ",
        break_on_hyphens=False,
        break_long_words=False,
    )
    return [_paint(line, code, color) for line in lines]


def _clip_end(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _clip_middle(text: str, width: int) -> str:
    # Scenario ids share prefixes ("wildcard-...") and end in the probe index, so both ends carry meaning.
    if len(text) <= width:
        return text
    tail = (width - 1) // 2
    return text[: width - 1 - tail] + "…" + text[len(text) - tail :]


def _text_widths(rows: list[ProbeRow], room: int) -> tuple[int, int]:
    """Widths of the probe and request columns within ``room``; the request gives way first."""
    label = max([len("scenario probe"), *(len(visible(row.label)) for row in rows)])
    request = max([len("request"), *(len(visible(row.description)) for row in rows)])
    if label + len(GAP) + request > room:
        request = max(MIN_TEXT_WIDTH, room - len(GAP) - label)
    if label + len(GAP) + request > room:
        label = max(MIN_TEXT_WIDTH, room - len(GAP) - request)
    return label, request


def render_matrix(outcomes: Sequence[ProbeOutcome], engines: Sequence[str], *, color: bool) -> str:
    """The matrix, the notes under rows that need them, engine errors, a legend and the summary per engine."""
    # Outcomes of engines the caller did not ask for would make rows with no cell to show.
    outcomes = [outcome for outcome in outcomes if outcome.engine in engines]
    rows = probe_rows(outcomes)
    columns = [*engines, HEADER_ONLY]
    widths = {
        engine: max(
            [len(visible(engine)), *(len(cell_label(row.cells[engine])) for row in rows if engine in row.cells)]
        )
        for engine in engines
    }
    widths[HEADER_ONLY] = len(HEADER_ONLY)
    room = MATRIX_WIDTH - sum(widths.values()) - len(GAP) * len(columns)
    label_width, request_width = _text_widths(rows, room)

    def line(cells: list[tuple[str, str | None]]) -> str:
        cells = [(visible(text), code) for text, code in cells]
        texts = [
            f"{_clip_middle(cells[0][0], label_width):<{label_width}}",
            f"{_clip_end(cells[1][0], request_width):<{request_width}}",
            *(f"{text:<{widths[column]}}" for (text, _), column in zip(cells[2:-1], columns)),
        ]
        texts.append(cells[-1][0])  # the last column is not padded: no trailing spaces
        painted = [_paint(text, code, color) for text, (_, code) in zip(texts, cells)]
        return GAP.join(painted).rstrip()

    lines = [line([(title, BOLD) for title in ("scenario probe", "request", *columns)])]
    for row in rows:
        cells: list[tuple[str, str | None]] = [(row.label, None), (row.description, DIM)]
        for engine in engines:
            outcome = row.cells.get(engine)
            cells.append(("-", DIM) if outcome is None else (cell_label(outcome), cell_color(outcome)))
        cells.append((baseline_label(row.baseline), YELLOW if row.disagreement else None))
        lines.append(line(cells))
        lines += _row_notes(row, color)
    lines.append("")
    lines += _engine_error_lines(outcomes, engines, color)
    lines.append(_paint("! an expectation was not met   ~ a browser and the header-only check disagree", DIM, color))
    departs = "= a browser departs from the Fetch standard"
    if _has_caveats(outcomes):
        departs += "   ? what the page gets besides the verdict, and its fix"
    lines.append(_paint(departs, DIM, color))
    lines += _summary_lines(outcomes, engines, rows, color)
    return "\n".join(lines) + "\n"


def _row_notes(row: ProbeRow, color: bool) -> list[str]:
    notes = []
    for engine, outcome in row.cells.items():
        if outcome.mismatches and engine_error_text(outcome) is None:
            notes += _wrapped(f"! {engine}: {'; '.join(outcome.mismatches)}", RED, color, indent="  ")
    if row.disagreement:
        notes += _wrapped(f"~ {row.disagreement}", YELLOW, color, indent="  ")
    for engine, outcome in row.cells.items():
        explanation = outcome.result.explanation if outcome.result is not None else None
        if outcome.disagrees_with_model and explanation is not None:
            predicted = "ALLOWED" if explanation.allowed else "BLOCKED"
            check = f" ({explanation.check})" if explanation.check else ""
            note = f"= {engine}: {outcome.verdict}; the Fetch standard predicts {predicted}{check}"
            notes += _wrapped(f"{note}: {explanation.engine_behaviour}", DIM, color, indent="  ")
    for text, engines in _caveats(row).items():
        notes += _wrapped(f"? {', '.join(engines)}: {text}", DIM, color, indent="  ")
    return notes


def _caveats(row: ProbeRow) -> dict[str, list[str]]:
    """Each caveat of the row's results as ``<identifier>: <fix>``, with the engines that have it."""
    found: dict[str, list[str]] = {}
    for engine, outcome in row.cells.items():
        explanation = outcome.result.explanation if outcome.result is not None else None
        for caveat in explanation.caveats if explanation is not None else ():
            text = f"{caveat.kind}: {caveat.fix or caveat_named(caveat.kind).description}"
            found.setdefault(text, []).append(engine)
    return found


def _has_caveats(outcomes: Sequence[ProbeOutcome]) -> bool:
    return any(
        outcome.result is not None and outcome.result.explanation is not None and outcome.result.explanation.caveats
        for outcome in outcomes
    )


def _engine_error_lines(outcomes: Sequence[ProbeOutcome], engines: Sequence[str], color: bool) -> list[str]:
    # An engine that could not start fails every probe with the same message: say it once, with a count.
    counts: dict[tuple[str, str], int] = {}
    for outcome in outcomes:
        error = engine_error_text(outcome)
        if error is not None:
            key = (outcome.engine, error.partition("\n")[0])
            counts[key] = counts.get(key, 0) + 1
    lines = []
    for (engine, error), count in sorted(counts.items(), key=lambda item: (engines.index(item[0][0]), item[0][1])):
        lines += _wrapped(f"{engine}: ENGINE ERROR in {counted(count, 'probe')}: {error}", MAGENTA, color)
    for engine in engines:
        stopped = [text for outcome in outcomes if outcome.engine == engine and (text := interruption_text(outcome))]
        if stopped:
            why = stopped[0].removeprefix("interrupted: ")
            lines += _wrapped(f"{engine}: INTERRUPTED in {counted(len(stopped), 'probe')}: {why}", DIM, color)
    return lines


def _summary_lines(
    outcomes: Sequence[ProbeOutcome], engines: Sequence[str], rows: list[ProbeRow], color: bool
) -> list[str]:
    allowed = sum(row.baseline.verdict is Verdict.ALLOWED for row in rows)
    probes = f"{counted(len(rows), 'scenario probe')} in {counted(len(engines), 'engine')}"
    totals = f"{probes}; header-only check: {allowed} ALLOWED, {len(rows) - allowed} BLOCKED"
    lines = [_paint(totals, BOLD, color)]
    name_width = max([len(visible(engine)) for engine in engines], default=0)
    for tally in engine_tallies(outcomes, engines):
        counts = [
            (counted(tally.probes, "probe"), None),
            (f"{tally.passed} passed", GREEN if tally.passed else None),
            (f"{tally.mismatched} mismatched", RED if tally.mismatched else None),
            (counted(tally.engine_errors, "engine error"), MAGENTA if tally.engine_errors else None),
            (f"{tally.disagreements} disagree with header-only", YELLOW if tally.disagreements else None),
        ]
        if tally.interrupted:
            counts.append((f"{tally.interrupted} interrupted", DIM))
        parts = [f"{visible(tally.engine):<{name_width}}", *(_paint(text, code, color) for text, code in counts)]
        lines.append(GAP.join(parts))
    departures = {engine: _model_departures(outcomes, engine) for engine in engines}
    if any(departures.values()):
        counts_text = ", ".join(f"{count} in {engine}" for engine, count in departures.items() if count)
        lines += _wrapped(f"departures from the Fetch standard (marked =): {counts_text}", DIM, color)
    return lines


def _model_departures(outcomes: Sequence[ProbeOutcome], engine: str) -> int:
    return sum(outcome.disagrees_with_model for outcome in outcomes if outcome.engine == engine)
