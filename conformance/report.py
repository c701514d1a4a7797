"""The run's reports: the differences table in the terminal (about 120 columns), report.json (every record, the
versions), report.html (one self-contained file) and the measured section of docs/conformance.md."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from conformance.apps import REFERENCE, framework_named
from conformance.differences import Departure, SummaryLine, departures, probe_label, summary
from conformance.records import MEASURED
from conformance.run import Conformance, Unbuilt
from conformance.table import LEGEND, rows, written_settings

__all__ = [
    "DOCS_BEGIN",
    "DOCS_END",
    "render_markdown",
    "render_terminal",
    "summary_sentence",
    "update_docs",
    "write_html",
    "write_json",
]

WIDTH = 120
DOCS_BEGIN = "<!-- conformance: measured section, written by `python -m conformance --docs` -->"
DOCS_END = "<!-- conformance: end of the measured section -->"
_TEMPLATES = Path(__file__).resolve().parent / "templates"


def render_terminal(conformance: Conformance) -> str:
    """The differences table, then each framework's departures, then what could not be measured."""
    table = [row for row in rows(conformance) if row.differs]
    names = {framework.key: framework.name for framework in conformance.frameworks}
    widths = {
        key: max(len(name), *(len(row.cells[key].text) for row in table)) if table else len(name)
        for key, name in names.items()
    }
    label_width = min(max((len(row.label) for row in table), default=5), WIDTH - sum(w + 2 for w in widths.values()))
    lines = [_headline(conformance), *_versions_lines(conformance), ""]
    if not table:
        lines.append(f"Every framework gives {names[REFERENCE]}'s verdict and preflight status for every probe.")
    else:
        counted = _counted(len(table), "probe", "probes")
        lines.append(f"Where a verdict or a preflight status differs from {names[REFERENCE]}'s ({counted}):")
        header = "probe".ljust(label_width) + "".join(f"  {names[key]:<{widths[key]}}" for key in names)
        lines += [header.rstrip(), "-" * len(header)]
        for row in table:
            label = row.label if len(row.label) <= label_width else row.label[: label_width - 1] + "…"
            cells = "".join(f"  {row.cells[key].text:<{widths[key]}}" for key in names)
            lines.append((label.ljust(label_width) + cells).rstrip())
        lines += textwrap.wrap(LEGEND, WIDTH)
    lines.append("")
    lines += _summary_lines(conformance)
    lines += _unmeasured_lines(conformance)
    return "\n".join(lines)


def _headline(conformance: Conformance) -> str:
    probes = sum(len(case.scenario.probes) for case in conformance.cases)
    minutes, seconds = divmod(round(conformance.seconds), 60)
    counts = [
        _counted(len(conformance.cases), "policy", "policies"),
        f"({_counted(probes, 'probe', 'probes')})",
        "x",
        _counted(len(conformance.frameworks), "framework", "frameworks"),
        "x",
        _counted(len(conformance.engines), "engine", "engines"),
    ]
    return f"Conformance: {' '.join(counts)} in {minutes}m {seconds:02d}s"


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _versions_lines(conformance: Conformance) -> list[str]:
    versions = ", ".join(f"{name} {version}" for name, version in conformance.versions.items())
    lines = textwrap.wrap(f"versions: {versions}", WIDTH, subsequent_indent="  ")
    engines = ", ".join(f"{name} {version}" for name, version in conformance.engines.items())
    lines += textwrap.wrap(f"engines: {engines}", WIDTH, subsequent_indent="  ")
    lines += [f"not installed: {name}: {error}" for name, error in conformance.unavailable.items()]
    return lines


def _summary_lines(conformance: Conformance) -> list[str]:
    lines = []
    for name, sentences in _sentences(conformance).items():
        kinds = _counted(len(sentences), "kind of departure", "kinds of departure")
        lines.append(f"{name}: " + ("no departure" if not sentences else kinds))
        for sentence in sentences:
            lines += textwrap.wrap(
                sentence, WIDTH, initial_indent="  - ", subsequent_indent="    ", break_on_hyphens=False
            )
    return lines


