from __future__ import annotations

import re

from django.core import mail
from pytest_django.asserts import assertContains, assertRedirects

from cmeledger.accounts.models import LoginFailure
from cmeledger.conftest import PASSWORD

NEW_PASSWORD = "amber lighthouse 2031 cme"
LINK = re.compile(r"http://127\.0\.0\.1:8000(/accounts/password/reset/[^/\s]+/[^/\s]+/)")


def _reset_link(email: str = "alice@example.org") -> str:
    message = mail.outbox[-1]
    assert message.to == [email]
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def test_change_requires_login(client, db):
    r = client.get("/accounts/password/")
    assertRedirects(r, "/accounts/login/?next=/accounts/password/")


def test_it_changes_the_password(alice_client, alice):
    form = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    r = alice_client.post("/accounts/password/", form)
    assertRedirects(r, "/accounts/password/changed/")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    # The session survives the change.
    assert alice_client.get("/accounts/password/").status_code == 200


def test_change_works_for_other_roles(client, org_member):
    client.force_login(org_member)
    form = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    r = client.post("/accounts/password/", form)
    assertRedirects(r, "/accounts/password/changed/")


def test_change_checks_the_old_password(alice_client, alice):
    form = {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    r = alice_client.post("/accounts/password/", form)
    assertContains(r, "Your old password was entered incorrectly.")
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_change_handles_weak_password(alice_client, alice):
    form = {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"}
    r = alice_client.post("/accounts/password/", form)
    assertContains(r, "This password is too common.")
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_reset_works_end_to_end(client, alice):
    r = client.post("/accounts/password/reset/", {"email": "Alice@Example.org"})
    assertRedirects(r, "/accounts/password/reset/sent/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your CME Ledger password"
    assert "alice@example.org" in mail.outbox[0].body
    assert "within 72 hours" in mail.outbox[0].body

    # The emailed link swaps its token into the session and redirects to the form.
    r = client.get(_reset_link())
    form_url = r.url
    assert form_url.endswith("/set-password/")
    assertContains(client.get(form_url), "Choose a new password")

    r = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assertRedirects(r, "/accounts/password/reset/complete/")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)

    r = client.post("/accounts/login/", {"username": "alice@example.org", "password": NEW_PASSWORD})
    assertRedirects(r, "/")


def test_a_reset_link_works_once(client, alice):
    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    link = _reset_link()
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    r = client.get(link)
    assertContains(r, "This link no longer works")


def test_reset_handles_weak_password(client, alice):
    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    form_url = client.get(_reset_link()).url
    r = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assertContains(r, "This password is entirely numeric.")
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_reset_does_not_reveal_unknown_emails(client, alice):
    r = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assertRedirects(r, "/accounts/password/reset/sent/")
    assert mail.outbox == []


def test_reset_link_uses_site_url_not_the_host_header(client, alice, settings):
    settings.ALLOWED_HOSTS = ["evil.example", "127.0.0.1"]
    settings.SITE_URL = "https://cme.example.org/"
    client.post(
        "/accounts/password/reset/", {"email": "alice@example.org"}, HTTP_HOST="evil.example"
    )
    body = mail.outbox[0].body
    assert "https://cme.example.org/accounts/password/reset/" in body
    assert "evil.example" not in body


def test_reset_lifts_the_login_block(client, alice):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alice@example.org", "password": "bad"})
    assert LoginFailure.objects.count() == 5

    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    form_url = client.get(_reset_link()).url
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    r = client.post("/accounts/login/", {"username": "alice@example.org", "password": NEW_PASSWORD})
    assertRedirects(r, "/")
