"""Load the app under test from an import string such as ``myapp.main:app``."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from e2ekit._serving.asgi import ASGIApp

__all__ = ["AppLoadError", "load_app"]


class AppLoadError(ValueError):
    """The app import string does not lead to an ASGI app."""


def load_app(import_string: str, *, factory: bool = False, app_dir: str | Path = ".") -> ASGIApp:
    """Import ``module:attribute`` (uvicorn's format); with ``factory`` call it to get the app."""
    module_name, colon, attribute = import_string.partition(":")
    if not colon or not module_name or not attribute:
        raise AppLoadError(f'app "{import_string}" must be in format "<module>:<attribute>", e.g. "myapp.main:app"')
    app_dir = str(Path(app_dir).resolve())
    if app_dir not in sys.path:
        sys.path.insert(0, app_dir)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            raise AppLoadError(
                f'app "{import_string}": module "{module_name}" was not found in {app_dir} or on sys.path'
            ) from None
        raise AppLoadError(f'app "{import_string}": importing "{module_name}" failed: {error}') from None
    except Exception as error:  # the user's module raised while importing: report it, as uvicorn does
        raise AppLoadError(
            f'app "{import_string}": importing "{module_name}" raised {type(error).__name__}: {error}'
        ) from None
    app = module
    for part in attribute.split("."):
        try:
            app = getattr(app, part)
        except AttributeError:
            raise AppLoadError(
                f'app "{import_string}": module "{module_name}" has no attribute "{attribute}"'
            ) from None
    if factory:
        if not callable(app):
            raise AppLoadError(f'app "{import_string}" with --factory must be a callable that returns the app')
        try:
            app = app()
        except Exception as error:  # a factory that raises is the user's error to see, not a traceback
            raise AppLoadError(f'app factory "{import_string}" raised {type(error).__name__}: {error}') from None
    if not callable(app):
        raise AppLoadError(f'app "{import_string}" is a {type(app).__name__}, not an ASGI app (a callable)')
    return app
