"""Reproduce a user's pasted CORS console error against the app under test."""

from __future__ import annotations

from e2ekit._frameworks.starlette import PolicyFix, PolicyFixError, apply_fix, fix_for
from e2ekit._repro.causes import same_cause
from e2ekit._repro.reconstruct import ReproRequest, reconstruct

__all__ = ["PolicyFix", "PolicyFixError", "ReproRequest", "apply_fix", "fix_for", "reconstruct", "same_cause"]