def _sentences(conformance: Conformance) -> dict[str, list[str]]:
    """Each framework's departures in words, by framework name (the reference left out)."""
    labels = _labels(conformance)
    engines = list(conformance.engines)
    by_framework = _summary(conformance)
    return {
        framework.name: [summary_sentence(line, labels, engines) for line in by_framework.get(framework.key, [])]
        for framework in conformance.frameworks
        if framework.key != REFERENCE
    }


def _unmeasured_lines(conformance: Conformance) -> list[str]:
    lines = []
    for framework, note, scenarios in _unmeasured(conformance):
        lines += textwrap.wrap(
            f"{framework}, {note}: {', '.join(scenarios)}", WIDTH, subsequent_indent="    ", break_on_hyphens=False
        )
    return lines


def _unmeasured(conformance: Conformance) -> list[tuple[str, str, list[str]]]:
    """(framework, why, scenarios) for every policy a framework has no app for, grouped by the reason."""
    found = []
    for framework in conformance.frameworks:
        grouped: dict[str, list[str]] = {}
        for case in conformance.cases:
            built = case.apps[framework.key]
            if isinstance(built, Unbuilt):
                grouped.setdefault(f"{built.verdict.lower()}: {built.note}", []).append(case.scenario.id)
        found += [(framework.name, note, scenarios) for note, scenarios in grouped.items()]
    return found


def summary_sentence(line: SummaryLine, labels: dict[tuple[str, int], str], engines: Sequence[str]) -> str:
    """One departure kind in words, e.g. "preflight answered 200 ... where Starlette answers 400 ...: a, b"."""
    reference = framework_named(REFERENCE).name
    if line.aspect == "verdict":
        what = f"{line.value} where {reference} is {line.reference}"
    elif line.aspect == "Fetch standard":
        what = f"the engines' verdict {line.value} where {reference}'s {line.reference}"
    elif line.aspect == "preflight":
        what = f"preflight answered {line.value} where {reference} answers {line.reference}"
    elif line.aspect == "response status":
        what = f"responds {line.value} where {reference} responds {line.reference}"
    else:
        what = f"{line.aspect}: {line.value} where {reference} sends {line.reference}"
    where = []
    for scenario, probe, probe_engines in line.probes:
        label = labels[(scenario, probe)]
        where.append(label if sorted(probe_engines) == sorted(engines) else f"{label} ({', '.join(probe_engines)})")
    return f"{what} ({_counted(len(line.probes), 'probe', 'probes')}): {', '.join(where)}"


def write_json(conformance: Conformance, path: Path) -> None:
    path.write_text(json.dumps(_json(conformance), indent=2) + "\n", encoding="utf-8")


def _json(conformance: Conformance) -> dict[str, Any]:
    found = _departures(conformance)
    labels = _labels(conformance)
    engines = list(conformance.engines)
    return {
        "measured_at": conformance.measured_at,
        "seconds": round(conformance.seconds, 1),
        "reference": REFERENCE,
        "engines": conformance.engines,
        "unavailable_engines": conformance.unavailable,
        "versions": conformance.versions,
        "frameworks": [{"key": f.key, "name": f.name, "packages": list(f.packages)} for f in conformance.frameworks],
        "scenarios": [
            {
                "id": case.scenario.id,
                "title": case.scenario.title,
                "source": case.scenario.source,
                "page": str(case.page),
                "target": str(case.target),
                "opaque_page": case.scenario.opaque_page,
                "policy": case.policy.middleware_arguments(),
                "settings": {f.key: written_settings(case, f.key) for f in conformance.frameworks},
                "probes": [probe.probe.to_json() for probe in case.scenario.probes],
            }
            for case in conformance.cases
        ],
        "records": [record.to_json() for record in conformance.records],
        "departures": [vars(departure) for departure in found],
        "summary": {
            framework: [
                {
                    **vars(line),
                    "probes": [list(p) for p in line.probes],
                    "text": summary_sentence(line, labels, engines),
                }
                for line in lines
            ]
            for framework, lines in summary(found, _keys(conformance)).items()
            if framework != REFERENCE
        },
    }


