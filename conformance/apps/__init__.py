"""One builder per framework: a ``Policy`` in, an app out that serves the corpus's endpoints behind that framework's
CORS implementation, configured the way a user of that framework would write the policy.

Each module has ``build(policy, cookies) -> Built``. The app serves what e2ekit's scenario app serves
(e2ekit._scenarios.routes): ``/api`` and ``/items/`` echo every method as JSON, ``/items`` answers ``307 -> /items/``
inside the CORS layer, ``/error`` raises, ``/download`` has a Content-Disposition, ``/custom`` an X-Request-Id,
``/login`` sets the scenario's cookies, and anything else is the framework's own 404. What a framework does with an
OPTIONS request, a 404 or an exception is its own: that is part of what the table compares.

A builder raises ``CannotExpress`` when the framework's CORS configuration has no way to state the policy (aiohttp-cors
has no origin regex); the table then says so instead of guessing.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from conformance.policy import Policy
from e2ekit._scenarios.model import CookieSetup

__all__ = ["FRAMEWORKS", "REFERENCE", "Built", "CannotExpress", "Framework", "framework_named", "written_call"]


class CannotExpress(Exception):
    """The framework's CORS configuration cannot state this policy; the message says what is missing."""


@dataclass(frozen=True)
class Built:
    """An app for one policy, and that policy in the framework's own terms (what a user would have written)."""

    app: object
    settings: str


@dataclass(frozen=True)
class Framework:
    """A web framework with its CORS implementation; ``module`` holds its ``build``."""

    key: str
    name: str
    packages: tuple[str, ...]
    """The distributions whose versions the table reports (the framework, then its CORS package)."""
    module: str

    def build(self, policy: Policy, cookies: Sequence[CookieSetup]) -> Built:
        """The app for ``policy``; the framework is imported on first use, so a run of a few imports only those."""
        built: Built = importlib.import_module(self.module).build(policy, cookies)
        return built


FRAMEWORKS: tuple[Framework, ...] = (
    Framework("starlette", "Starlette", ("starlette",), "conformance.apps.starlette"),
    Framework("fastapi", "FastAPI", ("fastapi", "starlette"), "conformance.apps.fastapi"),
    Framework("django", "Django", ("Django", "django-cors-headers"), "conformance.apps.django"),
    Framework("flask", "Flask", ("Flask", "flask-cors", "a2wsgi"), "conformance.apps.flask"),
    Framework("litestar", "Litestar", ("litestar",), "conformance.apps.litestar"),
    Framework("quart", "Quart", ("quart", "quart-cors"), "conformance.apps.quart"),
    Framework("aiohttp", "aiohttp", ("aiohttp", "aiohttp-cors"), "conformance.apps.aiohttp"),
)
"""Every framework compared, the reference first."""

REFERENCE = "starlette"
"""The framework every other one is compared with: the corpus's own policies are CORSMiddleware arguments."""


def framework_named(key: str) -> Framework:
    for framework in FRAMEWORKS:
        if framework.key == key:
            return framework
    raise ValueError(f'unknown framework "{key}": expected one of {", ".join(f.key for f in FRAMEWORKS)}')


def written_call(function: str, arguments: Mapping[str, Any], *, first: str | None = None) -> str:
    """``function(first, key=value, ...)`` as a user writes it, compiled regexes as ``re.compile(...)``."""
    written = [first] if first else []
    written += [f"{key}={_written(value)}" for key, value in arguments.items()]
    return f"{function}({', '.join(written)})"


def _written(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_written(item) for item in value) + "]"
    if isinstance(value, re.Pattern):
        return f"re.compile({value.pattern!r})"
    return repr(value)
