"""Reproduce a user's pasted CORS console error against the app under test."""

from __future__ import annotations

from e2ekit.repro.causes import same_cause
from e2ekit.repro.policy_fix import PolicyFix, PolicyFixError, apply_fix, fix_for
from e2ekit.repro.reconstruct import ReproRequest, reconstruct

__all__ = ["PolicyFix", "PolicyFixError", "ReproRequest", "apply_fix", "fix_for", "reconstruct", "same_cause"]
