"""Every wording each engine has renders to text that parses back to the same check and values."""

from __future__ import annotations

import pytest

from e2ekit._standard import Check
from e2ekit._wordings import ENGINE_WORDINGS, ENGINES, parse_console_text, render, rendered_checks, reported_check

API = "http://127.0.0.1:41234/api"
PAGE = "http://localhost:3000"
VALUES: dict[str, str | int] = {
    "method": "PUT",
    "header": "x-token",
    "status": 400,
    "allow_origin_value": "http://localhost:5173",
    "quoted_value": "GET; PUT",
}
WORDED = [(engine, check) for engine in ENGINES for check in rendered_checks(engine)]


def _render(check: Check, engine: str, *, api: str = "fetch") -> str:
    return render(
        check,
        engine,
        url=API,
        origin=PAGE,
        api=api,
        method="PUT",
        header="x-token",
        status=400,
        allow_origin_value="http://localhost:5173",
        quoted_value="GET; PUT",
    )


def _params(pairs: list[tuple[str, Check]]) -> list[object]:
    return [pytest.param(engine, check, id=f"{engine}-{check.value}") for engine, check in pairs]


@pytest.mark.parametrize(("engine", "check"), _params(WORDED))
@pytest.mark.parametrize("api", ["fetch", "xhr"])
def test_a_rendered_message_parses_back_to_the_check_the_engine_words_it_as(
    engine: str, check: Check, api: str
) -> None:
    reports = parse_console_text(_render(check, engine, api=api))

    assert [(report.engine, report.check) for report in reports] == [(engine, reported_check(check, engine))]


@pytest.mark.parametrize(
    ("engine", "check"),
    _params([(engine, check) for engine, check in WORDED if reported_check(check, engine) is check]),
)
def test_checks_an_engine_words_distinctly_round_trip_exactly(engine: str, check: Check) -> None:
    assert parse_console_text(_render(check, engine))[0].check is check


@pytest.mark.parametrize(("engine", "check"), _params(WORDED))
def test_a_rendered_message_gives_back_the_url_origin_and_values_its_wording_carries(engine: str, check: Check) -> None:
    wording = next(w for w in ENGINE_WORDINGS[engine].WORDINGS if w.check is check and not w.parse_only)
    text = _render(check, engine)
    report = parse_console_text(text)[0]
    # Engines print Authorization's name themselves, in lower case.
    header = "authorization" if check is Check.AUTHORIZATION_NOT_COVERED_BY_WILDCARD else VALUES["header"]
    expected = {"target_url": API, "page_origin": PAGE, **VALUES, "header": header}

    read_back = {name: getattr(report, name) for name in expected if getattr(report, name) is not None}

    assert read_back == {name: expected[name] for name in read_back}
    assert set(wording.template.fields) - {"url", "origin"} <= set(read_back)
    assert ("target_url" in read_back) is (API in text)
    assert ("page_origin" in read_back) is (PAGE in text)


def test_a_chromium_redirected_message_round_trips_both_urls() -> None:
    text = render(Check.MISSING_ALLOW_ORIGIN, "chromium", url=f"{API}/", origin=PAGE, redirected_from=API)

    report = parse_console_text(text)[0]

    assert (report.target_url, report.redirected_from, report.page_origin) == (f"{API}/", API, PAGE)


@pytest.mark.parametrize("check", rendered_checks("firefox"), ids=str)
def test_firefox_messages_round_trip_after_flattening_their_quotes(check: Check) -> None:
    flattened = _render(check, "firefox").replace("‘", "'").replace("’", "'")

    assert [report.check for report in parse_console_text(flattened)] == [reported_check(check, "firefox")]
