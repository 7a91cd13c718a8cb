"""Two-factor authentication in Chromium, with the requirement on: an organization
member logs in, is held at the set-up page, scans nothing but types the secret's code,
keeps the recovery codes, and the next log-in asks for a code. The allauth pages keep
the site's layout, pass axe-core and break no Content Security Policy rule."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from cmeledger.accounts.models import Role, User
from cmeledger.conftest import PASSWORD
from cmeledger.reporting.sample import ensure_organization
from tests.browser.conftest import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEMBER = "reports@acme.example.org"


@pytest.fixture
def member(db):
    organization = ensure_organization("acme-cme", "Acme CME Institute")
    return User.objects.create_user(
        MEMBER, PASSWORD, role=Role.ORGANIZATION, organization=organization
    )


def test_a_member_sets_up_an_authenticator_app_and_needs_it_to_log_in(
    live_server, page, member, settings
):
    settings.MFA_REQUIRED = True
    base = live_server.url
    log_in(page, base, MEMBER, PASSWORD)
    # Held at the set-up page, whatever is asked for.
    page.goto(f"{base}/organization/submissions/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(page.get_by_text("so it needs two-factor authentication")).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    screenshot(page, "two-factor-activate")
    assert_accessible(page, "two-factor-activate")

    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activate").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10
    screenshot(page, "two-factor-recovery-codes")
    assert_accessible(page, "two-factor-recovery-codes")

    page.goto(f"{base}/organization/")
    expect(page).to_have_url(re.compile(r"/organization/$"))
    page.get_by_role("button", name="Log out").click()

    # The next log-in: the password, then a code from the app.
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(MEMBER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    assert_accessible(page, "two-factor-authenticate")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=re.compile("Sign In|Log in", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
