"""``e2ekit browsers``: which engines can run here, through which backend, and how to install the missing ones."""

from __future__ import annotations

import argparse
import json
import os

from e2ekit._engines.discovery import EngineAvailability, discover_engines

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "browsers",
        help="list the engines available here and how to install the missing ones",
        description="Show, for each engine, the backend that would drive it (Playwright or WebDriver), the browser "
        "executable (or Playwright server) and its version; for a missing engine, the command that installs it. No "
        "browser is started. "
        "Exit 0 if every engine is available, 1 otherwise.",
    )
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    engines = discover_engines()
    if args.json:
        print(json.dumps([engine.to_json() for engine in engines], indent=2))
    else:
        print(format_table(engines))
    return 0 if all(engine.available for engine in engines) else 1


def format_table(engines: list[EngineAvailability]) -> str:
    """Aligned columns, one row per engine; a missing engine's row says why and what installs it."""
    rows = [("ENGINE", "BACKEND", "VERSION", "DRIVER", "EXECUTABLE")]
    for e in engines:
        if e.available:
            driver = os.path.basename(e.driver) if e.driver else "-"
            rows.append((e.engine, e.backend or "-", e.version or "-", driver, e.executable or e.endpoint or "-"))
        else:
            rows.append((e.engine, "-", "-", "-", f"missing: {e.reason}"))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    return "\n".join("  ".join([*(cell.ljust(width) for cell, width in zip(row, widths)), row[-1]]) for row in rows)
