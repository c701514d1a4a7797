"""The app under test, of any kind, as the one ASGI app the kit serves.

An app is given as an object (the pytest plugin) or as text (the command line, scenario files):

- an ASGI 3 app (``async (scope, receive, send)``: Starlette, FastAPI, Django's ASGI handler, Litestar, Quart)
  is served as it is;
- a WSGI app (``(environ, start_response)``: Flask, Django's WSGI handler, Bottle, Pyramid) through a2wsgi's
  ``WSGIMiddleware``, which runs it on a thread pool as an ASGI server does;
- an aiohttp ``web.Application`` by aiohttp's own server behind the recording proxy (e2ekit._serving.aiohttp_app);
- a callable that takes no arguments, or any callable with ``factory=True`` (``--factory``), is called and what
  it returns is served;
- text is ``"<module>:<attribute>"`` (uvicorn's format; the module is imported from ``app_dir`` first), or the URL
  of a server that is already running, reached through the recording proxy (e2ekit._serving.proxy).

Anything else is an AppLoadError that names what was found and what is accepted. The kind is told from the call
signature, as a server must: an ASGI 3 app is a coroutine function (or has an ``async def __call__``) taking three
positional arguments, as uvicorn tells ASGI 3 apart; a WSGI app is a plain callable taking two.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, cast

from e2ekit._errors import AppLoadError
from e2ekit._serving.asgi import ASGIApp
from e2ekit._serving.upstream import Upstream, is_url

__all__ = [
    "ACCEPTED",
    "AppKind",
    "app_kind",
    "as_asgi",
    "default_path",
    "import_app_module",
    "load_app",
    "parse_import_string",
]

ACCEPTED = (
    "an ASGI app (async (scope, receive, send)), a WSGI app ((environ, start_response)), an aiohttp "
    "web.Application, a callable without arguments that returns one, or the URL of a running server"
)
_DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\Z")


class AppKind(str, enum.Enum):
    """How the kit serves an app."""

    ASGI = "ASGI"
    WSGI = "WSGI"
    AIOHTTP = "aiohttp"
    RUNNING_SERVER = "running server"

    def __str__(self) -> str:
        return self.value


def load_app(text: str, *, factory: bool = False, app_dir: str | Path = ".", allow_remote: bool = False) -> ASGIApp:
    """The app ``text`` names (``module:attribute`` or a URL), ready to serve; ``factory`` calls what it names."""
    if is_url(text):
        from e2ekit._serving.proxy import ReverseProxy

        return ReverseProxy(Upstream.parse(text, allow_remote=allow_remote))
    module_name, attribute = parse_import_string(text)
    directory = str(Path(app_dir).resolve())
    if directory not in sys.path:
        sys.path.insert(0, directory)
    module = import_app_module(module_name, text, searched=directory)
    return as_asgi(_attribute(module, module_name, attribute, text), f'app "{text}"', factory=factory)


def parse_import_string(text: str) -> tuple[str, str]:
    """``(module, attribute)`` of ``"module:attribute"``; the one rule for the command line and scenario files.

    A file path is refused everywhere: the module is imported by name, from a directory that is searched first
    (``--app-dir``, or the scenario file's directory), so the module's own imports work as they do for uvicorn.
    """
    module, colon, attribute = text.partition(":")
    if "/" in module or "\\" in module or module.endswith(".py"):
        raise AppLoadError(
            f'app "{text}": "{module}" is a file path, not a module name; write "<module>:<attribute>" and import '
            "it from its directory (--app-dir on the command line; a scenario file's own directory is searched first)"
        )
    if not colon or not module or not attribute:
        raise AppLoadError(
            f'app "{text}" must be in format "<module>:<attribute>", e.g. "myapp.main:app", or the URL of a running '
            'server, e.g. "http://127.0.0.1:8000"'
        )
    if not _DOTTED_NAME.match(module) or not _DOTTED_NAME.match(attribute):
        hint = f'; for a running server write "http://{text}"' if attribute.isdigit() else ""
        raise AppLoadError(f'app "{text}" must be in format "<module>:<attribute>" with Python names{hint}')
    return module, attribute


def import_app_module(module_name: str, text: str, *, searched: str) -> ModuleType:
    """Import the app's module; its failures (an exception, ``sys.exit()``) become one AppLoadError line."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            raise AppLoadError(
                f'app "{text}": module "{module_name}" was not found in {searched} or on sys.path'
            ) from None
        raise AppLoadError(f'app "{text}": importing "{module_name}" failed: {error}') from None
    except SystemExit as exit:  # uvicorn would end here too; the kit says why instead of exiting with that code
        raise AppLoadError(
            f'app "{text}": importing "{module_name}" called {_exit_call(exit)}; a module that serves an app must '
            "not exit when imported"
        ) from None
    except Exception as error:  # the user's module raised while importing: report it, as uvicorn does
        raise AppLoadError(f'app "{text}": importing "{module_name}" raised {type(error).__name__}: {error}') from None


def _attribute(module: ModuleType, module_name: str, attribute: str, text: str) -> object:
    found: object = module
    for part in attribute.split("."):
        try:
            found = getattr(found, part)
        except AttributeError:
            raise AppLoadError(f'app "{text}": module "{module_name}" has no attribute "{attribute}"') from None
    return found


