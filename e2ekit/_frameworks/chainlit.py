"""Chainlit's server: a FastAPI app (``chainlit.server:app``) whose CORSMiddleware takes ``allow_origins`` from
``[project] allow_origins`` in ``.chainlit/config.toml`` (read by ``chainlit.config`` at import) and always sets
``allow_credentials=True``, ``allow_methods=["*"]`` and ``allow_headers=["*"]``.

A change is applied in-process to the middleware's arguments and to ``chainlit.config.config``; the advice names the
line to write in ``.chainlit/config.toml``, since that is where the value comes from at the next start.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping

from e2ekit._frameworks.policy import Change, CorsPolicy, Setting
from e2ekit._frameworks.starlette import STARLETTE_NAMES, StarletteCORS, cors_entry

__all__ = ["ChainlitCORS"]

_CONFIG = ".chainlit/config.toml"


class ChainlitCORS(StarletteCORS):
    """Chainlit's own server app, configured from .chainlit/config.toml."""

    name = "Chainlit"
    outermost = "put CORSMiddleware outermost"

    def detect(self, app: object) -> CorsPolicy | None:
        server = sys.modules.get("chainlit.server")
        if server is None or getattr(server, "app", None) is not app:
            return None
        policy = super().detect(app)
        if policy is None or not policy.installed:
            return policy
        return CorsPolicy(
            origins=policy.origins,
            credentials=policy.credentials,
            methods=policy.methods,
            headers=policy.headers,
            where=f"[project] in {_CONFIG}",
        )

    def names(self, policy: CorsPolicy) -> Mapping[Setting, str]:
        return {**STARLETTE_NAMES, Setting.ORIGINS: f"allow_origins under [project] in {_CONFIG}"}

    def word(self, change: Change, policy: CorsPolicy) -> str:
        if change.setting is Setting.ORIGINS:
            origins = [o for o in policy.origins if o != change.replaces]
            new = origins if change.value in origins else [*origins, change.value]
            return (
                f"set allow_origins = {json.dumps(new)} under [project] in {_CONFIG} "
                f"(it is {json.dumps(list(policy.origins))})"
            )
        return super().word(change, policy)

    def apply(self, app: object, change: Change) -> bool:
        if change.setting is not Setting.ORIGINS or not super().apply(app, change):
            return False  # Chainlit hard-codes everything but the origins
        entry = cors_entry(app)
        config = getattr(sys.modules.get("chainlit.config"), "config", None)
        project = getattr(config, "project", None)
        if project is not None and entry is not None:
            project.allow_origins = list(entry.kwargs["allow_origins"])
        return True
