"""The stylesheet and script inlined into the HTML report, so the one file opens anywhere, even offline."""

from __future__ import annotations

__all__ = ["REPORT_CSS", "REPORT_JS"]

REPORT_CSS = """
:root {
  --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --paper: #ffffff; --canvas: #f8fafc;
  --pass: #dcfce7; --pass-ink: #14532d; --pass-line: #86efac;
  --mismatch: #fee2e2; --mismatch-ink: #991b1b; --mismatch-line: #fca5a5;
  --error: #ede9fe; --error-ink: #5b21b6; --error-line: #c4b5fd;
  --disagree: #f59e0b; --disagree-soft: #fef3c7; --disagree-ink: #78350f;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--canvas);
}
body { margin: 0; }
code, pre, .request { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
header { background: var(--paper); border-bottom: 1px solid var(--line); padding: 20px 32px 12px; }
h1 { font-size: 22px; margin: 0 0 4px; }
.run { color: var(--muted); margin: 0 0 14px; font-size: 14px; }
.tallies { display: flex; flex-wrap: wrap; gap: 12px; }
.tally { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 190px; background: var(--paper); }
.tally h2 { font-size: 15px; margin: 0 0 6px; }
.tally h2 small { font-weight: 400; color: var(--muted); margin-left: 4px; }
.tally dl { display: grid; grid-template-columns: 1fr auto; gap: 2px 14px; margin: 0; font-size: 13px; }
.tally dt { color: var(--muted); }
.tally dd { margin: 0; font-weight: 650; text-align: right; font-variant-numeric: tabular-nums; }
.tally .passed { color: var(--pass-ink); } .tally .mismatched { color: var(--mismatch-ink); }
.tally .errors { color: var(--error-ink); } .tally .disagreements { color: var(--disagree-ink); }
.tally .zero { color: #cbd5e1; }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: 18px; margin-top: 14px; font-size: 13px; color: #475569; }
.swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; vertical-align: -2px; margin-right: 6px; border: 1px solid; }
.swatch.pass { background: var(--pass); border-color: var(--pass-line); }
.swatch.mismatch { background: var(--mismatch); border-color: var(--mismatch-line); }
.swatch.error { background: var(--error); border-color: var(--error-line); }
.swatch.disagree { background: var(--paper); border: 2px solid var(--disagree); }
.controls label { margin-left: auto; cursor: pointer; }
main { padding: 12px 28px 40px; }
table.matrix { border-collapse: separate; border-spacing: 4px; width: 100%; table-layout: fixed; }
.matrix thead th:first-child { width: 34%; }  /* fixed layout: the engine columns share the rest equally */
.matrix thead th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: #475569; padding: 4px 8px; }
.matrix th[scope=row] { text-align: left; vertical-align: top; font-weight: 400; padding: 6px 10px; background: var(--paper);
  border: 1px solid var(--line); border-radius: 6px; overflow-wrap: anywhere; }
.scenario { font-weight: 650; color: var(--ink); }
a.source { font-size: 12px; margin-left: 8px; color: #1d4ed8; text-decoration: none; }
a.source:hover { text-decoration: underline; }
.index { color: var(--muted); }
.title { color: #475569; font-size: 13px; margin-top: 1px; }
.request { font-size: 12px; color: #334155; margin-top: 2px; }
.request .expects { font-family: system-ui, sans-serif; color: var(--muted); }
.matrix td { height: 1px; }  /* lets a cell's button fill the row, so every cell in a row has one height */
button.cell { height: 100%; display: flex; flex-direction: column; align-items: flex-start; justify-content: center; gap: 3px;
  width: 100%; min-height: 52px; box-sizing: border-box; padding: 6px 10px; border: 1px solid transparent;
  border-radius: 6px; font: inherit; text-align: left; cursor: pointer; }
.cell .verdict { font-weight: 700; font-size: 13px; letter-spacing: .02em; }
.cell .mark { margin-right: 5px; }
.cell .note { font-size: 12px; max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.cell.pass { background: var(--pass); color: var(--pass-ink); border-color: var(--pass-line); }
.cell.mismatch { background: var(--mismatch); color: var(--mismatch-ink); border-color: var(--mismatch-line); }
.cell.error { background: var(--error); color: var(--error-ink); border-color: var(--error-line); }
.cell.baseline { background: var(--paper); color: #334155; border-color: #cbd5e1; }
.cell.disagree { box-shadow: inset 0 0 0 2px var(--disagree); }
.cell.baseline.disagree { background: var(--disagree-soft); color: var(--disagree-ink); }
.cell.missing { background: transparent; color: var(--muted); cursor: default; }
.cell:hover:not(.missing) { filter: brightness(.97); }
.cell[aria-expanded=true] { outline: 2px solid var(--ink); outline-offset: 1px; }
.cell:focus-visible { outline: 3px solid #2563eb; outline-offset: 1px; }
.badge { font-size: 11px; font-weight: 650; background: var(--disagree-soft); color: var(--disagree-ink);
  border: 1px solid var(--disagree); border-radius: 999px; padding: 0 7px; }
tr.detail > td { padding: 2px 0 10px; }
.panel { background: var(--paper); border: 1px solid #cbd5e1; border-left: 5px solid var(--muted); border-radius: 8px;
  padding: 12px 18px 14px; }
.panel.pass { border-left-color: var(--pass-line); } .panel.mismatch { border-left-color: #ef4444; }
.panel.error { border-left-color: #8b5cf6; } .panel.baseline { border-left-color: var(--disagree); }
.panel h3 { font-size: 15px; margin: 0 0 2px; }
.panel .where { color: #475569; font-size: 13px; margin: 0 0 6px; overflow-wrap: anywhere; }
.panel h4 { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 12px 0 4px; }
.panel p { margin: 2px 0; font-size: 14px; }
.panel ul { margin: 2px 0; padding-left: 20px; font-size: 14px; }
.mismatches li { color: var(--mismatch-ink); font-weight: 600; }
.met { color: var(--pass-ink); }
.disagreement { color: var(--disagree-ink); font-weight: 600; }
.absent { color: var(--muted); font-style: italic; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #0f172a; color: #e2e8f0; padding: 8px 10px;
  border-radius: 6px; font-size: 12px; margin: 4px 0; }
table.wire { border-collapse: collapse; width: 100%; font-size: 12px; }
.wire th, .wire td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
.wire th { color: var(--muted); font-weight: 600; }
.wire .kind { font-weight: 650; }
.wire code { display: block; overflow-wrap: anywhere; }
details.text { margin-top: 10px; font-size: 13px; }
details.text summary { cursor: pointer; color: #475569; }
"""

# A cell toggles the detail row it controls; the filter hides whole probe groups (row and details together).
REPORT_JS = """
document.addEventListener("click", (event) => {
  const cell = event.target.closest("button.cell[aria-controls]");
  if (!cell) return;
  const detail = document.getElementById(cell.getAttribute("aria-controls"));
  const open = cell.getAttribute("aria-expanded") !== "true";
  cell.setAttribute("aria-expanded", String(open));
  detail.hidden = !open;
});
const onlyProblems = document.getElementById("only-problems");
onlyProblems.addEventListener("change", () => {
  for (const group of document.querySelectorAll("tbody.probe")) {
    group.hidden = onlyProblems.checked && group.dataset.problem !== "true";
  }
});
"""