def as_asgi(app: object, name: str = "the app given", *, factory: bool = False) -> ASGIApp:
    """``app`` as an ASGI app the kit can serve: itself, or an adapter around it. ``name`` opens error messages."""
    if factory:
        if not callable(app):
            raise AppLoadError(f"{name} with --factory must be a callable that returns the app; it is {_found(app)}")
        return _served(_called(app, name), f"{name} returned")
    if _kind(app) is None and callable(app) and not inspect.isclass(app) and _positional(app) == (0, False):
        return _served(_called(app, name), f"{name} returned")
    return _served(app, f"{name} is")


def app_kind(app: ASGIApp) -> AppKind:
    """What the user gave, behind the adapter ``as_asgi`` put around it."""
    from a2wsgi import WSGIMiddleware

    if isinstance(app, WSGIMiddleware):
        return AppKind.WSGI
    # Those adapters exist only if their module was imported (it imports aiohttp).
    aiohttp_app, proxy = sys.modules.get("e2ekit._serving.aiohttp_app"), sys.modules.get("e2ekit._serving.proxy")
    if aiohttp_app is not None and isinstance(app, aiohttp_app.AiohttpApp):
        return AppKind.AIOHTTP
    if proxy is not None and isinstance(app, proxy.ReverseProxy):
        return AppKind.RUNNING_SERVER
    return AppKind.ASGI


def default_path(app: ASGIApp) -> str:
    """The path to fetch when none is given: a running server's URL names one (http://localhost:5173/api), else /."""
    if app_kind(app) is AppKind.RUNNING_SERVER:
        target: str = app.upstream.target  # type: ignore[attr-defined]
        return target
    return "/"


def _served(app: object, found_as: str) -> ASGIApp:
    kind = _kind(app)
    if kind is None:
        raise AppLoadError(f"{found_as} {_found(app)}; expected {ACCEPTED}")
    if kind is AppKind.WSGI:
        from a2wsgi import WSGIMiddleware

        from e2ekit._serving.daemon_threads import DaemonThreads

        middleware = WSGIMiddleware(app)  # type: ignore[arg-type]
        # On daemon threads: a view that never returns must not keep the process from exiting.
        middleware.executor = DaemonThreads()  # type: ignore[assignment]
        return cast(ASGIApp, middleware)
    if kind is AppKind.AIOHTTP:
        from e2ekit._serving.aiohttp_app import AiohttpApp

        return AiohttpApp(app)  # type: ignore[arg-type]
    return app  # type: ignore[return-value]


def _kind(app: object) -> AppKind | None:
    web = sys.modules.get("aiohttp.web")
    # Before the signature: an aiohttp Application is callable too (it returns itself, for gunicorn).
    if web is not None and isinstance(app, web.Application):
        return AppKind.AIOHTTP
    if not callable(app) or inspect.isclass(app):
        return None
    positional = _positional(app)
    if positional is None:
        return None
    required, variadic = positional
    if _is_coroutine_function(app):
        return AppKind.ASGI if required == 3 or (variadic and required < 3) else None
    return AppKind.WSGI if required == 2 else None


def _positional(app: Any) -> tuple[int, bool] | None:
    """How many positional arguments a call needs, and whether it takes ``*args``; None if it cannot be told."""
    try:
        signature = inspect.signature(app)
    except (TypeError, ValueError):
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    params = signature.parameters.values()
    required = sum(p.kind in kinds and p.default is inspect.Parameter.empty for p in params)
    return required, any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)


def _is_coroutine_function(app: Any) -> bool:
    return inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(type(app).__call__)


def _called(factory: Any, name: str) -> object:
    try:
        app: object = factory()
    except SystemExit as exit:
        raise AppLoadError(f"{name}: calling it to get the app called {_exit_call(exit)}") from None
    except Exception as error:  # a factory that raises is the user's error to see, not a traceback
        raise AppLoadError(f"{name}: calling it to get the app raised {type(error).__name__}: {error}") from None
    if inspect.isawaitable(app):
        close = getattr(app, "close", None)
        if callable(close):
            close()  # an un-awaited coroutine would warn at exit
        raise AppLoadError(f"{name} is an async factory; give the app itself, or a factory that is not async")
    return app


def _found(app: object) -> str:
    """What ``app`` is, for a message: "a dict", "a function taking (environ)", "a Flask object taking (...)"."""
    if inspect.isclass(app):
        return f"the class {app.__qualname__} (give an instance, or a callable that returns one)"
    if not callable(app):
        return _article(type(app).__name__)
    try:
        parameters = "(" + ", ".join(inspect.signature(app).parameters) + ")"
    except (TypeError, ValueError):
        parameters = "arguments e2ekit cannot inspect"
    asynchronous = "async " if _is_coroutine_function(app) else ""
    if inspect.isfunction(app) or inspect.ismethod(app) or inspect.isbuiltin(app):
        return f"an {asynchronous}function taking {parameters}" if asynchronous else f"a function taking {parameters}"
    return f"{_article(asynchronous + type(app).__name__)} object taking {parameters}"


def _article(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def _exit_call(exit: SystemExit) -> str:
    return "sys.exit()" if exit.code is None else f"sys.exit({exit.code!r})"
