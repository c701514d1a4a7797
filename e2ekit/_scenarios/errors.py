"""The one error a scenario file can cause: a message naming the file, the scenario, the key and what was expected."""

from __future__ import annotations

__all__ = ["ScenarioError"]


class ScenarioError(ValueError):
    """A scenario file cannot be used, e.g.
    ``scenarios/credentials.toml: [wildcard-with-cookie] expect = "maybe": expected "allowed" or "blocked"``.
    """
