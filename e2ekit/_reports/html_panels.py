"""What opening a cell of the HTML report shows: the console, the wire, the JavaScript error and the verdicts."""

from __future__ import annotations

from html import escape

from e2ekit._probing.exchange import Exchange
from e2ekit._probing.result import ProbeResult
from e2ekit._reports.rows import ProbeRow, baseline_label, engine_error_text
from e2ekit._scenarios.outcome import ProbeOutcome

__all__ = ["baseline_panel", "cell_kind", "engine_panel", "is_web_link"]

# Request headers that make or answer a CORS decision; the rest (user-agent, accept, ...) would bury them.
_CORS_REQUEST_HEADERS = ("origin", "access-control-request-method", "access-control-request-headers")


def cell_kind(outcome: ProbeOutcome) -> str:
    """The cell's colour class: ``error`` (no verdict), ``mismatch`` (an expectation not met) or ``pass``."""
    if engine_error_text(outcome) is not None:
        return "error"
    return "mismatch" if outcome.mismatches else "pass"


def _section(kind: str, title: str, body: str) -> str:
    return f'<section class="{kind}"><h4>{escape(title)}</h4>{body}</section>'


def _absent(text: str) -> str:
    return f'<p class="absent">{escape(text)}</p>'


def _baseline_lines(row: ProbeRow) -> str:
    baseline = row.baseline
    body = f"<p><strong>{baseline_label(baseline)}</strong>: {escape(baseline.detail)}</p>"
    if row.disagreement:
        body += f'<p class="disagreement">{escape(row.disagreement)}</p>'
    return body


def _expectation(outcome: ProbeOutcome) -> str:
    body = f"<p>Expects <strong>{escape(outcome.expected)}</strong> in {escape(outcome.engine)}.</p>"
    if outcome.mismatches:
        items = "".join(f"<li>{escape(mismatch)}</li>" for mismatch in outcome.mismatches)
        return body + f'<ul class="mismatches">{items}</ul>'
    if engine_error_text(outcome) is None:
        body += '<p class="met">Every expectation was met.</p>'
    return body


def _javascript(result: ProbeResult) -> str:
    if result.js_error:
        return f"<pre>{escape(result.js_error)}</pre>"
    if result.status is not None:
        return f"<p>fetch() resolved: status {result.status}, type {escape(str(result.response_type))}</p>"
    return _absent("fetch() neither resolved nor rejected.")


def _console(result: ProbeResult) -> str:
    if result.console is None:
        return _absent("Console capture is unavailable in this engine.")
    if not result.console:
        return _absent("No console messages.")
    return "".join(f"<pre>{escape(message)}</pre>" for message in result.console)


def _explanation(result: ProbeResult) -> str:
    explanation = result.explanation
    if explanation is None:
        return ""
    check = f" <code>[{escape(explanation.check)}]</code>" if explanation.check else ""
    body = f"<p>{escape(explanation.detail)}{check}</p>"
    if explanation.fix and not result.allowed:
        body += f"<p><strong>Fix:</strong> {escape(explanation.fix)}</p>"
    if not explanation.agrees:
        predicted = "ALLOWED" if explanation.allowed else "BLOCKED"
        behaviour = escape(explanation.engine_behaviour or "")
        body += f'<p class="departure"><strong>The Fetch standard predicts {predicted}:</strong> {behaviour}</p>'

    return _section("why", "Why, by the Fetch standard", body)


def _wire_row(exchange: Exchange) -> str:
    target = exchange.path + (f"?{exchange.query}" if exchange.query else "")
    status = "no response" if exchange.status is None else str(exchange.status)
    if exchange.response_body and len(exchange.response_body) <= 80:
        status += f" {exchange.response_body}"
    if exchange.error:
        status += f"; the app raised {exchange.error}"
    sent = [f"→ {name}: {value}" for name, value in exchange.request_headers if name in _CORS_REQUEST_HEADERS]
    answered = [f"← {name}: {value}" for name, value in exchange.response_headers if name.startswith("access-control-")]
    headers = "".join(f"<code>{escape(line)}</code>" for line in sent + answered)
    if not answered:
        headers += '<span class="absent">no CORS response headers</span>'
    cookie = f"<code>{escape(exchange.cookie)}</code>" if exchange.cookie else '<span class="absent">none</span>'
    return (
        f'<tr><td class="kind">{"preflight" if exchange.is_preflight else "request"}</td>'
        f"<td><code>{escape(exchange.method)} {escape(target)}</code></td><td>{escape(status)}</td>"
        f"<td>{headers}</td><td>{cookie}</td></tr>"
    )


def _wire(result: ProbeResult) -> str:
    if not result.exchanges:
        return _absent("The target received no request.")
    head = "<tr><th></th><th>Request</th><th>Status</th><th>CORS headers</th><th>Cookie sent</th></tr>"
    return f'<table class="wire">{head}{"".join(_wire_row(exchange) for exchange in result.exchanges)}</table>'


def _source(row: ProbeRow) -> str:
    scenario = row.scenario
    where = f"<p>Scenario <code>{escape(scenario.id)}</code> in <code>{escape(scenario.file)}</code>"
    if scenario.source and is_web_link(scenario.source):
        where += f' · from <a href="{escape(scenario.source)}">{escape(scenario.source)}</a>'
    elif scenario.source:
        where += f" · from {escape(scenario.source)}"
    return where + "</p>"


def is_web_link(url: str) -> bool:
    """Only http(s) sources become links: a ``javascript:`` URL in a scenario file must not run in the report."""
    return url.startswith(("https://", "http://"))


def engine_panel(outcome: ProbeOutcome, row: ProbeRow) -> str:
    """Everything about one probe in one engine, for the detail row under the matrix row."""
    heading = f"{row.label} in {outcome.engine}: {outcome.verdict}"
    result = outcome.result
    parts = [f"<h3>{escape(heading)}</h3>"]
    if result is not None:
        parts.append(f'<p class="where">{escape(str(result).partition(chr(10))[0])}</p>')
    parts.append(_section("expectation", "Expectation", _expectation(outcome)))
    error = engine_error_text(outcome)
    if error is not None:
        parts.append(_section("engine-error", "Engine error", f"<pre>{escape(error)}</pre>"))
    parts.append(_section("header-only", "Header-only check", _baseline_lines(row)))
    if result is not None:
        parts.append(_section("javascript", "JavaScript", _javascript(result)))
        parts.append(_section("console", "Console", _console(result)))
        parts.append(_explanation(result))
        parts.append(_section("wire", "Wire", _wire(result)))
        text = f'<details class="text"><summary>As text</summary><pre>{escape(str(result))}</pre></details>'
        parts.append(text)
    parts.append(_section("scenario", "Scenario", _source(row)))
    return f'<div class="panel {cell_kind(outcome)}">{"".join(parts)}</div>'


def baseline_panel(row: ProbeRow) -> str:
    """What the header-only check (a test client, no browser) concluded for the probe, and who disagrees."""
    parts = [
        f"<h3>{escape(row.label)}: header-only check {baseline_label(row.baseline)}</h3>",
        '<p class="where">The same request sent in-process by a test client, judged by its CORS response headers.</p>',
        _section("header-only", "Verdict", _baseline_lines(row)),
        _section("scenario", "Scenario", _source(row)),
    ]
    return f'<div class="panel baseline">{"".join(parts)}</div>'
