"""First run for every role, in Chromium: a site admin adds an organization with its
agreement and a board, and invites a clinician, an organization member and board staff;
each invitee opens the emailed link, chooses a password and reaches a working workspace.
Every page is checked with axe-core and photographed at 1366 and 390 px."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cmeledger.accounts.models import Board, Organization, Role, User
from cmeledger.conftest import PASSWORD
from cmeledger.requirements.sync import sync
from tests.browser.conftest import assert_accessible, log_in, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN = "admin@example.org"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def both_widths(page, name: str) -> None:
    """Photograph the page at 1366 and at 390 px (where it must not scroll sideways),
    check it with axe at each, and leave the page as wide as it was."""
    was = page.viewport_size
    for label, size in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        screenshot(page, f"{name}-{label}")
        assert_accessible(page, f"{name}-{label}")
    page.set_viewport_size(was)


def link_for(email: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [email]]
    return re.search(r"https?://\S+/welcome/\S+/", message.body).group(0)


@pytest.fixture
def admin(db) -> User:
    sync()
    Board.objects.get_or_create(
        code="abpmr",
        defaults={"name": "American Board of Physical Medicine and Rehabilitation"},
    )
    return User.objects.create_user(
        ADMIN, PASSWORD, first_name="Sam", last_name="Admin", role=Role.SITE_ADMIN
    )


def test_a_site_admin_sets_up_an_organization_and_a_board_and_each_invitee_arrives(
    live_server, browser, admin, settings
):
    settings.SITE_URL = live_server.url
    with open_page(browser, viewport=DESKTOP) as page:
        log_in(page, live_server.url, ADMIN, PASSWORD)
        expect(page).to_have_url(re.compile(r"/site/$"))
        expect(page.get_by_role("heading", name="Site admin", level=1)).to_be_visible()
        expect(page.get_by_text("No organizations yet")).to_be_visible()
        both_widths(page, "site-admin-empty")

        # An organization and its agreement, in one form.
        page.get_by_label("Organization's name").fill("Acme CME Institute")
        page.get_by_label("Short name").fill("acme-cme")
        page.get_by_label("Board certification (MOC/CC)").check()
        page.get_by_role("button", name="Add the organization").click()
        expect(page.get_by_text("What it may report")).to_be_visible()
        expect(page.get_by_text("Board certification credit needs the boards")).to_be_visible()
        page.get_by_label(re.compile(r"\(ABPMR\)")).check()
        page.get_by_role("button", name="Add the organization").click()
        expect(page.get_by_role("heading", name="Acme CME Institute", level=1)).to_be_visible()
        expect(page.get_by_text("Its agreement is in force")).to_be_visible()
        both_widths(page, "site-organization")
        acme = Organization.objects.get(slug="acme-cme")
        assert list(acme.agreement.boards.values_list("code", flat=True)) == ["abpmr"]

        # A duplicate is refused with its reason.
        page.get_by_role("link", name="Site admin").first.click()
        page.get_by_label("Organization's name").fill("Acme again")
        page.get_by_label("Short name").fill("acme-cme")
        page.get_by_role("button", name="Add the organization").click()
        expect(
            page.get_by_text("An organization with the short name “acme-cme” already exists.")
        ).to_be_visible()
        assert Organization.objects.filter(slug="acme-cme").count() == 1

        # A board.
        page.get_by_label("Board's name").fill("American Board of Examples")
        page.get_by_label("Code").fill("abex")
        page.get_by_role("button", name="Add the board").click()
        expect(page.get_by_text("Added American Board of Examples.")).to_be_visible()

        # Invitations: an organization member, board staff, a clinician.
        invites = [
            ("olive@acme.example.org", "Organization member", "Acme CME Institute", None),
            ("bo@abex.example.org", "Board staff", None, "American Board of Examples (ABEX)"),
            ("casey@example.net", "Clinician", None, None),
        ]
        for email, role, organization, board in invites:
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Role").select_option(label=role)
            if organization:
                page.locator("#invite_organization").select_option(label=organization)
            if board:
                page.locator("#invite_board").select_option(label=board)
            page.get_by_role("button", name="Send the invitation").click()
            expect(page.get_by_text(f"Sent an invitation to {email}")).to_be_visible()
        # Someone already registered is refused, with nothing sent.
        page.get_by_label("Email address").fill(ADMIN)
        page.get_by_label("Role").select_option(label="Clinician")
        page.get_by_role("button", name="Send the invitation").click()
        expect(page.get_by_text(f"{ADMIN} already has an account")).to_be_visible()
        assert len(mail.outbox) == 3
        page.get_by_role("link", name="Site admin").first.click()
        expect(page.get_by_role("heading", name="Waiting for an answer")).to_be_visible()
        both_widths(page, "site-admin")

    arrivals = [
        ("olive@acme.example.org", "Olive", r"/organization/$", "Acme CME Institute", r"/organization/$"),
        ("bo@abex.example.org", "Bo", r"/board/diplomates/$", "Diplomates of American Board of Examples", r"/board/diplomates/$"),
        ("casey@example.net", "Casey", r"/accounts/profile/$", "Welcome, Casey", r"/$"),
    ]  # fmt: skip
    for email, first, lands_on, shows, home in arrivals:
        url = link_for(email)
        with open_page(browser, viewport=PHONE, is_mobile=True) as phone:
            phone.goto(url)
            expect(phone.get_by_role("heading", name=re.compile("Welcome to"))).to_be_visible()
            expect(phone.get_by_text(email).first).to_be_visible()
            both_widths(phone, f"invitation-{first.lower()}")
            phone.get_by_label("First name").fill(first)
            phone.get_by_label("Last name").fill("Newcomer")
            phone.get_by_label("Password", exact=True).fill(PASSWORD)
            phone.get_by_label("Password again").fill(PASSWORD)
            phone.get_by_role("button", name="Create my account").click()
            expect(phone).to_have_url(re.compile(lands_on))
            expect(phone.get_by_text(shows).first).to_be_visible()
            both_widths(phone, f"first-run-{first.lower()}")
            # The link worked once.
            phone.goto(url)
            expect(phone.get_by_text("already been used")).to_be_visible()
        with open_page(browser, viewport=DESKTOP) as page:
            # Signing in again later opens the same workspace (a clinician's dashboard).
            log_in(page, live_server.url, email, PASSWORD)
            expect(page).to_have_url(re.compile(home))
    assert User.objects.get(email="bo@abex.example.org").board.code == "abex"
    assert User.objects.get(email="olive@acme.example.org").organization.slug == "acme-cme"


def test_a_tampered_invitation_link_gets_a_clear_page(live_server, browser, db):
    with open_page(browser, viewport=PHONE, is_mobile=True) as phone:
        response = phone.goto(f"{live_server.url}/welcome/i_{'x' * 32}/")
        assert response.status == 404
        expect(
            phone.get_by_role("heading", name="This invitation is not available")
        ).to_be_visible()
        expect(phone.get_by_text("cut short or mistyped")).to_be_visible()
        both_widths(phone, "invitation-not-valid")
