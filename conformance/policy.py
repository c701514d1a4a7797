"""One CORS policy, explicit: a scenario's CORSMiddleware arguments with Starlette's defaults filled in.

Frameworks are compared on the same settings, not on their different defaults (django-cors-headers allows six
headers and every method by default, flask-cors every origin, Starlette only GET): a setting the scenario leaves out
takes Starlette's default, and every framework is given that value explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from e2ekit._scenarios.app import cors_arguments

__all__ = ["WILDCARD", "Policy"]

WILDCARD = "*"


@dataclass(frozen=True)
class Policy:
    """Starlette's ``CORSMiddleware`` keyword arguments, every one stated; the defaults are Starlette's own."""

    allow_origins: tuple[str, ...] = ()
    allow_origin_regex: str | None = None
    allow_methods: tuple[str, ...] = ("GET",)
    allow_headers: tuple[str, ...] = ()
    allow_credentials: bool = False
    expose_headers: tuple[str, ...] = ()
    max_age: int = 600

    @classmethod
    def from_scenario(cls, cors: Mapping[str, Any], page_origin: str) -> Policy:
        """The policy of a scenario's ``[scenario.cors]`` table, ``{page}`` and ``{page_host}`` replaced."""
        arguments: dict[str, Any] = {
            key: tuple(value) if isinstance(value, list) else value
            for key, value in cors_arguments(cors, page_origin).items()
        }
        return cls(**arguments)

    @property
    def all_origins(self) -> bool:
        return WILDCARD in self.allow_origins

    @property
    def all_methods(self) -> bool:
        return WILDCARD in self.allow_methods

    @property
    def all_headers(self) -> bool:
        return WILDCARD in self.allow_headers

    @property
    def all_exposed(self) -> bool:
        return WILDCARD in self.expose_headers

    def middleware_arguments(self) -> dict[str, Any]:
        """The keyword arguments for Starlette's (and FastAPI's) ``CORSMiddleware``, lists as lists."""
        return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()}

    def describe(self, page_origin: str) -> str:
        """The settings in one line, the page origin written ``{page}`` as in the scenario files."""
        parts = []
        for key, value in self.middleware_arguments().items():
            if key == "allow_origin_regex" and value is None:
                continue
            parts.append(f"{key}={value!r}")
        return ", ".join(parts).replace(page_origin, "{page}").replace(page_origin.partition("://")[2], "{page_host}")
