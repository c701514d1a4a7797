"""The fix for a failed check in the terms of what serves the app: one module per CORS implementation.

Each module fills in ``Framework`` (base.py): ``detect(app)`` reads the app's live CORS configuration into a
``CorsPolicy``, ``advice(failure, policy)`` words the fix in that implementation's settings, and ``apply(app,
change)`` makes a ``Change`` in-process where it can. ``detect`` (detection.py) picks the implementation for an app;
anything else gets the exact response headers to send (headers.py).
"""

from __future__ import annotations

from e2ekit._frameworks.base import Framework
from e2ekit._frameworks.detection import FRAMEWORKS, RESPONSE_HEADERS, CorsSetup, detect
from e2ekit._frameworks.policy import Change, CorsPolicy, Setting

__all__ = ["FRAMEWORKS", "RESPONSE_HEADERS", "Change", "CorsPolicy", "CorsSetup", "Framework", "Setting", "detect"]
