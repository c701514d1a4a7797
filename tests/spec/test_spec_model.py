"""Whole fetches through the model: same-origin, no-cors, modes, redirects and the tainted origin."""

from __future__ import annotations

from collections.abc import Callable

from e2ekit._probing.exchange import Exchange
from e2ekit._probing.probe import Probe
from e2ekit._standard import Check, Prediction, predict

PAGE = "http://localhost:3000"
API = "http://127.0.0.1:41234/api"
OTHER = "http://127.0.0.1:41235"
ACAO = "access-control-allow-origin"


def test_a_same_origin_request_skips_cors_entirely(make_exchange: Callable[..., Exchange]) -> None:
    prediction = predict(
        Probe(method="PUT", headers={"X-Token": "1"}),
        PAGE,
        f"{PAGE}/api",
        [make_exchange("PUT", f"{PAGE}/api", status=204)],
    )

    assert prediction == Prediction(
        allowed=True,
        check=None,
        detail="same-origin request: CORS does not apply and every response header but Set-Cookie is readable",
        preflight_required=False,
        readable_headers=(),
        response_type="basic",
        status=204,
    )


def test_a_no_cors_request_gets_an_opaque_response_without_a_preflight(make_exchange: Callable[..., Exchange]) -> None:
    probe = Probe(method="POST", mode="no-cors", headers={"X-Token": "1"}, body="x")

    prediction = predict(probe, PAGE, API, [make_exchange("POST", headers={"x-token": "seen"})])

    assert (prediction.allowed, prediction.response_type, prediction.status) == (True, "opaque", 0)
    assert (prediction.readable_headers, prediction.preflight_required) == ((), False)


def test_a_same_origin_mode_request_that_stays_same_origin_is_allowed(make_exchange: Callable[..., Exchange]) -> None:
    prediction = predict(Probe(mode="same-origin"), PAGE, f"{PAGE}/api", [make_exchange(url=f"{PAGE}/api")])

    assert (prediction.allowed, prediction.response_type) == (True, "basic")


def test_a_same_origin_mode_request_redirected_to_another_origin_fails(make_exchange: Callable[..., Exchange]) -> None:
    hop = make_exchange(url=f"{PAGE}/old", status=302, headers={"location": API})

    prediction = predict(Probe(mode="same-origin"), PAGE, f"{PAGE}/old", [hop])

    assert prediction.check is Check.SAME_ORIGIN_MODE
    assert prediction.detail.startswith("the request's mode is 'same-origin' but it went after a redirect to")


def test_every_redirect_hop_of_a_cross_origin_request_must_pass_the_cors_check(
    make_exchange: Callable[..., Exchange],
) -> None:
    hop = make_exchange(url=f"{API}/old", status=307, headers={"location": "/api/new"})

    prediction = predict(Probe(), PAGE, f"{API}/old", [hop])

    assert prediction.check is Check.MISSING_ALLOW_ORIGIN
    assert prediction.detail == ("the 307 redirect answering GET /api/old had no Access-Control-Allow-Origin header")


def test_a_redirect_to_another_origin_makes_the_origin_null(make_exchange: Callable[..., Exchange]) -> None:
    hop = make_exchange(url=API, status=302, headers={ACAO: PAGE, "location": f"{OTHER}/api"})
    final = make_exchange(url=f"{OTHER}/api", headers={ACAO: PAGE}, request_headers={"origin": "null"})

    prediction = predict(Probe(), PAGE, API, [hop, final])

    assert prediction.check is Check.ORIGIN_MISMATCH
    assert prediction.detail == (
        "the response to GET /api sent Access-Control-Allow-Origin 'http://localhost:3000', not the request's origin "
        "'null'"
    )
    assert prediction.facts is not None
    assert (prediction.facts.origin, prediction.facts.page_origin) == ("null", PAGE)
    assert predict(Probe(), PAGE, API, [hop, make_exchange(url=f"{OTHER}/api", headers={ACAO: "*"})]).allowed


def test_a_redirect_within_the_target_origin_keeps_the_page_origin(make_exchange: Callable[..., Exchange]) -> None:
    hop = make_exchange(url=API, status=308, headers={ACAO: PAGE, "location": "/v2/api"})
    final = make_exchange(url="http://127.0.0.1:41234/v2/api", headers={ACAO: PAGE, "x-a": "1"})

    prediction = predict(Probe(), PAGE, API, [hop, final])

    assert (prediction.allowed, prediction.response_type, prediction.readable_headers) == (True, "cors", ())


