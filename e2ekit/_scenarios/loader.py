"""Read scenario files (TOML, see scenarios/README.md) into Scenario objects, validating every key.

Every problem is a ScenarioError naming the file, the scenario, the key, what was found and what was expected;
nothing here lets a KeyError or a TypeError escape as a traceback.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from e2ekit._errors import OriginError, ScenarioError
from e2ekit._probing.origins import Origin
from e2ekit._probing.session import DEFAULT_PAGE_ORIGIN, DEFAULT_TARGET_ORIGIN
from e2ekit._scenarios.app import cors_arguments
from e2ekit._scenarios.fields import Fields, render
from e2ekit._scenarios.layers import LAYERS
from e2ekit._scenarios.model import Scenario
from e2ekit._scenarios.probe_tables import read_cookie, read_probe
from e2ekit._serving.topology import SAME_ORIGIN

__all__ = ["CORS_KEYS", "SCENARIO_KEYS", "display_path", "load_scenarios", "read_scenarios"]

SCENARIO_KEYS = (
    "id", "title", "source", "page", "target", "opaque_page", "tags", "cors", "app", "layers", "cookie", "probe",
)  # fmt: skip
CORS_KEYS = (
    "allow_origins", "allow_origin_regex", "allow_methods", "allow_headers", "allow_credentials", "expose_headers",
    "max_age",
)  # fmt: skip
"""Starlette's (and FastAPI's) CORSMiddleware keyword arguments."""

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_ID_TEXT = 'an id made of letters, digits, "-", "_" or "." (used in test ids)'
_ORIGIN_EXAMPLE = (
    'an http or https origin, e.g. "http://localhost", "http://127.0.0.1:8000" or "https://app.example.test"'
)


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it (as messages show it), else absolute."""
    absolute = path.resolve()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def load_scenarios(paths: Iterable[str | os.PathLike[str]]) -> list[Scenario]:
    """Scenarios of every file in ``paths`` (a directory stands for its ``*.toml`` files, sorted), in file order."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files += sorted(path.glob("*.toml"))
        elif path.is_file():
            files.append(path)
        else:
            raise ScenarioError(
                f"{given}: no such file or directory: expected a scenario file (.toml) or a directory of them"
            )
    if not files:
        raise ScenarioError(f"{', '.join(map(str, paths))}: no scenario files (*.toml) found")
    scenarios: list[Scenario] = []
    seen: dict[str, str] = {}
    for file in files:
        for scenario in read_scenarios(file):
            if scenario.id in seen:
                raise ScenarioError(
                    f'{scenario.file}: [{scenario.id}] id = "{scenario.id}": expected a unique id; '
                    f"{seen[scenario.id]} already has a scenario with this id"
                )
            seen[scenario.id] = scenario.file
            scenarios.append(scenario)
    return scenarios


def read_scenarios(path: Path) -> list[Scenario]:
    """The scenarios of one file; ids must be unique within it."""
    shown = display_path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        # tomllib's message ends with "(at line N, column M)": the line is in the message.
        raise ScenarioError(f"{shown}: invalid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"{shown}: cannot read the file: {error}") from None
    except RecursionError:
        # tomllib parses nested arrays and tables recursively: a few hundred levels exhaust the stack.
        raise ScenarioError(f"{shown}: invalid TOML: nested too deeply (expected at most a few levels)") from None
    for key, value in document.items():
        if key != "scenario":
            raise ScenarioError(f"{shown}: {key} = {render(value)}: expected only [[scenario]] tables at the top level")
    tables = document.get("scenario")
    if not isinstance(tables, list) or not tables or not all(isinstance(table, Mapping) for table in tables):
        raise ScenarioError(f"{shown}: no [[scenario]] tables: expected at least one, see scenarios/README.md")
    scenarios: list[Scenario] = []
    for number, table in enumerate(tables, start=1):
        scenario = _scenario(table, shown, number)
        if any(other.id == scenario.id for other in scenarios):
            raise ScenarioError(
                f'{shown}: [{scenario.id}] id = "{scenario.id}": expected a unique id; the file already has one'
            )
        scenarios.append(scenario)
    return scenarios


def _scenario(table: Mapping[str, Any], file: str, number: int) -> Scenario:
    raw_id = table.get("id")
    where = raw_id if isinstance(raw_id, str) and _ID.match(raw_id) else f"scenario {number}"
    fields = Fields(table, file=file, where=where)
    scenario_id = fields.string("id", required=True, expected=_ID_TEXT) or ""
    if not _ID.match(scenario_id):
        raise fields.error("id", scenario_id, _ID_TEXT)
    fields.check_keys(SCENARIO_KEYS)
    title = fields.string("title", required=True, expected="a one-line description") or ""
    source = fields.string("source", expected="the URL of the public report this scenario comes from")
    if source is not None and not source.startswith(("https://", "http://")):
        raise fields.error("source", source, "the URL of the public report this scenario comes from")
    page = _origin(fields, "page", DEFAULT_PAGE_ORIGIN, allow_same=False)
    target = _origin(fields, "target", DEFAULT_TARGET_ORIGIN, allow_same=True)
    cors = _cors(fields)
    app = fields.string("app", expected='an import string "module:attribute", e.g. "apps.legacy:app"')
    layers = fields.string_list("layers", expected=f"a list of layer names ({', '.join(LAYERS)})") or ()
    for layer in layers:
        if layer not in LAYERS:
            raise fields.error("layers", list(layers), f"layer names from {', '.join(LAYERS)}")
    if app is not None:
        module, colon, attribute = app.partition(":")
        if not colon or not module or not attribute:
            raise fields.error("app", app, 'an import string "module:attribute", e.g. "apps.legacy:app"')
        if cors is not None or layers:
            raise fields.error(
                "app", app, "either app or [scenario.cors] and layers, not both (an app brings its own CORS)"
            )
    probe_tables = fields.tables("probe", "[[scenario.probe]] tables")
    if not probe_tables:
        raise fields.missing("probe", "at least one [[scenario.probe]] table")
    cookie_tables = fields.tables("cookie", "[[scenario.cookie]] tables")
    # A probe's messages read "[<id>][<index>] key = ...", the way its test ids read, when there are several.
    probe_where = [where + (f"][{index}" if len(probe_tables) > 1 else "") for index in range(len(probe_tables))]
    return Scenario(
        id=scenario_id,
        title=title,
        file=file,
        probes=tuple(
            read_probe(Fields(probe, file=file, where=label)) for probe, label in zip(probe_tables, probe_where)
        ),
        cors=cors,
        app=app,
        layers=layers,
        page=page,
        target=target,
        opaque_page=bool(fields.boolean("opaque_page", False)),
        cookies=tuple(
            read_cookie(fields.nested(cookie, f"cookie[{index}]." if len(cookie_tables) > 1 else "cookie."))
            for index, cookie in enumerate(cookie_tables)
        ),
        source=source,
        tags=fields.string_list("tags") or (),
    )


def _origin(fields: Fields, key: str, default: str, *, allow_same: bool) -> str:
    value = fields.string(key, expected=_ORIGIN_EXAMPLE + (f' or "{SAME_ORIGIN}"' if allow_same else ""))
    if value is None:
        return default
    if allow_same and value == SAME_ORIGIN:
        return value
    try:
        Origin.parse(value, what=f"{key} origin")
    except OriginError as error:
        raise fields.error(key, value, f"{_ORIGIN_EXAMPLE} ({error})") from None
    return value


def _cors(fields: Fields) -> Mapping[str, Any] | None:
    table = fields.subtable("cors", "a [scenario.cors] table of CORSMiddleware arguments")
    if table is None:
        return None
    cors = fields.nested(table, "cors.")
    cors.check_keys(CORS_KEYS)
    kwargs: dict[str, Any] = {}
    for key in ("allow_origins", "allow_methods", "allow_headers", "expose_headers"):
        value = cors.string_list(key)
        if value is not None:
            kwargs[key] = list(value)
    regex = cors.string("allow_origin_regex", expected="a regular expression (Python re syntax)")
    if regex is not None:
        try:
            re.compile(cors_arguments({"regex": regex}, DEFAULT_PAGE_ORIGIN)["regex"])
        except (re.error, OverflowError, RecursionError) as error:
            # OverflowError: a repetition count beyond what re can hold; RecursionError: groups nested thousands deep.
            reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
            raise cors.error(
                "allow_origin_regex", regex, f"a regular expression (Python re syntax): {reason}"
            ) from None
        kwargs["allow_origin_regex"] = regex
    credentials = cors.boolean("allow_credentials")
    if credentials is not None:
        kwargs["allow_credentials"] = credentials
    max_age = cors.integer("max_age", low=-1, high=10**9, expected="a number of seconds, e.g. 600")
    if max_age is not None:
        kwargs["max_age"] = max_age
    return kwargs
