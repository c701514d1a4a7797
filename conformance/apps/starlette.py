"""Starlette's CORSMiddleware, the reference: the corpus's scenario app itself, its routes and the policy as given."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from conformance.apps import Built, written_call
from conformance.policy import Policy
from e2ekit._scenarios.model import CookieSetup
from e2ekit._scenarios.routes import builtin_routes

__all__ = ["build"]


def build(policy: Policy, cookies: Sequence[CookieSetup]) -> Built:
    arguments = policy.middleware_arguments()
    app = Starlette(routes=builtin_routes(cookies), middleware=[Middleware(CORSMiddleware, **arguments)])
    return Built(app, written_call("Middleware", arguments, first="CORSMiddleware"))
