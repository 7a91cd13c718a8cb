from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from cmeledger.accounts.models import Role, User
from cmeledger.accounts.twofactor import GATE_MESSAGE, is_required_for
from cmeledger.conftest import PASSWORD

ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.MFA_REQUIRED = True


def _login(client, email: str):
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


def _activate(client) -> tuple[str, list[str]]:
    """Set up an authenticator app as a person would: read the secret, type a code."""
    r = client.get(ACTIVATE)
    assert r.status_code == 200
    secret = r.context["form"].secret
    assertContains(r, secret)  # shown for typing into the app by hand
    assertContains(r, 'src="data:image/svg+xml;base64,')  # the QR code
    r = client.post(ACTIVATE, {"code": pyotp.TOTP(secret).now()})
    assertRedirects(r, "/accounts/2fa/recovery-codes/", fetch_redirect_response=False)
    r = client.get("/accounts/2fa/recovery-codes/")
    codes = r.context["unused_codes"]
    # Shown for the person to keep, one a line.
    assertContains(r, "\n".join(codes))
    return secret, codes


def test_an_organization_member_is_sent_to_set_up_an_authenticator(client, org_member):
    r = _login(client, "org@example.org")
    assertRedirects(r, "/", fetch_redirect_response=False)
    r = client.get("/organization/")
    assertRedirects(r, ACTIVATE, fetch_redirect_response=False)
    r = client.get(ACTIVATE)
    assertContains(r, "so it needs two-factor authentication. Set up an authenticator app")
    # Nothing else opens until it is done.
    for url in ["/organization/submissions/", "/accounts/tokens/", "/providers/"]:
        assertRedirects(client.get(url), ACTIVATE, fetch_redirect_response=False)


def test_set_up_and_the_next_log_in_ask_for_a_code(client, org_member):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "org@example.org")
        secret, codes = _activate(client)
        assert Authenticator.objects.filter(user=org_member).count() == 2  # app, recovery codes
        assert len(codes) == 10
        assert client.get("/organization/").status_code == 200
        client.post("/accounts/logout/")

    # A later log-in: the password alone is not enough.
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        r = _login(client, "org@example.org")
        assertRedirects(r, AUTHENTICATE, fetch_redirect_response=False)
        assert "_auth_user_id" not in client.session
        r = client.post(AUTHENTICATE, {"code": "000000"})
        assertContains(r, "Incorrect code.")
        r = client.post(AUTHENTICATE, {"code": pyotp.TOTP(secret).now()})
        assertRedirects(r, "/", fetch_redirect_response=False)
        assert client.session["_auth_user_id"] == str(org_member.pk)
        assert client.get("/organization/").status_code == 200


def test_a_recovery_code_replaces_the_app_once(client, board_staff):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "staff@example.org")
        _, codes = _activate(client)
        client.post("/accounts/logout/")
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        _login(client, "staff@example.org")
        r = client.post(AUTHENTICATE, {"code": codes[0]})
        assertRedirects(r, "/", fetch_redirect_response=False)
        client.post("/accounts/logout/")
        _login(client, "staff@example.org")
        r = client.post(AUTHENTICATE, {"code": codes[0]})
        assertContains(r, "Incorrect code.")


def test_a_held_account_may_still_log_out(client, org_member):
    _login(client, "org@example.org")
    r = client.post("/accounts/logout/")
    assertRedirects(r, "/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_the_api_answers_a_held_session_with_403(client, org_member):
    _login(client, "org@example.org")
    r = client.get("/api/v1/reports/submissions")
    assert r.status_code == 403
    assert r.json() == {"detail": GATE_MESSAGE}


def test_the_admin_is_held_too(client, db):
    User.objects.create_superuser("root@example.org", PASSWORD)
    _login(client, "root@example.org")
    assertRedirects(client.get("/admin/"), ACTIVATE, fetch_redirect_response=False)


def test_clinicians_are_not_held_and_may_turn_it_on(client, alice):
    _login(client, "alice@example.org")
    assert client.get("/").status_code == 200
    assertContains(client.get("/accounts/2fa/"), "An authenticator app is not active.")
    # Turning it on by choice asks for the password again first (allauth's rule).
    r = client.get(ACTIVATE)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    _activate(client)
    assert Authenticator.objects.filter(user=alice, type="totp").exists()


def test_mfa_required_off_lets_them_through(client, org_member, settings):
    settings.MFA_REQUIRED = False
    _login(client, "org@example.org")
    assert client.get("/organization/").status_code == 200


@pytest.mark.parametrize(
    ("role", "required"),
    [
        (Role.CLINICIAN, False),
        (Role.ORGANIZATION, True),
        (Role.BOARD_STAFF, True),
        (Role.TEAM_MANAGER, True),
        (Role.SITE_ADMIN, True),
    ],
)
def test_it_is_required_for_every_role_that_sees_other_peoples_records(role, required):
    assert is_required_for(User(role=role)) is required


def test_it_is_required_for_anyone_who_can_open_the_admin():
    assert is_required_for(User(role=Role.CLINICIAN, is_staff=True))


def test_a_team_manager_is_held(client, team_manager):
    _login(client, "manager@example.org")
    assertRedirects(client.get("/teams/"), ACTIVATE, fetch_redirect_response=False)


def test_an_unconfirmed_address_is_confirmed_before_the_set_up(client, org_member):
    EmailAddress.objects.create(user=org_member, email=org_member.email, primary=True)
    _login(client, "org@example.org")
    r = client.get("/organization/")
    assertRedirects(r, "/accounts/email/", fetch_redirect_response=False)
    assertContains(client.get("/accounts/email/"), "First confirm your email address")

    client.post("/accounts/email/", {"action_send": "", "email": "org@example.org"})
    link = re.search(
        r"http://127\.0\.0\.1:8000(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body
    )
    client.post(link.group(1))
    assertRedirects(client.get("/organization/"), ACTIVATE, fetch_redirect_response=False)
    _activate(client)
    assert client.get("/organization/").status_code == 200
