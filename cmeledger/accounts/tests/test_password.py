from __future__ import annotations

import re

from django.core import mail
from pytest_django.asserts import assertContains, assertRedirects

from cmeledger.conftest import PASSWORD

NEW_PASSWORD = "amber lighthouse 2031 cme"
LINK = re.compile(r"http://127\.0\.0\.1:8000(/accounts/password/reset/key/[^/\s]+/)")
CHANGE = "/accounts/password/change/"


def _reset_link(email: str = "alice@example.org") -> str:
    message = mail.outbox[-1]
    assert message.to == [email]
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def test_change_requires_login(client, db):
    r = client.get(CHANGE)
    assertRedirects(r, f"/accounts/login/?next={CHANGE}")


def test_it_changes_the_password(alice_client, alice):
    form = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    r = alice_client.post(CHANGE, form)
    assertRedirects(r, CHANGE)
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    # The session survives the change.
    assert alice_client.get(CHANGE).status_code == 200


def test_change_works_for_other_roles(client, org_member):
    client.force_login(org_member)
    form = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    r = client.post(CHANGE, form)
    assertRedirects(r, CHANGE)


def test_change_checks_the_old_password(alice_client, alice):
    form = {"oldpassword": "nope", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    r = alice_client.post(CHANGE, form)
    assertContains(r, "Please type your current password.")
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_change_handles_weak_password(alice_client, alice):
    form = {"oldpassword": PASSWORD, "password1": "password", "password2": "password"}
    r = alice_client.post(CHANGE, form)
    assertContains(r, "This password is too common.")
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_reset_works_end_to_end(client, alice):
    r = client.post("/accounts/password/reset/", {"email": "Alice@Example.org"})
    assertRedirects(r, "/accounts/password/reset/done/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your CME Ledger password"
    assert "alice@example.org" in mail.outbox[0].body
    assert "within 72 hours" in mail.outbox[0].body

    # The emailed link swaps its token into the session and redirects to the form.
    r = client.get(_reset_link())
    form_url = r.url
    assert form_url.endswith("-set-password/")
    assertContains(client.get(form_url), "Choose a new password")

    r = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assertRedirects(r, "/accounts/password/reset/key/done/")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)

    r = client.post("/accounts/login/", {"login": "alice@example.org", "password": NEW_PASSWORD})
    assertRedirects(r, "/")


def test_a_reset_link_works_once(client, alice):
    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    link = _reset_link()
    form_url = client.get(link).url
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    r = client.get(link)
    assertContains(r, "This link no longer works")


def test_reset_handles_weak_password(client, alice):
    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    form_url = client.get(_reset_link()).url
    r = client.post(form_url, {"password1": "12345678", "password2": "12345678"})
    assertContains(r, "This password is entirely numeric.")
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_reset_does_not_reveal_unknown_emails(client, alice):
    r = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assertRedirects(r, "/accounts/password/reset/done/")
    assert mail.outbox == []


def test_reset_link_uses_site_url_not_the_host_header(client, alice, settings):
    settings.ALLOWED_HOSTS = ["evil.example", "127.0.0.1"]
    settings.SITE_URL = "https://cme.example.org/"
    client.post(
        "/accounts/password/reset/",
        {"email": "alice@example.org"},
        headers={"host": "evil.example"},
    )
    body = mail.outbox[0].body
    assert "https://cme.example.org/accounts/password/reset/key/" in body
    assert "evil.example" not in body


def test_reset_lifts_the_login_block(client, alice):
    for _ in range(5):
        client.post("/accounts/login/", {"login": "alice@example.org", "password": "bad"})
    r = client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD})
    assertContains(r, "Too many failed sign-ins.")

    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    form_url = client.get(_reset_link()).url
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    r = client.post("/accounts/login/", {"login": "alice@example.org", "password": NEW_PASSWORD})
    assertRedirects(r, "/")


def test_reset_is_limited_per_email(client, alice):
    for _ in range(5):
        client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    r = client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert r.status_code == 429
    assert len(mail.outbox) == 5
