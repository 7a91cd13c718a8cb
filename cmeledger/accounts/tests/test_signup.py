from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from pytest_django.asserts import assertContains, assertRedirects

import cmeledger.settings
from cmeledger.accounts.models import ClinicianProfile, Role, User

URL = "/accounts/signup/"


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


def test_it_shows_the_form(client, db):
    r = client.get(URL)
    assertContains(r, "Create your account")
    for name in ["email", "first_name", "last_name", "degree", "password1", "password2"]:
        assertContains(r, f'<label for="id_{name}">')


def test_it_creates_a_clinician_with_a_profile_and_logs_in(client, db):
    r = client.post(URL, _form())
    assertRedirects(r, "/accounts/profile/")

    user = User.objects.get(email="carol@example.org")
    assert user.role == Role.CLINICIAN
    assert (user.first_name, user.last_name) == ("Carol", "Castillo")
    assert user.check_password("violet tugboat 1987 ledger")
    assert user.profile.degree == "PA"
    assert client.session["_auth_user_id"] == str(user.pk)
    messages = [str(m) for m in get_messages(r.wsgi_request)]
    assert messages == [
        "Welcome, Carol. Add your NPI, licenses and board certifications so your credits "
        "count toward each of them."
    ]


def test_it_stores_the_email_in_lower_case(client, db):
    client.post(URL, _form(email="Carol@Example.ORG"))
    assert User.objects.filter(email="carol@example.org").exists()


def test_it_handles_duplicate_email(client, alice):
    r = client.post(URL, _form(email="ALICE@example.org"))
    assertContains(r, "An account with this email already exists.")
    assert User.objects.count() == 1


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
    assertContains(r, "The two password fields didn’t match.")
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
