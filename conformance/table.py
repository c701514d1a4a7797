"""The conformance table every report shows: one row per (scenario, probe), one cell per framework.

A cell tells the verdict and the preflight status in every engine: ``B 400`` is blocked in every engine after a
preflight answered 400; ``BAA 200`` blocked in chromium, allowed in firefox and webkit (one letter per engine, in
the run's engine order, where they differ); ``A`` allowed without a preflight. A framework's cell is ``=`` where it
gives the reference's verdict and preflight status in every engine (any 2xx preflight status counts as the same: the
browser treats every ok status alike). ``n/a``: the framework cannot express the
policy; ``refused``: its CORS package refused the configuration; ``skip``: e2ekit cannot serve it yet; ``E``: the
engine failed.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.apps import REFERENCE
from conformance.differences import probe_label, table_outcome
from conformance.records import CANNOT_EXPRESS, ENGINE_ERROR, NOT_SERVABLE, REFUSED, Record
from conformance.run import Case, Conformance, Unbuilt

__all__ = ["LEGEND", "Cell", "Row", "rows", "written_settings"]

LEGEND = (
    "A allowed, B blocked, E engine error (one letter per engine where the engines differ); the number is the "
    "preflight's status (- no preflight); = the reference's verdict and preflight status in every engine (any 2xx "
    "preflight status counting as one); n/a the "
    "framework cannot express the policy; refused its CORS package refused the configuration; skip e2ekit cannot "
    "serve it yet"
)
_LETTERS = {"ALLOWED": "A", "BLOCKED": "B", ENGINE_ERROR: "E"}
_UNMEASURED = {CANNOT_EXPRESS: "n/a", REFUSED: "refused", NOT_SERVABLE: "skip"}
SAME = "="


@dataclass(frozen=True)
class Cell:
    """One framework's outcome for one probe, across engines."""

    text: str
    """What the cell shows; ``=`` where it matches the reference."""
    value: str
    """The outcome written out even where it matches (``B 400``)."""
    departs: bool
    """Its verdict or preflight status differs from the reference's in some engine, or it was not measured."""
    records: tuple[Record, ...]
    settings: str
    """The policy in the framework's own terms, or why it has none."""


@dataclass(frozen=True)
class Row:
    case: Case
    probe: int
    label: str
    cells: dict[str, Cell]

    @property
    def differs(self) -> bool:
        return any(cell.departs for cell in self.cells.values())


def rows(conformance: Conformance) -> list[Row]:
    """Every (scenario, probe) of the run, in corpus order."""
    by_key: dict[tuple[str, int, str], list[Record]] = {}
    for record in conformance.records:
        by_key.setdefault((record.scenario, record.probe, record.framework), []).append(record)
    result = []
    for case in conformance.cases:
        scenario = case.scenario
        for probe in range(len(scenario.probes)):
            reference = tuple(by_key.get((scenario.id, probe, REFERENCE), ()))
            cells = {}
            for framework in conformance.frameworks:
                records = tuple(by_key.get((scenario.id, probe, framework.key), ()))
                value = _outcome(records)
                departs = not _same(records, reference)
                shown = SAME if framework.key != REFERENCE and not departs else value
                cells[framework.key] = Cell(shown, value, departs, records, written_settings(case, framework.key))
            result.append(Row(case, probe, probe_label(scenario.id, probe, len(scenario.probes)), cells))
    return result


def written_settings(case: Case, framework: str) -> str:
    """The framework's configuration for the case, the page origin written ``{page}`` as in the scenario files."""
    built = case.apps[framework]
    if isinstance(built, Unbuilt):
        return f"{built.verdict.lower()}: {built.note}"
    page = str(case.page)
    return built.settings.replace(page, "{page}").replace(page.partition("://")[2], "{page_host}")


def _outcome(records: tuple[Record, ...]) -> str:
    if not records:
        return "?"
    if records[0].verdict in _UNMEASURED:
        return _UNMEASURED[records[0].verdict]
    letters = [_LETTERS.get(record.verdict, "?") for record in records]
    verdict = letters[0] if len(set(letters)) == 1 else "".join(letters)
    statuses = list(dict.fromkeys("-" if r.preflight_status is None else str(r.preflight_status) for r in records))
    return verdict if statuses == ["-"] else f"{verdict} {'/'.join(statuses)}"


def _same(records: tuple[Record, ...], reference: tuple[Record, ...]) -> bool:
    if not records or any(not record.measured for record in records):
        return False
    expected = {record.engine: table_outcome(record) for record in reference}
    return all(expected.get(record.engine) == table_outcome(record) for record in records)
