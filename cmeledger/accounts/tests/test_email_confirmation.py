from __future__ import annotations

import importlib
import re
from types import SimpleNamespace

from allauth.account.models import EmailAddress
from django.apps import apps
from django.core import mail
from django.db import connection
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from cmeledger.accounts.models import User
from cmeledger.conftest import make_clinician

NOTICE = "Confirm your email address to receive credits organizations report for you"
LINK = re.compile(r"http://127\.0\.0\.1:8000(/accounts/confirm-email/[^/\s]+/)")


def _unconfirmed(client) -> User:
    user = make_clinician("erin@example.org", "Erin", "Ellis", confirmed=False)
    client.force_login(user)
    return user


def test_the_dashboard_asks_an_unconfirmed_clinician_to_confirm(client, db):
    _unconfirmed(client)
    r = client.get("/")
    assertContains(r, NOTICE)
    assertContains(r, "Send the link again")


def test_the_dashboard_says_nothing_once_confirmed(alice_client):
    assertNotContains(alice_client.get("/"), NOTICE)


def test_send_the_link_again_emails_a_link_that_confirms(client, db):
    user = _unconfirmed(client)
    r = client.post("/accounts/email/resend/")
    assertRedirects(r, "/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["erin@example.org"]
    link = LINK.search(mail.outbox[0].body).group(1)

    client.post(link)
    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    assertNotContains(client.get("/"), NOTICE)


def test_send_the_link_again_works_after_the_address_was_changed_in_the_admin(client, db):
    user = make_clinician("old@example.org", "Olly", "Old")
    user.email = "new@example.org"
    user.save()
    client.force_login(user)
    client.post("/accounts/email/resend/")
    assert mail.outbox[-1].to == ["new@example.org"]
    client.post(LINK.search(mail.outbox[-1].body).group(1))
    user.refresh_from_db()
    assert user.email == "new@example.org" and user.email_confirmed_at is not None


def test_send_the_link_again_is_limited_per_address(client, db):
    _unconfirmed(client)
    client.post("/accounts/email/resend/")
    r = client.post("/accounts/email/resend/", follow=True)
    assert len(mail.outbox) == 1
    assertContains(r, "A link was sent to erin@example.org a moment ago; it still works.")


def test_send_the_link_again_requires_post(client, db):
    _unconfirmed(client)
    assert client.get("/accounts/email/resend/").status_code == 405
    assert mail.outbox == []


def test_a_confirmed_address_is_not_sent_another_link(alice_client):
    r = alice_client.post("/accounts/email/resend/", follow=True)
    assertContains(r, "alice@example.org is already confirmed.")
    assert mail.outbox == []


def test_changing_the_address_keeps_the_old_confirmation_until_the_new_one_is_confirmed(
    alice_client, alice
):
    confirmed_at = alice.email_confirmed_at
    alice_client.post("/accounts/email/", {"action_add": "", "email": "alice@new.example.org"})
    alice.refresh_from_db()
    assert (alice.email, alice.email_confirmed_at) == ("alice@example.org", confirmed_at)

    link = LINK.search(mail.outbox[-1].body).group(1)
    alice_client.post(link)
    alice.refresh_from_db()
    assert alice.email == "alice@new.example.org"
    assert alice.email_confirmed_at is not None and alice.email_confirmed_at > confirmed_at


def test_an_address_changed_elsewhere_is_no_longer_confirmed(alice):
    alice.email = "alice@elsewhere.example.org"
    alice.save()
    alice.refresh_from_db()
    assert alice.email_confirmed_at is None


def test_saving_the_same_address_keeps_the_confirmation(alice):
    confirmed_at = alice.email_confirmed_at
    alice.first_name = "Alicia"
    alice.save()
    alice.refresh_from_db()
    assert alice.email_confirmed_at == confirmed_at


def test_accounts_made_confirmed_are_confirmed_for_allauth_too(alice, bob):
    assert EmailAddress.objects.get(user=alice).verified
    assert EmailAddress.objects.get(user=alice).primary


def test_the_migration_gives_every_user_an_address_confirmed_as_before(db):
    confirmed = make_clinician("c@example.org", "Cy", "Cole")
    unconfirmed = make_clinician("u@example.org", "Uma", "Udall", confirmed=False)
    EmailAddress.objects.all().delete()

    migration = importlib.import_module("cmeledger.accounts.migrations.0006_allauth")
    editor = SimpleNamespace(connection=connection)
    migration.add_email_addresses(apps, editor)
    migration.add_email_addresses(apps, editor)  # a second run adds nothing

    rows = {a.user_id: a for a in EmailAddress.objects.all()}
    assert len(rows) == 2
    assert rows[confirmed.pk].verified and rows[confirmed.pk].primary
    assert not rows[unconfirmed.pk].verified


def test_the_demo_clinician_is_already_confirmed(db):
    from cmeledger.ledger.demo import create_demo

    user = create_demo().user
    assert user.email_confirmed_at is not None
    assert EmailAddress.objects.get(user=user).verified
