from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from cmeledger.accounts.models import ApiToken

URL = "/accounts/tokens/"


def _revoke(token: ApiToken) -> str:
    return f"/accounts/tokens/{token.pk}/revoke/"


@pytest.fixture
def alice_token(alice) -> ApiToken:
    token, _key = ApiToken.issue(alice, "Reference manager")
    return token


def test_it_requires_login(client, alice_token):
    assertRedirects(client.get(URL), f"/accounts/login/?next={URL}")
    assertRedirects(client.post(URL, {"name": "x"}), f"/accounts/login/?next={URL}")
    url = _revoke(alice_token)
    assertRedirects(client.post(url), f"/accounts/login/?next={url}")
    assert ApiToken.objects.count() == 1
    assert ApiToken.objects.active().count() == 1


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
def test_it_works_for_every_role(client, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(URL).status_code == 200
    r = client.post(URL, {"name": "Nightly upload"})
    assert r.status_code == 200
    assert user.api_tokens.get().name == "Nightly upload"


def test_it_lists_own_tokens_only(alice_client, alice_token, bob):
    ApiToken.issue(bob, "Bob's script")
    r = alice_client.get(URL)
    assertContains(r, "Reference manager")
    assertContains(r, f"{alice_token.hint}…")
    assertContains(r, "Never")
    assertContains(r, "Active")
    assertNotContains(r, "Bob&#x27;s script")
    assertContains(r, f'action="{_revoke(alice_token)}"')


def test_it_creates_a_token_and_shows_the_secret_once(alice_client, alice):
    r = alice_client.post(URL, {"name": "Reference manager"})
    assertContains(r, "It will not be shown again")
    assert "no-store" in r["Cache-Control"]

    key = r.context["key"]
    assertContains(r, f'value="{key}"')
    token = alice.api_tokens.get()
    assert token.name == "Reference manager"
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in token.key_hash
    assert ApiToken.authenticate(key) == alice

    assertNotContains(alice_client.get(URL), key)


def test_it_requires_a_name(alice_client, alice):
    r = alice_client.post(URL, {"name": "  "})
    assertContains(r, "This field is required.")
    assert not ApiToken.objects.exists()


def test_it_handles_a_long_name(alice_client):
    r = alice_client.post(URL, {"name": "x" * 101})
    assertContains(r, "Ensure this value has at most 100 characters (it has 101).")
    assert not ApiToken.objects.exists()


def test_it_revokes_a_token(alice_client, alice):
    token, key = ApiToken.issue(alice, "Reference manager")
    r = alice_client.post(_revoke(token), follow=True)
    assertRedirects(r, URL)
    assertContains(r, "Revoked the token “Reference manager”.")
    assertContains(r, "Revoked ")

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.authenticate(key) is None
    assertNotContains(r, f'action="{_revoke(token)}"')


def test_revoking_twice_keeps_the_first_date(alice_client, alice_token):
    alice_client.post(_revoke(alice_token))
    alice_token.refresh_from_db()
    first = alice_token.revoked_at
    alice_client.post(_revoke(alice_token))
    alice_token.refresh_from_db()
    assert alice_token.revoked_at == first


def test_revoke_requires_post(alice_client, alice_token):
    assert alice_client.get(_revoke(alice_token)).status_code == 405
    alice_token.refresh_from_db()
    assert alice_token.revoked_at is None


def test_it_checks_ownership(client, bob, alice_token):
    client.force_login(bob)
    assert client.post(_revoke(alice_token)).status_code == 404
    alice_token.refresh_from_db()
    assert alice_token.revoked_at is None
