from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from cmeledger.accounts.models import LoginFailure
from cmeledger.conftest import PASSWORD

URL = "/accounts/login/"
THROTTLED = (
    "Too many failed sign-ins for this email. Try again in 15 minutes or reset your password."
)


def _login(client, email: str = "alice@example.org", password: str = PASSWORD, **extra):
    return client.post(URL, {"username": email, "password": password}, **extra)


def _fail(client, times: int, email: str = "alice@example.org") -> None:
    for _ in range(times):
        r = _login(client, email, "wrong password")
        assertContains(r, "Incorrect email or password.")


def test_it_shows_the_form_with_links(client, db):
    r = client.get(URL)
    assertContains(r, '<label for="id_username">Email address</label>')
    assertContains(r, '<label for="id_password">Password</label>')
    assertContains(r, 'href="/accounts/signup/"')
    assertContains(r, 'href="/accounts/password/reset/"')


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
        URL + "?next=/accounts/tokens/", {"username": "alice@example.org", "password": PASSWORD}
    )
    assertRedirects(r, "/accounts/tokens/")


def test_it_handles_wrong_password(client, alice):
    r = _login(client, password="wrong password", REMOTE_ADDR="203.0.113.9")
    assertContains(r, "Incorrect email or password.")
    assert "_auth_user_id" not in client.session
    failure = LoginFailure.objects.get()
    assert (failure.email, failure.ip_address) == ("alice@example.org", "203.0.113.9")


def test_it_records_failures_for_unknown_emails(client, db):
    r = _login(client, "Nobody@example.org", "whatever")
    assertContains(r, "Incorrect email or password.")
    assert LoginFailure.objects.get().email == "nobody@example.org"


def test_it_refuses_after_too_many_failures_even_with_the_right_password(client, alice):
    _fail(client, 5)

    r = _login(client)
    assertContains(r, THROTTLED)
    assert "_auth_user_id" not in client.session
    # A refused try is not counted, so it does not push the end of the block out.
    assert LoginFailure.objects.count() == 5


def test_it_allows_four_failures(client, alice):
    _fail(client, 4)
    r = _login(client)
    assertRedirects(r, "/")


def test_it_follows_the_configured_limit(client, alice, settings):
    settings.LOGIN_THROTTLE_FAILURES = 2
    _fail(client, 2)
    r = _login(client)
    assertContains(r, "Too many failed sign-ins for this email.")


def test_it_counts_down_the_minutes(client, alice):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, 5)
    with time_machine.travel(start + timedelta(minutes=10, seconds=30), tick=False):
        r = _login(client)
    assertContains(r, "Try again in 5 minutes or reset your password.")
    with time_machine.travel(start + timedelta(minutes=14, seconds=30), tick=False):
        r = _login(client)
    assertContains(r, "Try again in 1 minute or reset your password.")


def test_it_allows_tries_again_after_the_window(client, alice):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, 5)
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        r = _login(client)
    assertRedirects(r, "/")


def test_success_clears_failures(client, alice):
    _fail(client, 4)
    _login(client)
    assert not LoginFailure.objects.filter(email="alice@example.org").exists()

    client.logout()
    _fail(client, 4)
    r = _login(client)
    assertRedirects(r, "/")


def test_other_emails_are_unaffected(client, alice, bob):
    _fail(client, 5)
    r = _login(client, "bob@example.org")
    assertRedirects(r, "/")
    # Bob's success leaves Alice's block in place.
    client.logout()
    assertContains(_login(client), THROTTLED)


def test_it_drops_failures_older_than_the_window(client, alice, bob):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, 3, "bob@example.org")
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        _fail(client, 1)
    assert list(LoginFailure.objects.values_list("email", flat=True)) == ["alice@example.org"]


def test_it_redirects_logged_in_users_to_the_dashboard(alice_client):
    r = alice_client.get(URL)
    assertRedirects(r, "/")


def test_logout_requires_post(alice_client):
    r = alice_client.get("/accounts/logout/")
    assert r.status_code == 405
    assert "_auth_user_id" in alice_client.session


def test_it_logs_out(alice_client):
    r = alice_client.post("/accounts/logout/")
    assertRedirects(r, "/accounts/login/")
    assert "_auth_user_id" not in alice_client.session
