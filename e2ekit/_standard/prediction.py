"""What the model predicts for one probe: whether the page can read the response, and if not, why and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

from e2ekit._standard.checks import Check

__all__ = ["Prediction"]


@dataclass(frozen=True)
class Prediction:
    """The outcome a standards-conforming browser gives the page's fetch().

    ``check`` is the identifier of the failing check (None when allowed); ``detail`` says in one sentence what
    failed or passed, citing the values seen; ``fix`` says in one sentence how to fix it, in terms of Starlette's
    CORSMiddleware where the server is at fault. ``readable_headers`` are the response header names JavaScript can
    read, ``response_type`` is ``Response.type`` ("basic", "cors", "opaque", "opaqueredirect") and ``status`` is
    ``Response.status`` (0 for the opaque types); all three are empty when the fetch fails.
    """

    allowed: bool
    check: Check | None
    detail: str
    fix: str | None
    preflight_required: bool
    readable_headers: tuple[str, ...] = ()
    response_type: str | None = None
    status: int | None = None