def test_a_303_turns_a_json_post_into_a_get_that_needs_no_preflight(
    make_exchange: Callable[..., Exchange],
    make_preflight: Callable[..., Exchange],
) -> None:
    probe = Probe(method="POST", headers={"Content-Type": "application/json"}, body="{}")
    preflight = make_preflight(
        method="POST",
        request_headers="content-type",
        headers={ACAO: PAGE, "access-control-allow-headers": "content-type"},
    )
    hop = make_exchange("POST", status=303, headers={ACAO: PAGE, "location": "/api/result"})
    final = make_exchange("GET", f"{API}/result", headers={ACAO: PAGE})

    prediction = predict(probe, PAGE, API, [preflight, hop, final])

    assert (prediction.allowed, prediction.preflight_required) == (True, True)


def test_authorization_is_dropped_on_a_redirect_to_another_origin(
    make_exchange: Callable[..., Exchange],
    make_preflight: Callable[..., Exchange],
) -> None:
    probe = Probe(headers={"Authorization": "Bearer x"})
    preflight = make_preflight(
        method="GET",
        request_headers="authorization",
        headers={ACAO: PAGE, "access-control-allow-headers": "authorization"},
    )
    hop = make_exchange(status=302, headers={ACAO: PAGE, "location": f"{OTHER}/api"})
    # No second preflight: without Authorization the request to the other origin is simple.
    final = make_exchange(url=f"{OTHER}/api", headers={ACAO: "*"})

    prediction = predict(probe, PAGE, API, [preflight, hop, final])

    assert (prediction.allowed, prediction.detail) == (True, "the preflight and the response passed the CORS checks")


def test_a_manual_redirect_gives_an_opaque_redirect_response(make_exchange: Callable[..., Exchange]) -> None:
    hop = make_exchange(status=302, headers={ACAO: PAGE, "location": "/login"})

    prediction = predict(Probe(redirect="manual"), PAGE, API, [hop])

    assert (prediction.allowed, prediction.response_type, prediction.status) == (True, "opaqueredirect", 0)
    assert prediction.detail == (
        "redirect mode 'manual' turns the 302 redirect to 'http://127.0.0.1:41234/login' into an opaque-redirect "
        "response: status 0 and no readable headers"
    )


def test_a_3xx_without_location_is_an_ordinary_response(make_exchange: Callable[..., Exchange]) -> None:
    prediction = predict(Probe(redirect="error"), PAGE, API, [make_exchange(status=304, headers={ACAO: PAGE})])

    assert (prediction.allowed, prediction.status) == (True, 304)


def test_twenty_redirects_are_followed(make_exchange: Callable[..., Exchange]) -> None:
    hops = [
        make_exchange(url=f"{API}/{hop}", status=302, headers={ACAO: "*", "location": f"{API}/{hop + 1}"})
        for hop in range(20)
    ]

    prediction = predict(Probe(), PAGE, f"{API}/0", [*hops, make_exchange(url=f"{API}/20", headers={ACAO: "*"})])

    assert prediction.allowed


def test_a_redirect_to_a_url_with_credentials_is_allowed_for_a_same_origin_request(
    make_exchange: Callable[..., Exchange],
) -> None:
    hop = make_exchange(url=f"{PAGE}/old", status=302, headers={"location": "http://user:pw@localhost:3000/new"})
    final = make_exchange(url=f"{PAGE}/new")

    prediction = predict(Probe(), PAGE, f"{PAGE}/old", [hop, final])

    assert (prediction.allowed, prediction.response_type) == (True, "basic")


def test_credentials_in_a_redirect_url_fail_once_the_request_went_cross_origin(
    make_exchange: Callable[..., Exchange],
) -> None:
    hop = make_exchange(url=API, status=302, headers={ACAO: PAGE, "location": "http://u:p@localhost:3000/back"})

    prediction = predict(Probe(), PAGE, API, [hop])

    assert prediction.check is Check.REDIRECT_WITH_CREDENTIALS_IN_URL
