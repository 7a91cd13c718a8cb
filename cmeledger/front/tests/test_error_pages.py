"""The 400, 403, 404 and 500 pages: the site's layout, its navigation where there is a
request, and words for people. The settings under test run with DEBUG off."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from cmeledger import urls
from cmeledger.front.errors import server_error
from cmeledger.permissions import forbidden


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def test_a_missing_page_is_a_styled_404_with_the_navigation(alice_client):
    response = alice_client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found · CME Ledger</title>" in page
    assert 'href="/static/front/app.css"' in page or "app.css" in page
    assert '<nav aria-label="Main"' in page and "/entries/add/" in page
    assert "There is no page at this address" in page


def test_a_missing_page_for_someone_signed_out_has_no_navigation(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert '<nav aria-label="Main"' not in response.content.decode()


def test_a_bad_request_is_a_styled_400(client, db):
    response = client.get("/accounts/login/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()


def test_a_refusal_for_someone_signed_out_is_a_styled_403(db):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = forbidden(request, PermissionDenied())
    page = response.content.decode()
    assert response.status_code == 403
    assert "You cannot open this page" in page and "Log in to see this page." in page


def test_a_form_sent_without_its_csrf_token_is_a_styled_403(db):
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "x"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "The form was sent from an expired page" in page
    assert "CSRF cookie" not in page  # the reason is logged, not shown


def test_the_500_page_renders_without_a_database_or_a_request_context():
    # No `db` fixture: any query fails this test.
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "<title>Something went wrong · CME Ledger</title>" in page
    assert "Something went wrong on our side" in page
    assert 'class="brand" href="/">CME Ledger</a>' in page


def test_the_site_uses_its_own_500_view():
    assert urls.handler500 == "cmeledger.front.errors.server_error"


def test_an_exception_in_a_page_answers_the_styled_500(alice, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("cmeledger.front.views.render", broken)
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "the disk is full" not in response.content.decode()
