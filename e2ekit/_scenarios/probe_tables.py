"""Reading ``[[scenario.probe]]`` and ``[[scenario.cookie]]`` tables into ScenarioProbe and CookieSetup."""

from __future__ import annotations

import re
from collections.abc import Mapping

from e2ekit._engines.base import ENGINE_NAMES
from e2ekit._errors import ProbeError
from e2ekit._probing.probe import CREDENTIALS_MODES, FETCH_MODES, REDIRECT_MODES, Probe
from e2ekit._probing.result import Verdict
from e2ekit._scenarios.fields import Fields, sentence_list
from e2ekit._scenarios.model import EXPECTABLE_VERDICTS, CookieSetup, ScenarioProbe
from e2ekit._standard import CaveatKind, Check

__all__ = ["COOKIE_KEYS", "PROBE_KEYS", "WIRE_KEYS", "read_cookie", "read_probe"]

PROBE_KEYS = (
    "path", "method", "headers", "body", "credentials", "mode", "redirect",
    "expect", "preflight", "reached_app", "cookie_sent", "status", "readable_headers", "check", "caveats", "note",
)  # fmt: skip
COOKIE_KEYS = ("name", "value", "samesite", "secure", "httponly", "path", "set_on")
COOKIE_SETTERS = ("target", "page")
SAMESITE_VALUES = ("Lax", "Strict", "None")
WIRE_KEYS = ("preflight", "reached_app", "cookie_sent")
"""Expectations on the wire that may differ by engine: true/false, or { default = ..., <engine> = ... }."""

_VERDICT_TEXT = sentence_list([f'"{verdict}"' for verdict in EXPECTABLE_VERDICTS])
_COOKIE_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_COOKIE_VALUE = re.compile(r"^[!#$%&'()*+\-./0-9:<=>?@A-Z\[\]^_`a-z{|}~]*$")


def read_probe(fields: Fields) -> ScenarioProbe:
    fields.check_keys(PROBE_KEYS)
    path = fields.string("path", expected='a path starting with "/", e.g. "/api"')
    path = "/" if path is None else path
    if not path.startswith("/"):
        raise fields.error("path", path, 'a path starting with "/", e.g. "/api"')
    method = fields.string("method", expected='an HTTP method, e.g. "GET" or "PUT"')
    method = "GET" if method is None else method
    body = fields.string("body")
    if body is not None and method.upper() in ("GET", "HEAD"):
        raise fields.error("body", body, f"no body with method {method.upper()} (fetch() rejects it)")
    try:
        probe = Probe(
            path=path,
            method=method,
            headers=_headers(fields),
            body=body,
            credentials=fields.choice("credentials", CREDENTIALS_MODES, "same-origin") or "same-origin",
            mode=fields.choice("mode", FETCH_MODES, "cors") or "cors",
            redirect=fields.choice("redirect", REDIRECT_MODES, "follow") or "follow",
        )
    except ProbeError as error:
        raise fields.error(error.argument, error.value, error.expected) from None
    wire = {name: _by_engine(fields, name) for name in WIRE_KEYS}
    wire_by_engine: dict[str, dict[str, bool]] = {}
    for name, (_, overrides) in wire.items():
        for engine, value in overrides.items():
            wire_by_engine.setdefault(engine, {})[name] = value
    return ScenarioProbe(
        probe=probe,
        expect=_expect(fields),
        preflight=wire["preflight"][0],
        reached_app=wire["reached_app"][0],
        cookie_sent=wire["cookie_sent"][0],
        wire_by_engine=wire_by_engine,
        status=fields.integer(
            "status", low=0, high=599, expected="an HTTP status from 100 to 599 (0 for an opaque response)"
        ),
        readable_headers=_readable_headers(fields),
        check=_check(fields),
        caveats=_caveats(fields),
        note=fields.string("note"),
    )


def _check(fields: Fields) -> str | None:
    value = fields.string("check", expected='a check identifier, e.g. "preflight.redirect"')
    if value is not None and value not in {check.value for check in Check}:
        raise fields.error("check", value, 'a check identifier of e2ekit._standard.Check, e.g. "preflight.redirect"')
    return value


_CAVEATS_EXPECTED = (
    'a list of caveat identifiers such as ["cookie.samesite"], or a table by engine such as '
    '{ default = [], webkit = ["cookie.secure-over-http"] }'
)


def _caveats(fields: Fields) -> Mapping[str, tuple[str, ...]]:
    value = fields.table.get("caveats")
    if value is None:
        return {}
    table = value if isinstance(value, Mapping) else {"default": value}
    nested = fields.nested(table, "caveats.") if isinstance(value, Mapping) else fields
    known = {kind.value for kind in CaveatKind}
    caveats: dict[str, tuple[str, ...]] = {}
    for engine, items in table.items():
        key = "caveats" if nested is fields else engine
        if engine not in (*ENGINE_NAMES, "default"):
            raise nested.error(key, items, f'an engine name ({", ".join(ENGINE_NAMES)}) or "default"')
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise nested.error(key, items, _CAVEATS_EXPECTED)
        unknown = [item for item in items if item not in known]
        if unknown:
            raise nested.error(key, items, f"caveat identifiers of e2ekit._standard.CaveatKind, not {unknown[0]!r}")
        caveats[engine] = tuple(items)
    if isinstance(value, Mapping) and "default" not in table and not all(name in table for name in ENGINE_NAMES):
        raise fields.error("caveats", value, f'a "default" key, or a list for each of {", ".join(ENGINE_NAMES)}')
    return caveats


