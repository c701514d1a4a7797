"""aiohttp-cors: ``cors = aiohttp_cors.setup(app)``, then ``cors.add(route, {origin: ResourceOptions(...)})``.

https://github.com/aio-libs/aiohttp-cors. The options are dicts from origin (or ``"*"``) to ``ResourceOptions``,
kept by the app's CorsConfig (``app[aiohttp_cors.APP_CONFIG_KEY]``) per resource and read on every request, so a
change is applied by replacing them. aiohttp-cors always echoes the request's origin, and refuses a preflight with
403 and a sentence ("CORS preflight request failed: request method 'PUT' is not allowed for ... origin").
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

from e2ekit._frameworks.base import Framework
from e2ekit._frameworks.policy import Change, CorsPolicy, Setting
from e2ekit._standard import Check, Facts

__all__ = ["AiohttpCORS"]

_REFUSALS = (
    ("request method", Check.METHOD_NOT_ALLOWED),
    ("headers are not allowed", Check.HEADER_NOT_ALLOWED),
    ("origin '", Check.PREFLIGHT_ORIGIN_MISMATCH),
    ("no origins are allowed", Check.PREFLIGHT_ORIGIN_MISMATCH),
)


class AiohttpCORS(Framework):
    """aiohttp-cors on an ``aiohttp.web.Application``."""

    name = "aiohttp-cors"
    layer = "aiohttp-cors"
    outermost = "add the route to aiohttp-cors with cors.add(route, {...})"

    def detect(self, app: object) -> CorsPolicy | None:
        if "aiohttp" not in sys.modules:
            return None
        from aiohttp import web

        if not isinstance(app, web.Application):
            return None
        configs = list(_option_maps(app))
        if not configs:
            return CorsPolicy(installed=False)
        origins = tuple(dict.fromkeys(origin for config in configs for origin in config))
        options = [option for config in configs for option in config.values()]
        methods = {m for option in options for m in _listed(option.allow_methods)}
        headers = {h for option in options for h in _listed(option.allow_headers)}
        return CorsPolicy(
            origins=origins,
            credentials=bool(options) and all(option.allow_credentials for option in options),
            methods=None if not methods else tuple(sorted(methods)),
            headers=tuple(sorted(headers)),
            expose_headers=tuple(sorted(h for option in options for h in _listed(option.expose_headers))),
            where="cors.add(...)",
        )

    def names(self, policy: CorsPolicy) -> Mapping[Setting, str]:
        return {
            Setting.ORIGINS: "the origins of cors.add(route, {...})",
            Setting.ORIGIN_PATTERNS: "the origins of cors.add(route, {...})",
            Setting.CREDENTIALS: "allow_credentials=True in its aiohttp_cors.ResourceOptions",
            Setting.METHODS: "allow_methods in its aiohttp_cors.ResourceOptions",
            Setting.HEADERS: "allow_headers in its aiohttp_cors.ResourceOptions",
            Setting.EXPOSE_HEADERS: "expose_headers in its aiohttp_cors.ResourceOptions",
        }

    def word(self, change: Change, policy: CorsPolicy) -> str:
        if change.setting in (Setting.ORIGINS, Setting.ORIGIN_PATTERNS):
            if change.replaces is not None:
                return f"replace the origin '{change.replaces}' with '{change.value}' in cors.add(route, {{...}})"
            return f"add '{change.value}': aiohttp_cors.ResourceOptions(...) to cors.add(route, {{...}})"
        return super().word(change, policy)

    def install(self, origin: str, policy: CorsPolicy) -> str:
        return (
            "set up aiohttp-cors: cors = aiohttp_cors.setup(app) and cors.add(route, "
            f"{{'{origin}': aiohttp_cors.ResourceOptions()}}) for each route"
        )

    def preflight_refusal(self, facts: Facts) -> Check | None:
        if "CORS preflight request failed" not in facts.body:
            return None
        return next((check for words, check in _REFUSALS if words in facts.body), None)

    def apply(self, app: object, change: Change) -> bool:
        if self.detect(app) is None:
            return False
        from aiohttp_cors import ResourceOptions

        maps = list(_option_maps(app))
        for config in maps:
            for origin, option in list(config.items()):
                if change.setting in (Setting.ORIGINS, Setting.ORIGIN_PATTERNS):
                    if origin in (change.replaces, "*") and change.value not in config:
                        config[change.value] = option
                    if origin == change.replaces and change.replaces is not None:
                        del config[origin]
                    continue
                # ResourceOptions keeps lists as frozensets but accepts only sequences (or "*").
                fields = {k: sorted(v) if isinstance(v, frozenset) else v for k, v in option._asdict().items()}
                if change.setting is Setting.CREDENTIALS:
                    fields["allow_credentials"] = True
                else:
                    key = {
                        Setting.METHODS: "allow_methods",
                        Setting.HEADERS: "allow_headers",
                        Setting.EXPOSE_HEADERS: "expose_headers",
                    }[change.setting]
                    if fields[key] != "*":
                        fields[key] = [*_listed(fields[key]), change.value]
                config[origin] = ResourceOptions(**fields)  # type: ignore[no-untyped-call]
        return bool(maps)


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    if value == "*":
        return ["*"]
    return sorted(str(item) for item in value)


def _option_maps(app: Any) -> Iterator[MutableMapping[str, Any]]:
    """Every origin -> ResourceOptions dict the app's CorsConfig reads: the defaults, each resource's, each route's."""
    from aiohttp_cors import APP_CONFIG_KEY

    cors = app.get(APP_CONFIG_KEY)
    if cors is None:
        return
    yield cors.defaults
    adapter = getattr(cors._cors_impl, "_router_adapter", None)
    for resource_config in getattr(adapter, "_resource_config", {}).values():
        yield resource_config.default_config
        yield from resource_config.method_config.values()
