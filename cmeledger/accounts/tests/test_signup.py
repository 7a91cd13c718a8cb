from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core import mail
from pytest_django.asserts import assertContains, assertRedirects

import cmeledger.settings
from cmeledger.accounts.models import ClinicianProfile, Role, User
from cmeledger.conftest import PASSWORD

URL = "/accounts/signup/"
SENT = "/accounts/confirm-email/"
LINK = re.compile(r"http://127\.0\.0\.1:8000(/accounts/confirm-email/[^/\s]+/)")
WELCOME = (
    "Welcome, Carol. Add your NPI, licenses and certifications so your credits "
    "count toward each of them."
)


def _form(**overrides) -> dict:
    form = {
        "email": "carol@example.org",
        "first_name": "Carol",
        "last_name": "Castillo",
        "degree": "PA",
        "password1": "violet tugboat 1987 ledger",
        "password2": "violet tugboat 1987 ledger",
    }
    form.update(overrides)
    return form


def _confirmation_link() -> str:
    match = LINK.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def _without_csrf(page: bytes) -> bytes:
    return re.sub(rb'"X-CSRFToken": "[^"]+"', b"", page)


def test_it_shows_the_form(client, db):
    r = client.get(URL)
    assertContains(r, "Create your account")
    for name in ["email", "first_name", "last_name", "degree", "password1", "password2"]:
        assertContains(r, f'<label for="id_{name}">')


def test_it_creates_a_clinician_with_a_profile_and_asks_to_confirm_the_email(client, db):
    r = client.post(URL, _form())
    assertRedirects(r, SENT)
    assertContains(client.get(SENT), "Check your email")

    user = User.objects.get(email="carol@example.org")
    assert user.role == Role.CLINICIAN
    assert (user.first_name, user.last_name) == ("Carol", "Castillo")
    assert user.check_password("violet tugboat 1987 ledger")
    assert user.profile.degree == "PA"
    assert user.email_confirmed_at is None
    assert "_auth_user_id" not in client.session

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["carol@example.org"]
    assert mail.outbox[0].subject == "Confirm your email address for CME Ledger"


def test_the_emailed_link_confirms_the_address_and_logs_in(client, db):
    client.post(URL, _form())
    link = _confirmation_link()
    assertContains(client.get(link), "Confirm that carol@example.org is your address.")

    r = client.post(link)
    assertRedirects(r, "/accounts/profile/")
    user = User.objects.get(email="carol@example.org")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.email_confirmed_at is not None
    assert EmailAddress.objects.get(user=user).verified
    messages = [str(m) for m in get_messages(r.wsgi_request)]
    assert WELCOME in messages


def test_a_link_opened_in_another_browser_confirms_without_logging_in(client, db):
    client.post(URL, _form())
    link = _confirmation_link()
    client.cookies.clear()

    r = client.post(link)
    assert "_auth_user_id" not in client.session
    assert r.status_code == 302
    assert User.objects.get(email="carol@example.org").email_confirmed_at is not None


def test_a_registered_email_gets_the_same_answer_and_its_owner_an_email(client, alice):
    r = client.post(URL, _form(email="ALICE@example.org"))
    assertRedirects(r, SENT)
    page = _without_csrf(client.get(SENT).content)

    assert User.objects.count() == 1
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]
    assert mail.outbox[0].subject == "You already have a CME Ledger account"
    assert "http://127.0.0.1:8000/accounts/password/reset/" in mail.outbox[0].body

    # A new address sees exactly the same page.
    other = client.__class__()
    r = other.post(URL, _form(email="dana@example.org"))
    assertRedirects(r, SENT)
    assert _without_csrf(other.get(SENT).content) == page


def test_it_stores_the_email_in_lower_case(client, db):
    client.post(URL, _form(email="Carol@Example.ORG"))
    assert User.objects.filter(email="carol@example.org").exists()


def test_it_handles_weak_password(client, db):
    r = client.post(URL, _form(password1="12345", password2="12345"))
    assertContains(r, "This password is too common.")
    assertContains(r, "This password is too short.")
    assertContains(r, "This password is entirely numeric.")
    assert not User.objects.exists()


def test_it_handles_password_similar_to_the_name(client, db):
    r = client.post(URL, _form(password1="carolcastillo", password2="carolcastillo"))
    assertContains(r, "The password is too similar to the")
    assert not User.objects.exists()


def test_it_handles_mismatched_passwords(client, db):
    r = client.post(URL, _form(password2="something else entirely 55"))
    assertContains(r, "You must type the same password each time.")
    assert not User.objects.exists()


def test_it_requires_names(client, db):
    r = client.post(URL, _form(first_name="", last_name=""))
    assert r.context["form"].errors["first_name"] == ["This field is required."]
    assert r.context["form"].errors["last_name"] == ["This field is required."]
    assert not User.objects.exists()


def test_it_creates_user_and_profile_in_one_transaction(client, db, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("profile table unavailable")

    monkeypatch.setattr(ClinicianProfile.objects, "create", fail)
    with pytest.raises(RuntimeError):
        client.post(URL, _form())
    assert not User.objects.filter(email="carol@example.org").exists()


def test_it_redirects_logged_in_users_to_the_dashboard(alice_client):
    r = alice_client.get(URL)
    assertRedirects(r, "/")
    r = alice_client.post(URL, _form())
    assertRedirects(r, "/")
    assert not User.objects.filter(email="carol@example.org").exists()


def test_it_limits_sign_ups_per_client_address(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    for number in range(2):
        r = client.post(URL, _form(email=f"person{number}@example.org"))
        assertRedirects(r, SENT)
    r = client.post(URL, _form(email="person9@example.org"))
    assert r.status_code == 429
    assertContains(r, "Too many tries in a short time.", status_code=429)
    assert not User.objects.filter(email="person9@example.org").exists()


def test_production_settings_hash_passwords_with_argon2():
    # The test suite swaps in a fast hasher; the settings module keeps the real list.
    assert cmeledger.settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_it_stores_an_argon2_hash(client, db, settings):
    settings.PASSWORD_HASHERS = cmeledger.settings.PASSWORD_HASHERS
    client.post(URL, _form())
    user = User.objects.get(email="carol@example.org")
    assert user.password.startswith("argon2$")


def test_one_can_log_in_before_confirming_and_is_asked_to_confirm(client, db):
    client.post(URL, _form())
    r = client.post(
        "/accounts/login/", {"login": "carol@example.org", "password": _form()["password1"]}
    )
    assertRedirects(r, "/", fetch_redirect_response=False)
    assertContains(
        client.get("/"),
        "Confirm your email address to receive credits organizations report for you",
    )
