"""A cookie set without a SameSite attribute: which engines send it with a credentialed cross-site fetch.

The classic "works in Safari, fails in Chrome" report. Measured on Debian 12 (Chromium 156, Firefox ESR 153,
WebKitGTK 2.50): Chromium treats a missing SameSite as Lax, so a cross-site fetch() goes without the cookie; Firefox
does not send it either; WebKit treats a missing SameSite as None and sends it.
"""

from __future__ import annotations

import pytest

from e2ekit import Session, SiteRelation
from tests.apps import SAMESITE_UNSET_SENT_CROSS_SITE, cors_app

pytestmark = pytest.mark.e2e


def test_a_cookie_without_samesite_goes_cross_site_only_in_webkit_and_same_site_in_every_engine(
    e2e_session: Session, browser_name: str
) -> None:
    page, cross_site_target = e2e_session.origins("http://localhost", "http://127.0.0.1")
    _, same_site_target = e2e_session.origins("http://localhost", "http://localhost")
    app = cors_app(allow_origins=[str(page)], allow_credentials=True)

    [cross_site_login] = e2e_session.visit(app, "/login", target_origin=str(cross_site_target))
    cross_site = e2e_session.fetch(
        app, "/api", page_origin=str(page), target_origin=str(cross_site_target), credentials="include"
    )
    e2e_session.visit(app, "/login", target_origin=str(same_site_target))
    same_site = e2e_session.fetch(
        app, "/api", page_origin=str(page), target_origin=str(same_site_target), credentials="include"
    )

    assert cross_site_login.response_header("set-cookie") == "sid=abc123; Path=/"
    assert cross_site.relation is SiteRelation.CROSS_SITE
    assert cross_site.allowed
    assert cross_site.cookie_sent is SAMESITE_UNSET_SENT_CROSS_SITE[browser_name]
    assert cross_site.requests[0].cookie == ("sid=abc123" if SAMESITE_UNSET_SENT_CROSS_SITE[browser_name] else None)
    assert same_site.relation is SiteRelation.SAME_SITE
    assert same_site.allowed
    assert same_site.requests[0].cookie == "sid=abc123"
