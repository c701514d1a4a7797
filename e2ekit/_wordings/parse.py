"""Parse pasted console output into CORS reports, whichever engine printed it."""

from __future__ import annotations

from e2ekit._wordings.engines import ENGINE_WORDINGS
from e2ekit._wordings.parsed import ConsoleReport, ConsoleTextError

__all__ = ["parse_console_text"]

# WebKit's reason sentences also occur inside Chromium's messages, so WebKit reads only what the others left.
_ORDER = ("chromium", "firefox", "webkit")


def parse_console_text(text: str) -> list[ConsoleReport]:
    """Every CORS message in ``text``, in order of appearance; other lines (network errors, stack traces, the
    browser's "[Error]" prefixes) are passed over. Raise ConsoleTextError when there is none."""
    found: list[tuple[int, ConsoleReport]] = []
    unread = text
    for engine in _ORDER:
        for start, end, report in ENGINE_WORDINGS[engine].find_reports(unread):
            found.append((start, report))
            unread = unread[:start] + " " * (end - start) + unread[end:]
    if not found:
        raise ConsoleTextError(text)
    return [report for _, report in sorted(found, key=lambda item: item[0])]
