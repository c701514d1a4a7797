"""flask-cors (``CORS(app, ...)`` and ``@cross_origin``): detection, advice in its own keyword arguments, and the
change applied in-process. Requests go through Flask's test client until e2ekit serves WSGI apps in browsers."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_cors import CORS, cross_origin

from e2ekit._frameworks import detect
from e2ekit._probing.probe import Probe
from e2ekit._standard import Prediction, predict
from tests.frameworks.exchanges import API, exchange

PAGE = "http://localhost:3000"


def flask_app(**options: Any) -> Flask:
    app = Flask(__name__)

    @app.get("/api/me")
    def me() -> dict[str, str]:
        return {"user": "ada"}

    CORS(app, **options)
    return app


def credentialed_get(app: Flask) -> Prediction:
    headers = {"Origin": PAGE, "Cookie": "sid=1"}
    response = app.test_client().get("/api/me", headers=headers)
    recorded = exchange("GET", "/api/me", headers, response.status_code, response.headers.items(), response.text)
    return predict(Probe("/api/me", credentials="include"), PAGE, f"{API}/api/me", [recorded])


def advice(app: Flask, prediction: Prediction) -> str | None:
    assert prediction.failure is not None
    return detect(app).advice(prediction.failure)


def test_flask_cors_allows_a_credentialed_request_from_a_listed_origin() -> None:
    app = flask_app(origins=[PAGE], supports_credentials=True)

    assert credentialed_get(app).allowed
    assert detect(app).framework.name == "flask-cors"


def test_flask_cors_send_wildcard_with_credentials_is_fixed_in_its_keyword_arguments() -> None:
    app = flask_app(origins="*", send_wildcard=True)

    prediction = credentialed_get(app)

    assert prediction.check == "cors-check.wildcard-with-credentials"
    assert advice(app, prediction) == (
        f"list the page origin ('{PAGE}') instead of '*' in origins in CORS(app, ...) and set "
        "supports_credentials=True in CORS(app, ...) when credentials are included"
    )


def test_flask_cors_echoing_every_origin_without_credentials_asks_for_the_page_origin_and_credentials() -> None:
    app = flask_app()

    prediction = credentialed_get(app)

    assert prediction.check == "cors-check.credentials-not-true"
    assert advice(app, prediction) == (
        f"list the page origin ('{PAGE}') instead of '*' in origins in CORS(app, ...) and set "
        "supports_credentials=True in CORS(app, ...)"
    )


def test_flask_cors_changes_applied_in_process_make_the_request_pass() -> None:
    app = flask_app()
    setup = detect(app)
    prediction = credentialed_get(app)
    assert prediction.failure is not None

    applied = [setup.apply(change) for change in setup.changes(prediction.failure)]

    assert applied == [True, True]
    assert credentialed_get(app).allowed
    assert detect(app).policy.origins == (PAGE,)


def test_cross_origin_names_the_decorated_view_and_the_origin_with_a_trailing_slash() -> None:
    app = Flask(__name__)

    @app.get("/api/me")
    @cross_origin(origins=[f"{PAGE}/"])
    def me() -> dict[str, str]:
        return {"user": "ada"}

    response = app.test_client().get("/api/me", headers={"Origin": PAGE})
    recorded = exchange("GET", "/api/me", {"Origin": PAGE}, response.status_code, response.headers.items(), "")
    prediction = predict(Probe("/api/me"), PAGE, f"{API}/api/me", [recorded])

    assert prediction.check == "cors-check.missing-allow-origin"
    assert advice(app, prediction) == (
        f"list the origin without the trailing slash in origins in @cross_origin(...) on 'me': '{PAGE}', not '{PAGE}/'"
    )
    setup = detect(app)
    assert prediction.failure is not None
    assert all(setup.apply(change) for change in setup.changes(prediction.failure))
    assert app.test_client().get("/api/me", headers={"Origin": PAGE}).headers["Access-Control-Allow-Origin"] == PAGE


def test_a_flask_app_without_flask_cors_is_told_how_to_add_it() -> None:
    app = Flask(__name__)
    app.get("/api/me")(lambda: {"user": "ada"})

    response = app.test_client().get("/api/me", headers={"Origin": PAGE})
    recorded = exchange("GET", "/api/me", {"Origin": PAGE}, response.status_code, response.headers.items(), "")
    prediction = predict(Probe("/api/me"), PAGE, f"{API}/api/me", [recorded])

    assert advice(app, prediction) == f"add CORS(app, origins=['{PAGE}']) (from flask_cors import CORS)"
