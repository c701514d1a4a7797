"""The exchange factories of the model's tests, for advice computed from predictions."""

from __future__ import annotations

from tests.spec.conftest import make_exchange, make_preflight

__all__ = ["make_exchange", "make_preflight"]