def write_html(conformance: Conformance, path: Path) -> None:
    path.write_text(render_html(conformance), encoding="utf-8")


def render_html(conformance: Conformance) -> str:
    """One self-contained page: every value escaped by the template engine, no external resource."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    every = rows(conformance)
    return environment.get_template("report.html.j2").render(
        conformance=conformance,
        headline=_headline(conformance),
        measured_at=conformance.measured_at,
        differing=[row for row in every if row.differs],
        every=every,
        legend=LEGEND,
        reference=REFERENCE,
        reference_name=framework_named(REFERENCE).name,
        measured=MEASURED,
        summaries=_sentences(conformance),
        unmeasured=_unmeasured_lines(conformance),
    )


def render_markdown(conformance: Conformance) -> str:
    """The measured section of docs/conformance.md: versions, the differences table, each framework's summary."""
    names = {framework.key: framework.name for framework in conformance.frameworks}
    table = [row for row in rows(conformance) if row.differs]
    lines = [
        f"Measured on {conformance.measured_at[:10]}: {_headline(conformance).removeprefix('Conformance: ')}.",
        "",
        "| package | version |",
        "| --- | --- |",
        *(f"| {name} | {version} |" for name, version in conformance.versions.items()),
        "",
        "| engine | version (backend) |",
        "| --- | --- |",
        *(f"| {name} | {version} |" for name, version in conformance.engines.items()),
        "",
        f"### Where a verdict or a preflight status differs from {names[REFERENCE]}'s",
        "",
        "Engines in this order: " + ", ".join(conformance.engines) + ". " + LEGEND + ".",
        "",
        "| probe | " + " | ".join(names.values()) + " |",
        "| --- | " + " | ".join("---" for _ in names) + " |",
        *(f"| `{row.label}` | " + " | ".join(_md(row.cells[key].text) for key in names) + " |" for row in table),
        "",
        f"### Each framework's departures from {names[REFERENCE]}",
        "",
    ]
    for name, sentences in _sentences(conformance).items():
        lines.append(f"**{name}**" + (": no departure." if not sentences else ""))
        lines += [f"- {_md(sentence)}" for sentence in sentences]
        lines.append("")
    unmeasured = _unmeasured(conformance)
    if unmeasured:
        lines += ["Not measured:", ""]
        lines += [
            f"- {framework}, {_md(note)}: " + ", ".join(f"`{s}`" for s in ids) for framework, note, ids in unmeasured
        ]
        lines.append("")
    return "\n".join(lines)


def update_docs(conformance: Conformance, path: Path) -> None:
    """Replace the measured section of ``path`` (between DOCS_BEGIN and DOCS_END); add it when the file has none."""
    section = f"{DOCS_BEGIN}\n\n{render_markdown(conformance)}\n{DOCS_END}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    begin, end = text.find(DOCS_BEGIN), text.find(DOCS_END)
    if begin != -1 and end > begin:
        text = text[:begin] + section + text[end + len(DOCS_END) :]
    else:
        text = (text.rstrip() + "\n\n" if text else "") + section + "\n"
    path.write_text(text, encoding="utf-8")


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _departures(conformance: Conformance) -> list[Departure]:
    origins = {case.scenario.id: case.origin_header for case in conformance.cases}
    return departures(conformance.records, origins, reference=REFERENCE)


def _summary(conformance: Conformance) -> dict[str, list[SummaryLine]]:
    return summary(_departures(conformance), _keys(conformance))


def _keys(conformance: Conformance) -> list[str]:
    return [framework.key for framework in conformance.frameworks]


def _labels(conformance: Conformance) -> dict[tuple[str, int], str]:
    return {
        (case.scenario.id, probe): probe_label(case.scenario.id, probe, len(case.scenario.probes))
        for case in conformance.cases
        for probe in range(len(case.scenario.probes))
    }