def _headers(fields: Fields) -> tuple[tuple[str, str], ...]:
    table = fields.subtable("headers", 'a table of header names and values, e.g. { Authorization = "Bearer x" }')
    if table is None:
        return ()
    nested = fields.nested(table, "headers.")
    for name, value in table.items():
        if not isinstance(value, str):
            raise nested.error(name, value, "a string")
    return tuple(table.items())


def _expect(fields: Fields) -> Mapping[str, Verdict]:
    value = fields.table.get("expect")
    if value is None:
        raise fields.missing("expect", f'{_VERDICT_TEXT}, or a table by engine with a "default"')
    if isinstance(value, str):
        if value not in EXPECTABLE_VERDICTS:
            raise fields.error("expect", value, _VERDICT_TEXT)
        return {"default": EXPECTABLE_VERDICTS[value]}
    if not isinstance(value, Mapping):
        raise fields.error("expect", value, f'{_VERDICT_TEXT}, or a table by engine with a "default"')
    nested = fields.nested(value, "expect.")
    for key, verdict in value.items():
        if key not in (*ENGINE_NAMES, "default"):
            raise nested.error(key, verdict, f'an engine name ({", ".join(ENGINE_NAMES)}) or "default"')
        if not isinstance(verdict, str) or verdict not in EXPECTABLE_VERDICTS:
            raise nested.error(key, verdict, _VERDICT_TEXT)
    if "default" not in value and not all(name in value for name in ENGINE_NAMES):
        raise fields.error("expect", value, f'a "default" key, or a verdict for each of {", ".join(ENGINE_NAMES)}')
    return {key: EXPECTABLE_VERDICTS[verdict] for key, verdict in value.items()}


def _by_engine(fields: Fields, key: str) -> tuple[bool | None, dict[str, bool]]:
    """A wire expectation: the value for engines not named, and the engines' own values."""
    value = fields.table.get(key)
    if value is None or isinstance(value, bool):
        return value, {}
    expected = "true, false, or a table by engine such as { default = false, webkit = true }"
    if not isinstance(value, Mapping):
        raise fields.error(key, value, expected)
    nested = fields.nested(value, f"{key}.")
    for engine, item in value.items():
        if engine not in (*ENGINE_NAMES, "default"):
            raise nested.error(engine, item, f'an engine name ({", ".join(ENGINE_NAMES)}) or "default"')
        if not isinstance(item, bool):
            raise nested.error(engine, item, "true or false")
    if "default" not in value and not all(name in value for name in ENGINE_NAMES):
        raise fields.error(key, value, f'a "default" key, or a value for each of {", ".join(ENGINE_NAMES)}')
    return value.get("default"), {engine: item for engine, item in value.items() if engine != "default"}


def _readable_headers(fields: Fields) -> Mapping[str, str | None]:
    expected = 'a table of header name -> the value JavaScript must read, or false for "must not be readable"'
    table = fields.subtable("readable_headers", expected)
    if table is None:
        return {}
    nested = fields.nested(table, "readable_headers.")
    readable: dict[str, str | None] = {}
    for name, value in table.items():
        if value is False:
            readable[name.lower()] = None
        elif isinstance(value, str):
            readable[name.lower()] = value
        else:
            raise nested.error(name, value, "the exact value JavaScript must read, or false (must not be readable)")
    return readable


def read_cookie(fields: Fields) -> CookieSetup:
    fields.check_keys(COOKIE_KEYS)
    name = fields.string("name", required=True, expected='a cookie name, e.g. "sid"') or ""
    if not _COOKIE_NAME.match(name):
        raise fields.error("name", name, 'a cookie name made of token characters, e.g. "sid"')
    value = fields.string("value") or "1"
    if not _COOKIE_VALUE.match(value):
        raise fields.error("value", value, "a cookie value without spaces, quotes, commas, semicolons or backslashes")
    path = fields.string("path", expected='a path starting with "/"')
    path = "/" if path is None else path
    if not path.startswith("/"):
        raise fields.error("path", path, 'a path starting with "/"')
    return CookieSetup(
        name=name,
        value=value,
        samesite=fields.choice("samesite", SAMESITE_VALUES, fold=True),
        secure=bool(fields.boolean("secure", False)),
        httponly=bool(fields.boolean("httponly", True)),
        path=path,
        set_on=fields.choice("set_on", COOKIE_SETTERS, "target") or "target",
    )
