"""Bad input gets exit 2 and one line on standard error: never a traceback, a hang, a browser started or a verdict.

The regression cases are the inputs reported in issue 10, kept as they were found; the fuzz cases are generated from
a fixed seed (the same inputs on every run), each a valid scenario file or command line with one thing broken.
Everything runs in-process through the CLI's ``main``, with a bound on each call, so three hundred inputs take
seconds; afterwards no thread, child process or listening socket of the kit may be left.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from e2ekit._cli import main

SEED = 20261130
FUZZ_COUNT = 320
CALL_TIMEOUT = 20.0

VALID_SCENARIO = """\
[[scenario]]
id = "listed-origin"
title = "A listed origin reads the response"
page = "http://localhost"
target = "http://127.0.0.1"
[scenario.cors]
allow_origins = ["{page}"]
allow_methods = ["GET", "PUT"]
[[scenario.probe]]
path = "/api"
method = "PUT"
headers = { X-Api-Key = "k" }
credentials = "include"
expect = "allowed"
"""

ONE_LINE_PREFIX = "e2ekit: error: "


# --- the inputs of issue 10, as reported ---------------------------------------------------------------------------

REGRESSION_SCENARIOS = {
    "deep-arrays": "x = " + "[" * 600 + "]" * 600 + "\n",
    "deep-inline-tables": "x = " + "{a = " * 600 + "1" + "}" * 600 + "\n",
    "deep-dotted-header": "[" + ".".join(["a"] * 1500) + "]\n",
    "regex-repetition-too-large": VALID_SCENARIO.replace(
        'allow_origins = ["{page}"]', 'allow_origin_regex = "a{4294967296}"'
    ),
    "regex-nested-groups": VALID_SCENARIO.replace(
        'allow_origins = ["{page}"]', 'allow_origin_regex = "' + "(" * 5000 + "a" + ")" * 5000 + '"'
    ),
    "port-with-superscript-digit": VALID_SCENARIO.replace('page = "http://localhost"', 'page = "http://localhost:²"'),
    "target-port-with-fullwidth-digits": VALID_SCENARIO.replace(
        'target = "http://127.0.0.1"', 'target = "http://127.0.0.1:３０００"'
    ),
    "header-value-with-crlf": VALID_SCENARIO.replace('X-Api-Key = "k"', 'X-Api-Key = "k\\r\\nX-Evil: 1"'),
    "header-value-with-nul": VALID_SCENARIO.replace('X-Api-Key = "k"', 'X-Api-Key = "k\\u0000"'),
    "header-value-beyond-latin-1": VALID_SCENARIO.replace('X-Api-Key = "k"', 'X-Api-Key = "\\u65e5"'),
    "empty-header-name": VALID_SCENARIO.replace('X-Api-Key = "k"', '"" = "k"'),
    "method-with-crlf": VALID_SCENARIO.replace('method = "PUT"', 'method = "PUT\\r\\nX-Evil: 1"'),
    "forbidden-header-cookie": VALID_SCENARIO.replace('X-Api-Key = "k"', 'Cookie = "sid=1"'),
    "forbidden-header-origin": VALID_SCENARIO.replace('X-Api-Key = "k"', 'Origin = "http://evil.example"'),
    "path-with-the-kit-marker": VALID_SCENARIO.replace('path = "/api"', 'path = "/api?__e2ekit=1"'),
}

REGRESSION_COMMANDS = {
    "page-origin-with-superscript-port": ["check", "tests.apps:app", "--page-origin", "http://localhost:²"],
    "target-origin-with-superscript-port": ["check", "tests.apps:app", "--target-origin", "http://127.0.0.1:²"],
    "header-with-crlf": ["check", "tests.apps:app", "--header", "X-A: b\r\nX-Evil: 1"],
    "forbidden-header-host": ["check", "tests.apps:app", "--header", "Host: evil.example"],
    "method-with-crlf": ["check", "tests.apps:app", "--method", "GET\r\nX: 1"],
    "visit-without-a-leading-slash": ["check", "tests.apps:app", "--visit", "login"],
    "unknown-engine": ["check", "tests.apps:app", "--browser", "netscape"],
    "repro-port-with-superscript-digit": [
        "repro",
        "Access to fetch at 'http://127.0.0.1:²/api' from origin 'http://localhost:3000' has been blocked by CORS "
        "policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        "--app",
        "tests.apps:app",
    ],
    "repro-malformed-ipv6-url": [
        "repro",
        "Access to fetch at 'http://[::1/api' from origin 'http://localhost:3000' has been blocked by CORS policy: "
        "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        "--app",
        "tests.apps:app",
    ],
    "repro-text-without-a-cors-message": ["repro", "TypeError: Failed to fetch", "--app", "tests.apps:app"],
}


# --- generated inputs ----------------------------------------------------------------------------------------------

BAD_ORIGINS = [
    "localhost",
    "ftp://localhost",
    "http://",
    "http://localhost:0",
    "http://localhost:65536",
    "http://localhost:-1",
    "http://localhost:80a",
    "http://localhost:¹²",
    "http://localhost:٣٠٠٠",
    "http://local host",
    "http://localhost/api",
    "http://localhost?x=1",
    "http://[::1",
    "http://[zz]:80",
    "http://user@localhost",
    "http://\x1b[31mlocalhost",
    "",
]
BAD_HEADER_VALUES = ["a\r\nb", "a\nb", "a\rb", "a\x00b", "\u65e5\u672c", "\U0001f600"]
BAD_HEADER_NAMES = ["", "X A", "X:A", "X\r\nA", "X\x00", "Ä", "(x)"]
FORBIDDEN_HEADERS = ["Cookie", "Host", "Origin", "Referer", "Content-Length", "Sec-Fetch-Mode", "Proxy-Authorization"]
BAD_METHODS = ["", "GE T", "GET\r\n", "G\x00T", "ÜBER", "(GET)", "GET/1"]
BAD_PATHS = ["api", "", "http://evil.example/api", "/api?__e2ekit=7", "/api?a=1&__e2ekit=2"]
BAD_REGEXES = ["(", "[a-", "a{4294967296}", "(?P<x>a)(?P<x>b)", "*a", "(" * 3000 + "a" + ")" * 3000]
WRONG_TYPES = {
    'id = "listed-origin"': ["id = 3", 'id = ""', 'id = "has space"', "id = []"],
    'title = "A listed origin reads the response"': ["title = 1", "title = {}"],
    'expect = "allowed"': ['expect = "maybe"', "expect = true", 'expect = { webkit = "blocked" }', "expect = 2"],
    'credentials = "include"': ['credentials = "yes"', "credentials = 1"],
    'allow_methods = ["GET", "PUT"]': ['allow_methods = "GET"', "allow_methods = [1]"],
}


def _replace(original: str, replacement: str) -> str:
    assert original in VALID_SCENARIO
    return VALID_SCENARIO.replace(original, replacement)


def generated_scenarios(rng: random.Random) -> Iterator[tuple[str, str]]:
    """Scenario files with one thing broken, ``FUZZ_COUNT`` of them from ``rng``."""

    def toml_string(text: str) -> str:
        return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in text) + '"'

    mutators: list[Callable[[], tuple[str, str]]] = [
        lambda: (
            "page-origin",
            _replace('page = "http://localhost"', f"page = {toml_string(rng.choice(BAD_ORIGINS))}"),
        ),
        lambda: (
            "target-origin",
            _replace('target = "http://127.0.0.1"', f"target = {toml_string(rng.choice(BAD_ORIGINS))}"),
        ),
        lambda: (
            "header-value",
            _replace('X-Api-Key = "k"', f"X-Api-Key = {toml_string(rng.choice(BAD_HEADER_VALUES))}"),
        ),
        lambda: ("header-name", _replace('X-Api-Key = "k"', f'{toml_string(rng.choice(BAD_HEADER_NAMES))} = "k"')),
        lambda: ("forbidden-header", _replace('X-Api-Key = "k"', f'{rng.choice(FORBIDDEN_HEADERS)} = "k"')),
        lambda: ("method", _replace('method = "PUT"', f"method = {toml_string(rng.choice(BAD_METHODS))}")),
        lambda: ("path", _replace('path = "/api"', f"path = {toml_string(rng.choice(BAD_PATHS))}")),
        lambda: (
            "regex",
            _replace('allow_origins = ["{page}"]', f"allow_origin_regex = {toml_string(rng.choice(BAD_REGEXES))}"),
        ),
        lambda: ("wrong-type", _wrong_type(rng)),
        lambda: ("unknown-key", _replace('title = "A', 'colour = "blue"\ntitle = "A')),
        lambda: ("missing-probe", VALID_SCENARIO.split("[[scenario.probe]]")[0]),
        lambda: ("missing-expect", _replace('expect = "allowed"\n', "")),
        lambda: ("duplicate-id", VALID_SCENARIO + VALID_SCENARIO),
        lambda: ("truncated", VALID_SCENARIO[: rng.randrange(1, len(VALID_SCENARIO) - 1)] + '"\n[[x'),
        lambda: ("deep-nesting", _deep(rng)),
        lambda: ("top-level-key", "name = 'not a scenario'\n" + VALID_SCENARIO),
        lambda: (
            "status",
            _replace('expect = "allowed"', f'expect = "allowed"\nstatus = {rng.choice([-1, 600, 99999])}'),
        ),
    ]
    for index in range(FUZZ_COUNT):
        kind, text = rng.choice(mutators)()
        if text == VALID_SCENARIO:  # a mutation that happened to change nothing is not a bad input
            continue
        yield f"{index:03d}-{kind}", text


def _wrong_type(rng: random.Random) -> str:
    original = rng.choice(sorted(WRONG_TYPES))
    return _replace(original, rng.choice(WRONG_TYPES[original]))


def _deep(rng: random.Random) -> str:
    depth = rng.randrange(300, 3000)
    shape = rng.choice(["array", "inline", "dotted"])
    if shape == "array":
        return "x = " + "[" * depth + "]" * depth + "\n"
    if shape == "inline":
        return "x = " + "{a = " * depth + "1" + "}" * depth + "\n"
    return "[" + ".".join(["a"] * depth) + "]\n"


def generated_commands(rng: random.Random, count: int) -> Iterator[tuple[str, list[str]]]:
    """``check`` command lines with one bad argument."""
    app = "tests.apps:app"
    choices: list[Callable[[], list[str]]] = [
        lambda: ["--page-origin", rng.choice(BAD_ORIGINS)],
        lambda: ["--target-origin", rng.choice(BAD_ORIGINS)],
        lambda: ["--header", f"X-A: {rng.choice(BAD_HEADER_VALUES)}"],
        lambda: ["--header", f"{rng.choice(BAD_HEADER_NAMES)}: v"],
        lambda: ["--header", f"{rng.choice(FORBIDDEN_HEADERS)}: v"],
        lambda: ["--header", "no colon here"],
        lambda: ["--method", rng.choice(BAD_METHODS)],
        lambda: ["--path", rng.choice(BAD_PATHS)],
        lambda: ["--credentials", rng.choice(["yes", "", "INCLUDE"])],
        lambda: [
            "--browser",
            rng.choice(["netscape", "chromium:opera", "chromium,firefox", "chromium:/nonexistent/x"]),
        ],
        lambda: ["--visit", rng.choice(["login", "", "http://evil.example/login"])],
    ]
    for index in range(count):
        yield f"{index:03d}", ["check", app, *rng.choice(choices)()]
    for index, bad_app in enumerate(["nocolon", ":app", "module:", "tests.no_such_module:app", "tests.apps:no_such"]):
        yield f"app-{index}", ["check", bad_app]


def _fuzz_inputs() -> tuple[list[tuple[str, str]], list[tuple[str, list[str]]]]:
    rng = random.Random(SEED)
    return list(generated_scenarios(rng)), list(generated_commands(rng, 60))


FUZZ_SCENARIOS, FUZZ_COMMANDS = _fuzz_inputs()


# --- the harness -------------------------------------------------------------------------------------------------


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``main(argv)`` on a thread of its own, bounded by CALL_TIMEOUT: a hang is a failure, not a stuck suite."""
    outcome: dict[str, object] = {}

    def call() -> None:
        try:
            outcome["code"] = main(argv)
        except SystemExit as exit_:  # argparse's own usage errors
            outcome["code"] = exit_.code
        except BaseException as error:  # anything else escaping main() is a bug this test reports
            outcome["error"] = error

    thread = threading.Thread(target=call, name="e2ekit-fuzz-case", daemon=True)
    thread.start()
    thread.join(CALL_TIMEOUT)
    captured = capsys.readouterr()
    assert not thread.is_alive(), f"e2ekit {argv!r} did not finish within {CALL_TIMEOUT:.0f} s"
    assert "error" not in outcome, f"e2ekit {argv!r} raised {outcome['error']!r}"
    code = outcome["code"]
    assert isinstance(code, int)
    return code, captured.out, captured.err


