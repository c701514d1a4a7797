"""The hostile origins of an audit: what is built from the allowed origins and from the policy's patterns. Pure: no
browser decides anything here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from e2ekit._audit.hostile import CATEGORIES, MAX_CRAFTED, SERVING_CAVEATS, HostileOrigin, hostile_origins
from e2ekit._errors import UsageError
from e2ekit._frameworks.policy import CorsPolicy
from e2ekit._probing.origins import Origin

APP = "https://app.example.com"

APP_HOSTILE = [
    ("https://evil.example", "arbitrary-origin"),
    ("null", "null"),
    ("http://app.example.com", "http-origin"),
    ("https://evil.example.com", "sibling-subdomain"),
    ("https://evil.app.example.com", "deeper-subdomain"),
    ("http://evil.example.com", "subdomain-over-http"),
    ("https://app.example.com:8443", "other-port"),
    ("https://app.example.com.evil.example", "prefix-match"),
    ("https://app.example.comevil.example", "prefix-match"),
    ("https://localhost.evil.example", "prefix-match"),
    ("http://localhost.evil.example", "prefix-match"),
    ("https://evilapp.example.com", "suffix-match"),
    ("https://evilexample.com", "suffix-match"),
    ("http://evilexample.com", "suffix-match"),
    ("https://xample.com", "substring-match"),
    ("https://app.example.co", "substring-match"),
    ("https://appxexample.com", "unescaped-dot"),
    ("https://app.examplexcom", "unescaped-dot"),
    ("https://app.example.com_.evil.example", "special-characters"),
    ("https://app.example.com._.evil.example", "special-characters"),
    ("https://app.example.com-.evil.example", "special-characters-extended"),
    ('https://app.example.com".evil.example', "special-characters-extended"),
    ("https://app.example.com{.evil.example", "special-characters-extended"),
    ("https://app.example.com}.evil.example", "special-characters-extended"),
    ("https://app.example.com+.evil.example", "special-characters-extended"),
    ("https://app.example.com`.evil.example", "special-characters-extended"),
    ("https://app.example.com!.evil.example", "special-characters-extended"),
    ("https://app.example.com~.evil.example", "special-characters-extended"),
    ("https://app.example.com;.evil.example", "special-characters-extended"),
    ("https://app.example.com&.evil.example", "special-characters-extended"),
    ("https://app.example.com'.evil.example", "special-characters-extended"),
    ("https://app.example.com(.evil.example", "special-characters-extended"),
    ("https://app.example.com).evil.example", "special-characters-extended"),
    ("https://app.example.com*.evil.example", "special-characters-extended"),
    ("https://app.example.com,.evil.example", "special-characters-extended"),
    ("https://app.example.com$.evil.example", "special-characters-extended"),
    ("https://app.example.com=.evil.example", "special-characters-extended"),
    ("https://app.example.com.$.evil.example", "special-characters-extended"),
    ("https://app.example.com.~.evil.example", "special-characters-extended"),
    ("https://app.example.com.=.evil.example", "special-characters-extended"),
    ("https://app.example.com.+.evil.example", "special-characters-extended"),
    ("https://app.example.com.&.evil.example", "special-characters-extended"),
    ("https://app.example.com.*.evil.example", "special-characters-extended"),
    ("https://app.example.com.).evil.example", "special-characters-extended"),
    ("https://app.example.com.(.evil.example", "special-characters-extended"),
    ("https://app.example.com.'.evil.example", "special-characters-extended"),
    ("https://app.example.com.!.evil.example", "special-characters-extended"),
    ("https://app.example.com.;.evil.example", "special-characters-extended"),
    ("https://app.example.com.,.evil.example", "special-characters-extended"),
    ("https://app.example.com.-.evil.example", "special-characters-extended"),
    ("https://whatever.github.io", "code-playground"),
    ("http://jsbin.com", "code-playground"),
    ("https://codepen.io", "code-playground"),
    ("https://jsfiddle.net", "code-playground"),
    ("http://www.webdevout.net", "code-playground"),
    ("https://repl.it", "code-playground"),
]
"""CORScanner's and nuclei's payloads for app.example.com, less '^', '|' and '%0b' (the WHATWG host parser fails on
them); '%60' is the backtick."""

FIXED = [
    ("null", "null", None),
    ("https://localhost.evil.example", "prefix-match", None),
    ("http://localhost.evil.example", "prefix-match", None),
    ("https://whatever.github.io", "code-playground", None),
    ("http://jsbin.com", "code-playground", None),
    ("https://codepen.io", "code-playground", None),
    ("https://jsfiddle.net", "code-playground", None),
    ("http://www.webdevout.net", "code-playground", None),
    ("https://repl.it", "code-playground", None),
]


def origins_and_categories(hostile: list[HostileOrigin]) -> list[tuple[str, str]]:
    return [(origin.origin, origin.category) for origin in hostile]


def crafted(hostile: list[HostileOrigin]) -> list[tuple[str, str | None, str]]:
    return [(o.origin, o.derived_from, o.why) for o in hostile if o.category == "regex-crafted"]


def test_an_https_origin_with_a_domain_name_gets_every_category_of_corscanner_and_nuclei() -> None:
    hostile = hostile_origins([APP])

    assert origins_and_categories(hostile) == APP_HOSTILE
    derived = {o.derived_from for o in hostile if o.derived_from is not None}
    assert derived == {APP}
    assert [(o.origin, o.category, o.derived_from) for o in hostile if o.derived_from is None] == FIXED


@pytest.mark.parametrize(
    ("origin", "why"),
    [
        pytest.param(
            "https://evil.example", "origin reflection: an echo of any Origin trusts every site", id="arbitrary"
        ),
        pytest.param(
            "null",
            "trusting 'null' (listed or reflected): every sandboxed iframe and data: URL page sends it",
            id="null",
        ),
        pytest.param(
            "http://app.example.com",
            "trusting 'app.example.com' over http too: anyone on the network path can inject script into that page",
            id="http",
        ),
        pytest.param(
            "https://app.example.com.evil.example",
            "a prefix match on 'https://app.example.com' (startswith, or a regex without an end anchor)",
            id="prefix",
        ),
        pytest.param(
            "https://evilapp.example.com",
            "a suffix match on 'app.example.com' with no dot boundary (endswith)",
            id="suffix",
        ),
        pytest.param(
            "https://app.examplexcom",
            "an unescaped dot in a regex for 'app.example.com': '.' matches 'x' too",
            id="dot",
        ),
        pytest.param(
            "https://app.example.com`.evil.example",
            "a check that reads the host only up to '`' (a lax origin parser) or a prefix match on 'app.example.com'",
            id="backtick",
        ),
        pytest.param(
            "https://codepen.io",
            "trusting 'https://codepen.io', where anyone can publish a page (a developer sandbox left in the policy)",
            id="playground",
        ),
    ],
)
def test_each_hostile_origin_names_the_policy_mistake_that_would_let_it_through(origin: str, why: str) -> None:
    found = {o.origin: o.why for o in hostile_origins([APP])}

    assert found[origin] == why


def test_a_loopback_origin_gets_ports_schemes_null_an_unrelated_site_and_prefixes_but_nothing_about_a_site() -> None:
    hostile = hostile_origins(["http://localhost:3000"])

    assert [(o.origin, o.category, o.derived_from) for o in hostile] == [
        ("http://evil.example", "arbitrary-origin", "http://localhost:3000"),
        ("null", "null", None),
        ("http://localhost:3001", "other-port", "http://localhost:3000"),
        ("http://localhost.evil.example", "prefix-match", "http://localhost:3000"),
        ("http://localhostevil.example", "prefix-match", "http://localhost:3000"),
        ("https://localhost.evil.example", "prefix-match", None),
        *FIXED[3:],
    ]


def test_an_https_ipv6_loopback_origin_gets_its_http_twin_but_no_prefix_case() -> None:
    hostile = hostile_origins(["https://[::1]:8443"])

    assert origins_and_categories(hostile)[:4] == [
        ("https://evil.example", "arbitrary-origin"),
        ("null", "null"),
        ("http://[::1]:8443", "http-origin"),
        ("https://[::1]:8444", "other-port"),
    ]
    assert [o.origin for o in hostile if o.category == "prefix-match"] == [
        "https://localhost.evil.example",
        "http://localhost.evil.example",
    ]


def test_two_allowed_origins_share_their_cases_and_one_is_never_hostile_to_the_other() -> None:
    hostile = hostile_origins([APP, "https://app.example.com:8443"])

    assert [(o.origin, o.derived_from) for o in hostile if o.category in ("other-port", "sibling-subdomain")] == [
        ("https://evil.example.com", APP),
        ("https://evil.example.com:8443", "https://app.example.com:8443"),
        ("https://app.example.com:8444", "https://app.example.com:8443"),
    ]
    assert [o.origin for o in hostile if o.category == "prefix-match"] == [
        "https://app.example.com.evil.example",
        "https://app.example.comevil.example",
        "https://localhost.evil.example",
        "http://localhost.evil.example",
    ]
    # app.example.com's 56 less its other port, 8443, which is allowed; and the 10 cases that keep port 8443.
    assert len(hostile) == len({o.origin for o in hostile}) == 56 - 1 + 10


def test_the_attacker_label_avoids_a_word_in_an_allowed_host() -> None:
    hostile = hostile_origins(["https://evil.example.com"])

    assert origins_and_categories(hostile)[:6] == [
        ("https://attacker.example", "arbitrary-origin"),
        ("null", "null"),
        ("http://evil.example.com", "http-origin"),
        ("https://attacker.example.com", "sibling-subdomain"),
        ("https://attacker.evil.example.com", "deeper-subdomain"),
        ("http://attacker.example.com", "subdomain-over-http"),
    ]


def test_starlettes_fullmatch_of_an_unescaped_origin_accepts_a_letter_for_each_dot() -> None:
    policy = CorsPolicy(origin_patterns=("https://app.example.com",), pattern_match="fullmatch")

    hostile = hostile_origins([APP], policy)

    why = "an unescaped dot: '.' in 'https://app.example.com' matches any character, not only a dot"
    assert crafted(hostile) == [
        ("https://appxexample.com", "https://app.example.com", why),
        ("https://app.examplexcom", "https://app.example.com", why),
        ("https://appxexamplexcom", "https://app.example.com", why),
    ]
    assert [o.origin for o in hostile if o.category == "unescaped-dot"] == []


def test_a_wildcard_with_no_dot_boundary_accepts_other_sites_that_end_with_the_domain() -> None:
    pattern = r"https://.*example\.com"

    hostile = hostile_origins([APP], CorsPolicy(origin_patterns=(pattern,), pattern_match="fullmatch"))

    site = f"an over-broad wildcard: '{pattern}' accepts every host of 'example.com', not only the allowed ones"
    boundary = f"a wildcard with no dot boundary: '{pattern}' accepts any host that merely ends with 'example.com'"
    assert crafted(hostile) == [
        ("https://evil.example.com", pattern, site),
        ("https://evil.app.example.com", pattern, site),
        ("https://evilapp.example.com", pattern, site),
        ("https://evilexample.com", pattern, boundary),
        ("https://appxexample.com", pattern, boundary),
        ("https://evil.exampleexample.com", pattern, boundary),
        ("https://example.com", pattern, site),
    ]


def test_a_django_style_regex_without_an_end_anchor_accepts_any_origin_that_starts_with_a_match() -> None:
    pattern = r"^https://\w+\.example\.com"

    hostile = hostile_origins([APP], CorsPolicy(origin_patterns=(pattern,), pattern_match="match"))

    site = f"an over-broad wildcard: '{pattern}' accepts every host of 'example.com', not only the allowed ones"
    end = f"a missing end anchor: re.match accepts any origin that merely starts with a match of '{pattern}'"
    assert crafted(hostile) == [
        ("https://evil.example.com", pattern, site),
        ("https://app.example.com:8443", pattern, end),
        ("https://app.example.com.evil.example", pattern, end),
        ("https://app.example.comevil.example", pattern, end),
        ("https://evilapp.example.com", pattern, site),
        ("https://app.example.com_.evil.example", pattern, end),
        ("https://app.example.com._.evil.example", pattern, end),
        ("https://evil.example.com.evil.example", pattern, end),
        ("https://evil.example.comevil.example", pattern, end),
    ]
    # The extended special characters match too, but keep their category: it says a page may not be served there.
    assert "https://app.example.com`.evil.example" in {o.origin for o in hostile}


def test_a_search_without_a_start_anchor_accepts_a_prefix() -> None:
    pattern = r"app\.example\.com$"

    hostile = hostile_origins([APP], CorsPolicy(origin_patterns=(pattern,), pattern_match="search"))

    start = f"a missing start anchor: re.search accepts any origin that merely ends with a match of '{pattern}'"
    assert crafted(hostile) == [
        ("http://app.example.com", pattern, start),
        ("https://evil.app.example.com", pattern, start),
        ("https://evilapp.example.com", pattern, start),
        ("http://evil.app.example.com", pattern, start),
        ("http://evilapp.example.com", pattern, start),
    ]


def test_the_first_pattern_that_accepts_an_origin_is_the_one_it_is_derived_from() -> None:
    first, second = r"https://[a-z]+\.example\.com", r"https://.*\.example\.com"
    policy = CorsPolicy(origin_patterns=(first, second), pattern_match="fullmatch")

    hostile = hostile_origins([APP], policy)

    assert [(origin, source) for origin, source, _ in crafted(hostile)] == [
        ("https://evil.example.com", first),
        ("https://evilapp.example.com", first),
        ("https://evil.app.example.com", second),
        ("https://evil.example.example.com", second),
    ]


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param(CorsPolicy(allow_all_origins=True, origin_patterns=(".*",)), id="allow-all"),
        pytest.param(CorsPolicy(origins=("*",), origin_patterns=(".*",)), id="star"),
        pytest.param(CorsPolicy(origin_patterns=(r"^https://(a+)+\.example\.com$",)), id="catastrophic-backtracking"),
        pytest.param(CorsPolicy(origin_patterns=(r"https://(?P<a>\w+)\.(?P=a)\.com",)), id="back-reference"),
        pytest.param(CorsPolicy(origin_patterns=("https://[",)), id="not-a-regex"),
        pytest.param(CorsPolicy(origin_patterns=("a" * 501,), pattern_match="search"), id="too-long"),
    ],
)
def test_a_policy_whose_patterns_are_not_run_leaves_the_hostile_origins_as_they_are(policy: CorsPolicy) -> None:
    assert hostile_origins([APP], policy) == hostile_origins([APP])


def test_a_pattern_that_accepts_everything_yields_at_most_max_crafted_new_origins() -> None:
    policy = CorsPolicy(origin_patterns=(r"(\w+\.)+\w+",), pattern_match="search")
    generic = hostile_origins([APP])

    hostile = hostile_origins([APP], policy)

    retaggable = [o for o in generic if o.category not in ("null", "special-characters-extended")]
    assert len(crafted(hostile)) == len(retaggable) + MAX_CRAFTED
    assert {o.origin for o in hostile} >= {o.origin for o in generic}


@pytest.mark.parametrize(
    ("allowed", "policy"),
    [
        pytest.param([APP], None, id="app"),
        pytest.param([APP, "http://localhost:3000", "https://api.example.co.uk:8443"], None, id="three"),
        pytest.param(
            ["https://app.example.com", "https://www.example.com"],
            CorsPolicy(origin_patterns=(r"https://(www|app)\.example\.com", r".*"), pattern_match="search"),
            id="patterns-that-accept-the-allowed-origins",
        ),
        pytest.param(["http://127.0.0.1:8000"], CorsPolicy(origin_patterns=(r"^http://127\.0\.0\.1(:\d+)?",)), id="ip"),
    ],
)
def test_no_hostile_origin_is_allowed_and_every_one_is_an_origin_a_page_can_have(
    allowed: list[str], policy: CorsPolicy | None
) -> None:
    hostile = hostile_origins(allowed, policy)

    assert not {o.origin for o in hostile} & {str(Origin.parse(a)) for a in allowed}
    assert len(hostile) == len({o.origin for o in hostile})
    assert all(o.category in CATEGORIES for o in hostile)
    for o in hostile:
        if o.origin == "null":
            continue
        if o.category in SERVING_CAVEATS:
            # Valid for the WHATWG URL parser, but not for the kit's: that is what the caveat says.
            with pytest.raises(UsageError):
                Origin.parse(o.origin)
        else:
            assert str(Origin.parse(o.origin)) == o.origin
    order = list(CATEGORIES)
    assert [order.index(o.category) for o in hostile] == sorted(order.index(o.category) for o in hostile)


def test_the_list_is_the_same_whatever_the_hash_seed() -> None:
    script = (
        "import json; from e2ekit._audit.hostile import hostile_origins; "
        "from e2ekit._frameworks.policy import CorsPolicy; "
        "p = CorsPolicy(origin_patterns=(r'^https://[\\w.-]+\\.example\\.com', r'https://.*example\\.com'), "
        "pattern_match='match'); "
        "print(json.dumps([vars(o) for o in hostile_origins(['https://app.example.com', 'http://localhost:3000'], p)]))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        for seed in ("1", "2")
    ]

    assert runs[0] == runs[1]
    assert len(json.loads(runs[0])) > len(APP_HOSTILE)


@pytest.mark.parametrize(
    ("allowed", "message"),
    [
        pytest.param(
            ["app.example.com"],
            'allowed origin "app.example.com" has no scheme: expected scheme://host[:port], e.g. "http://localhost:3000"',
            id="no-scheme",
        ),
        pytest.param(
            ["ftp://app.example.com"],
            'allowed origin "ftp://app.example.com" uses scheme "ftp": expected "http://" or "https://"',
            id="scheme",
        ),
        pytest.param(
            ["https://app.example.com/login"],
            'allowed origin "https://app.example.com/login" has a path: an origin is scheme://host[:port] only, '
            'e.g. "http://localhost:3000"',
            id="path",
        ),
        pytest.param(
            ["null"],
            'allowed origin "null" has no scheme: expected scheme://host[:port], e.g. "http://localhost:3000"',
            id="null",
        ),
        pytest.param(
            [],
            "no allowed origin given: expected the origins meant to have access, e.g. https://app.example.com",
            id="none",
        ),
        pytest.param([42], 'allowed origin 42: expected a string such as "https://app.example.com"', id="not-a-string"),
    ],
)
def test_a_bad_allowed_origin_is_refused_in_one_line(allowed: list[str], message: str) -> None:
    with pytest.raises(UsageError) as raised:
        hostile_origins(allowed)

    assert str(raised.value) == message
    assert "\n" not in message


def test_no_hostile_origin_is_on_a_port_the_fetch_standard_blocks_since_no_page_can_be_loaded_there() -> None:
    origins = [hostile.origin for hostile in hostile_origins(["http://localhost:6665"])]

    assert "http://localhost:6666" not in origins
    assert [o for o in origins if o.startswith("http://localhost:")] == []
