"""The interface every CORS implementation module fills in: detect its configuration, word a fix, apply it.

A ``Framework`` reads an app object and, when the app is served by its CORS implementation, returns the
``CorsPolicy`` it is configured with (the values as the user wrote them). A fix is a list of framework-neutral
``Change``s (allow this origin instead of that value, allow credentials, a method, a header); each framework words
a change in its own settings and, where it can, applies it to the live app so that the next request sees it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import ClassVar

from e2ekit._frameworks.advice import advise, changes_for
from e2ekit._frameworks.caveat_advice import advise_caveat
from e2ekit._frameworks.policy import Change, CorsPolicy, Setting
from e2ekit._standard import Caveat, Check, Facts, Failure

__all__ = ["Framework"]


class Framework(ABC):
    """One CORS implementation: how to find its configuration in an app, word a fix in its settings, apply it.

    Subclasses set ``name`` (shown to users), ``layer`` (how sentences name the CORS layer) and implement
    ``detect``; the wording defaults build on ``names``, the setting names for a detected policy.
    """

    name: ClassVar[str]
    layer: ClassVar[str]
    redirect_hint: ClassVar[str] = ""
    """Where a redirect answering a preflight typically comes from in this framework, e.g. ", e.g. Starlette's
    redirect_slashes"."""
    outermost: ClassVar[str] = "put the CORS layer outermost"
    """How to make the CORS layer answer before anything else in the app."""

    @abstractmethod
    def detect(self, app: object) -> CorsPolicy | None:
        """The app's CORS configuration when this framework serves ``app``, or None when it does not."""

    @abstractmethod
    def names(self, policy: CorsPolicy) -> Mapping[Setting, str]:
        """How advice names each setting of ``policy``; CREDENTIALS names the assignment that allows them."""

    def apply(self, app: object, change: Change) -> bool:
        """Apply ``change`` to the live ``app`` so the next request sees it; False where that cannot be done."""
        return False

    def word(self, change: Change, policy: CorsPolicy) -> str:
        """``change`` in this framework's settings, e.g. "add 'PUT' to allow_methods"."""
        names = self.names(policy)
        name = names[change.setting]
        if change.setting is Setting.CREDENTIALS:
            return f"set {name}"
        if change.setting is Setting.ORIGINS and change.replaces == "*":
            return f"list the page origin ('{change.value}') instead of '*' in {name}"
        if change.replaces is not None:
            return f"list '{change.value}' instead of '{change.replaces}' in {name}"
        return f"add '{change.value}' to {name}"

    def install(self, origin: str, policy: CorsPolicy) -> str:
        """How to add this framework's CORS layer, allowing ``origin``."""
        return f"add {self.layer} allowing '{origin}'"

    def exception(self, error: str, status: int) -> str:
        """The fix for a response that an exception in the app produced without CORS headers."""
        return (
            f"the {status} came from an exception the app raised ({error}) before {self.layer} added its headers: "
            "handle it"
        )

    def preflight_refusal(self, facts: Facts) -> Check | None:
        """The check behind a refused preflight, read from what this framework says in the refusal's body."""
        return None

    def advice(self, failure: Failure, policy: CorsPolicy) -> str | None:
        """One sentence: how to fix ``failure`` in this framework's settings, or None when nothing server-side does."""
        return advise(self, failure, policy)

    def caveat_advice(self, caveat: Caveat, policy: CorsPolicy) -> str | None:
        """One sentence: how to fix ``caveat`` (a hidden header, a cookie not sent, an error status), or None."""
        return advise_caveat(self, caveat, policy)

    def changes(self, failure: Failure, policy: CorsPolicy) -> list[Change]:
        """The policy changes that remove ``failure``; empty when no change of this policy does."""
        return changes_for(self, failure, policy)

    def configuration(self, changes: list[Change], policy: CorsPolicy) -> str:
        """The complete change, worded: what to write in the app's configuration."""
        return " and ".join(self.word(change, policy) for change in changes)