def assert_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(argv, capsys)
    shown = repr(argv)[:300]
    assert code == 2, f"{shown}: exit {code}, stdout {out[:300]!r}, stderr {err[:300]!r}"
    assert out == "", f"{shown}: printed a result for bad input: {out[:300]!r}"
    assert err.endswith("\n") and err.count("\n") == 1, f"{shown}: expected one line on stderr, got {err[:600]!r}"
    assert err.startswith(ONE_LINE_PREFIX) or ": error: " in err, f"{shown}: {err!r}"
    assert "Traceback" not in err


@pytest.fixture
def kit_leftovers() -> Iterator[None]:
    """Fail the test if the kit left a thread, a child process or a listening socket behind."""
    before_threads = {thread.ident for thread in threading.enumerate()}
    me = psutil.Process()
    before_children = {child.pid for child in me.children(recursive=True)}
    before_listening = {c.laddr for c in me.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
    yield
    threads = [t.name for t in threading.enumerate() if t.ident not in before_threads and t.name != "e2ekit-fuzz-case"]
    children = [child.pid for child in me.children(recursive=True) if child.pid not in before_children]
    listening = [c.laddr for c in me.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
    assert (threads, children, [a for a in listening if a not in before_listening]) == ([], [], [])


@pytest.fixture
def in_project(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the project root, where ``tests.apps:app`` imports."""
    monkeypatch.chdir(Path(__file__).parents[1])


@pytest.mark.parametrize("name", sorted(REGRESSION_SCENARIOS))
def test_a_reported_bad_scenario_file_exits_2_with_one_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], kit_leftovers: None
) -> None:
    path = tmp_path / f"{name}.toml"
    path.write_text(REGRESSION_SCENARIOS[name], encoding="utf-8")

    assert_usage_error(["run", str(path), "--browser", "chromium"], capsys)


@pytest.mark.parametrize("name", sorted(REGRESSION_COMMANDS))
def test_a_reported_bad_command_line_exits_2_with_one_line(
    name: str, capsys: pytest.CaptureFixture[str], in_project: None, kit_leftovers: None
) -> None:
    assert_usage_error([*REGRESSION_COMMANDS[name], "--browser", "chromium"], capsys)


def test_three_hundred_generated_bad_scenario_files_each_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kit_leftovers: None
) -> None:
    assert len(FUZZ_SCENARIOS) >= 300
    for name, text in FUZZ_SCENARIOS:
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        assert_usage_error(["run", str(path), "--browser", "chromium"], capsys)


def test_generated_bad_command_lines_each_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], in_project: None, kit_leftovers: None
) -> None:
    assert len(FUZZ_COMMANDS) >= 60
    for _, argv in FUZZ_COMMANDS:
        assert_usage_error([*argv, "--browser", "chromium"] if "--browser" not in argv else argv, capsys)
