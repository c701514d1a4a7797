"""Every result's explanation: the Fetch-standard check that failed, each engine's wording of it, and the fix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from e2ekit.exchange import Exchange
from e2ekit.probe import Probe
from e2ekit.spec import predict

__all__ = ["Explanation", "explain"]


@dataclass(frozen=True)
class Explanation:
    """Why a probe was allowed or blocked according to the Fetch standard, and what would fix it.

    ``allowed`` is the model's prediction; ``agrees`` says whether the engine did the same. ``messages`` holds the failure in each engine's own console wording.
    """

    allowed: bool
    check: str | None
    detail: str
    fix: str | None
    agrees: bool
    messages: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "check": self.check,
            "detail": self.detail,
            "fix": self.fix,
            "agrees": self.agrees,
            "messages": dict(self.messages),
        }


def explain(
    probe: Probe, page_origin: str, target_url: str, exchanges: Sequence[Exchange], engine_allowed: bool
) -> Explanation:
    """Explain one probe from what the wire recorder saw; ``engine_allowed`` is the engine's verdict."""
    prediction = predict(probe, page_origin, target_url, exchanges)
    check = None if prediction.check is None else str(prediction.check)
    return Explanation(
        allowed=prediction.allowed,
        check=check,
        detail=prediction.detail,
        fix=prediction.fix,
        agrees=engine_allowed == prediction.allowed,
    )
