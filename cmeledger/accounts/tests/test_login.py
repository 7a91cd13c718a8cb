from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from cmeledger.conftest import PASSWORD

URL = "/accounts/login/"
INCORRECT = "Incorrect email or password."
THROTTLED = "Too many failed sign-ins. Try again in a few minutes or reset your password."


def _login(client, email: str = "alice@example.org", password: str = PASSWORD, **extra):
    return client.post(URL, {"login": email, "password": password}, **extra)


def _fail(client, times: int, email: str = "alice@example.org", **extra) -> None:
    for _ in range(times):
        r = _login(client, email, "wrong password", **extra)
        assertContains(r, INCORRECT)


def test_it_names_the_product_not_the_host(client, db, settings):
    settings.SITE_URL = "http://127.0.0.1:9000"
    r = client.get(URL)
    assertContains(r, "<h1>Log in to CME Ledger</h1>")
    assertContains(r, "<title>Log in · CME Ledger</title>")
    assert "127.0.0.1" not in r.content.decode() and "testserver" not in r.content.decode()


def test_it_shows_the_form_with_links(client, db):
    r = client.get(URL)
    assertContains(r, '<label for="id_login">Email address</label>')
    assertContains(r, '<label for="id_password">Password</label>')
    assertContains(r, 'href="/accounts/signup/"')
    assertContains(r, 'href="/accounts/password/reset/"')
    # The site's own layout, not allauth's bare pages.
    assertContains(r, '<a class="brand" href="/">CME Ledger</a>')


def test_it_logs_in(client, alice):
    r = _login(client)
    assertRedirects(r, "/")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_it_ignores_email_case(client, alice):
    r = _login(client, "  Alice@Example.ORG ")
    assertRedirects(r, "/")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_it_follows_next(client, alice):
    r = client.post(
        URL + "?next=/accounts/tokens/", {"login": "alice@example.org", "password": PASSWORD}
    )
    assertRedirects(r, "/accounts/tokens/")


def test_it_handles_wrong_password(client, alice):
    r = _login(client, password="wrong password")
    assertContains(r, INCORRECT)
    assert "_auth_user_id" not in client.session


def test_it_answers_unknown_emails_the_same(client, db):
    r = _login(client, "Nobody@example.org", "whatever")
    assertContains(r, INCORRECT)


def test_it_refuses_after_too_many_failures_even_with_the_right_password(client, alice):
    _fail(client, 5)

    r = _login(client)
    assertContains(r, THROTTLED)
    assert "_auth_user_id" not in client.session


def test_it_allows_four_failures(client, alice):
    _fail(client, 4)
    r = _login(client)
    assertRedirects(r, "/")


def test_it_follows_the_configured_limit(client, alice, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "2/15m/key"}
    _fail(client, 2)
    r = _login(client)
    assertContains(r, THROTTLED)


def test_it_allows_tries_again_after_the_window(client, alice):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, 5)
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assertContains(_login(client), THROTTLED)
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        r = _login(client)
    assertRedirects(r, "/")


def test_other_emails_are_unaffected(client, alice, bob):
    _fail(client, 5)
    r = _login(client, "bob@example.org")
    assertRedirects(r, "/")
    # Bob's success leaves Alice's block in place.
    client.logout()
    assertContains(_login(client), THROTTLED)


def test_it_limits_failures_per_client_address_across_emails(client, alice, bob):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for number in range(10):
            _fail(client, 1, f"guess{number}@example.org", REMOTE_ADDR="203.0.113.9")
        r = _login(client, REMOTE_ADDR="203.0.113.9")
        assertContains(r, THROTTLED)
        # Another address is not held back by this one's failures.
        assertRedirects(_login(client, REMOTE_ADDR="198.51.100.7"), "/")


def test_it_ignores_x_forwarded_for_unless_proxies_are_trusted(client, alice):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for number in range(10):
            _fail(
                client,
                1,
                f"guess{number}@example.org",
                REMOTE_ADDR="203.0.113.9",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
            )
        # A header anyone can set does not make a new client.
        r = _login(client, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.200")
        assertContains(r, THROTTLED)


def test_it_takes_the_client_address_from_trusted_proxies(client, alice, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for number in range(10):
            _fail(
                client,
                1,
                f"guess{number}@example.org",
                REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR="192.0.2.1",
            )
        assertContains(
            _login(client, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1"), THROTTLED
        )
        # The proxy's own address is shared by everybody; the client behind it counts.
        r = _login(client, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assertRedirects(r, "/")


def test_it_redirects_logged_in_users_to_the_dashboard(alice_client):
    r = alice_client.get(URL)
    assertRedirects(r, "/")


def test_logout_requires_post(alice_client):
    r = alice_client.get("/accounts/logout/")
    assert r.status_code == 200
    assert "_auth_user_id" in alice_client.session


def test_it_logs_out(alice_client):
    r = alice_client.post("/accounts/logout/")
    assertRedirects(r, "/accounts/login/")
    assert "_auth_user_id" not in alice_client.session


def test_the_admin_login_goes_through_the_site_login(client, db):
    r = client.get("/admin/login/?next=/admin/")
    assertRedirects(r, "/accounts/login/?next=%2Fadmin%2F", fetch_redirect_response=False)


def test_the_admin_login_is_rate_limited_like_the_site(client, db):
    from cmeledger.accounts.models import User

    User.objects.create_superuser("root@example.org", PASSWORD)
    _fail(client, 5, "root@example.org")
    r = client.post(
        "/accounts/login/?next=/admin/", {"login": "root@example.org", "password": PASSWORD}
    )
    assertContains(r, THROTTLED)
    # The admin's own form, which allauth's limits would not see, is never served.
    r = client.post("/admin/login/", {"username": "root@example.org", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
