"""The site-admin area and the invitation page: site staff add organizations, agreements
and boards and invite people; invitees choose a password and land in their workspace.
Bad input is refused with a reason and stores nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cmeledger.accounts.models import Board, Organization, Role, User
from cmeledger.conftest import PASSWORD
from cmeledger.onboarding import services
from cmeledger.onboarding.models import RoleInvitation
from cmeledger.reporting.models import Agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_user("admin@example.org", PASSWORD, role=Role.SITE_ADMIN)
    client.force_login(admin)
    return client


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Organization.objects.count(),
        Agreement.objects.count(),
        Board.objects.count(),
        RoleInvitation.objects.count(),
        User.objects.count(),
    )


def test_site_staff_see_the_area_and_its_link(admin_client):
    page = admin_client.get(reverse("site-admin"))
    assert page.status_code == 200
    assert b"Invite someone" in page.content and b"Add an organization" in page.content
    assert f'href="{reverse("site-admin")}"'.encode() in page.content
    assert admin_client.get("/").url == reverse("site-admin")


def test_other_roles_are_told_the_area_is_not_for_them(client, alice, board_staff, org_member):
    for user in (alice, board_staff, org_member):
        client.force_login(user)
        page = client.get(reverse("site-admin"))
        assert page.status_code == 403
        assert b"managed by the site" in page.content
        assert client.post(reverse("site-board-add"), {"code": "x", "name": "X"}).status_code == 403
    assert not Board.objects.filter(code="x").exists()


def test_an_organization_is_added_with_its_agreement_and_then_edited(admin_client, board):
    form = {
        "name": "Acme CME",
        "slug": "acme-cme",
        "credential_kinds": ["state-license", "board-certification"],
        "boards": [board.pk],
    }
    response = admin_client.post(reverse("site-organization-add"), form)
    acme = Organization.objects.get(slug="acme-cme")
    assert response.url == reverse("site-organization", args=[acme.pk])
    assert list(acme.agreement.boards.all()) == [board]
    page = admin_client.get(response.url)
    assert b"Its agreement is in force" in page.content
    saved = admin_client.post(
        response.url, {"credential_kinds": ["state-license"], "members_only": "on"}
    )
    assert saved.status_code == 302
    acme.agreement.refresh_from_db()
    assert acme.agreement.credential_kinds == ["state-license"] and acme.agreement.members_only


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"name": "Again", "slug": "acme-cme", "credential_kinds": ["state-license"]}, "already exists"),
        ({"name": "New", "slug": "Not A Slug", "credential_kinds": ["state-license"]}, "lowercase letters"),
        ({"name": "New", "slug": "new-org"}, "This field is required"),
        ({"name": "New", "slug": "new-org", "credential_kinds": ["board-certification"]}, "needs the boards"),
        ({"name": "New", "slug": "new-org", "credential_kinds": ["state-license"], "boards": ["999999"]}, "valid choice"),
        ({"name": "New", "slug": "new-org", "credential_kinds": ["state-license"], "starts_on": "2026-05-02", "ends_on": "2026-05-01"}, "cannot end before"),
    ],
)  # fmt: skip
def test_a_bad_organization_form_says_why_and_stores_nothing(
    admin_client, organization, form, says
):
    before = _counts()
    response = admin_client.post(reverse("site-organization-add"), form)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert _counts() == before


def test_an_unknown_organization_is_a_404(admin_client):
    assert admin_client.get(reverse("site-organization", args=[999999])).status_code == 404


def test_a_board_is_added_and_a_duplicate_is_refused(admin_client, board):
    response = admin_client.post(reverse("site-board-add"), {"code": "abx", "name": "Board X"})
    assert response.status_code == 302 and Board.objects.filter(code="abx").exists()
    before = _counts()
    again = admin_client.post(reverse("site-board-add"), {"code": board.code, "name": "Again"})
    assert again.status_code == 400 and "already exists" in again.content.decode()
    assert _counts() == before


def test_a_body_certifying_pas_is_added_with_its_credential_and_listed(admin_client):
    form = {"code": "nbx", "name": "National Board of X", "profession": "PA", "credential": "PA-X"}
    response = admin_client.post(reverse("site-board-add"), form)
    assert response.status_code == 302
    made = Board.objects.get(code="nbx")
    assert (made.profession, made.credential) == ("PA", "PA-X")
    page = admin_client.get(reverse("site-admin")).content.decode()
    assert "Physician assistants (PA-X)" in page
    assert "Nurse practitioners (-BC)" in page  # ANCC, seeded


def test_an_invitation_is_sent_and_its_link_shown_once(admin_client, board):
    form = {"email": "bo@example.org", "role": "board-staff", "board": board.pk}
    response = admin_client.post(reverse("site-invite"), form)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    [sent] = mail.outbox
    link = sent.body.split("/welcome/")[1].split("/")[0]
    assert f"/welcome/{link}/" in response.content.decode()
    assert b"bo@example.org" in admin_client.get(reverse("site-admin")).content


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"email": "alice@example.org", "role": "clinician"}, "already has an account"),
        ({"email": "new@example.org", "role": "overlord"}, "valid choice"),
        ({"email": "new@example.org", "role": "board-staff"}, "need the board"),
        ({"email": "new@example.org", "role": "board-staff", "board": "999999"}, "valid choice"),
        ({"email": "new@example.org", "role": "organization"}, "needs the organization"),
        ({"email": "new@example.org", "role": "clinician", "organization": "ORG"}, "Only an organization member"),
        ({"email": "not an email", "role": "clinician"}, "valid email"),
    ],
)  # fmt: skip
def test_a_bad_invitation_says_why_and_stores_nothing(
    admin_client, alice, organization, form, says
):
    form = {k: (organization.pk if v == "ORG" else v) for k, v in form.items()}
    before = _counts()
    response = admin_client.post(reverse("site-invite"), form)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert _counts() == before and not mail.outbox


def test_an_invitation_is_withdrawn(admin_client, board):
    invitation, secret = services.invite("bo@example.org", Role.BOARD_STAFF, board=board)
    admin_client.post(reverse("site-invitation-revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    again = admin_client.post(reverse("site-invitation-revoke", args=[invitation.pk]), follow=True)
    assert "is withdrawn: nothing to withdraw" in again.content.decode()
    assert admin_client.post(reverse("site-invitation-revoke", args=[999999])).status_code == 404


# The invitee ----------------------------------------------------------------------------------


def _accept_form(**override) -> dict:
    return {
        "first_name": "Bo",
        "last_name": "Board",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | override


@pytest.mark.parametrize(
    ("role", "lands_on"),
    [
        (Role.CLINICIAN, "profile"),
        (Role.ORGANIZATION, "organization"),
        (Role.BOARD_STAFF, "board-diplomates"),
        (Role.SITE_ADMIN, "site-admin"),
    ],
)
def test_an_invitee_chooses_a_password_and_lands_in_their_workspace(
    client, organization, board, role, lands_on
):
    extra = {"organization": organization} if role == Role.ORGANIZATION else {}
    extra |= {"board": board} if role == Role.BOARD_STAFF else {}
    _, secret = services.invite("new@example.org", role, **extra)
    url = reverse("invitation", args=[secret])
    page = client.get(url)
    assert page.status_code == 200 and b"new@example.org" in page.content
    assert page["Referrer-Policy"] == "same-origin"
    response = client.post(url, _accept_form())
    assert response.url == reverse(lands_on)
    user = User.objects.get(email="new@example.org")
    assert user.role == role and user.first_name == "Bo"
    assert client.get(response.url).status_code == 200
    client.logout()
    assert client.login(email="new@example.org", password=PASSWORD)


@pytest.mark.parametrize(
    ("form", "says"),
    [
        (_accept_form(password2="something else entirely"), "The two passwords differ"),
        (_accept_form(password1="short", password2="short"), "too short"),
        (_accept_form(first_name=""), "This field is required"),
    ],
)
def test_a_bad_password_form_says_why_and_makes_no_account(client, board, form, says):
    _, secret = services.invite("bo@example.org", Role.BOARD_STAFF, board=board)
    response = client.post(reverse("invitation", args=[secret]), form)
    assert response.status_code == 400 and says in response.content.decode()
    assert not User.objects.filter(email="bo@example.org").exists()
    assert services.usable(secret) is not None


def test_a_used_expired_withdrawn_or_tampered_link_gets_a_clear_page(client, board):
    _, used = services.invite("used@example.org", Role.CLINICIAN)
    client.post(reverse("invitation", args=[used]), _accept_form())
    client.logout()
    expired, old = services.invite("late@example.org", Role.CLINICIAN)
    RoleInvitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))
    withdrawn, gone = services.invite("gone@example.org", Role.CLINICIAN)
    services.revoke(withdrawn)
    cases = [
        (used, 410, "already been used"),
        (old, 410, "has expired"),
        (gone, 410, "was withdrawn"),
        (used[:-2] + "zz", 404, "not valid"),
        ("nonsense", 404, "not valid"),
    ]
    for secret, status, says in cases:
        for send in (client.get, lambda url: client.post(url, _accept_form())):  # noqa: B023
            response = send(reverse("invitation", args=[secret]))
            assert response.status_code == status, secret
            assert says in response.content.decode()
    assert User.objects.filter(email__in=["late@example.org", "gone@example.org"]).count() == 0


def test_someone_signed_in_is_asked_to_log_out_first(client, alice):
    _, secret = services.invite("new@example.org", Role.CLINICIAN)
    client.force_login(alice)
    page = client.get(reverse("invitation", args=[secret]))
    assert b"Log out first" in page.content
    client.post(reverse("invitation", args=[secret]), _accept_form())
    assert not User.objects.filter(email="new@example.org").exists()


# The Django admin -----------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client):
    root = User.objects.create_superuser("root@example.org", PASSWORD)
    client.force_login(root)
    return client


def test_the_admin_refuses_an_organization_member_without_an_organization(superuser_client):
    form = {
        "email": "member@example.org",
        "usable_password": "false",
        "role": "organization",
    }
    response = superuser_client.post(reverse("admin:accounts_user_add"), form)
    assert response.status_code == 200
    assert "An organization member needs an organization." in response.content.decode()
    assert not User.objects.filter(email="member@example.org").exists()


def test_the_admin_refuses_a_board_on_a_clinician_and_board_staff_without_one(
    superuser_client, alice, board
):
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    page = superuser_client.get(url)
    assert page.status_code == 200
    form = {
        "email": alice.email,
        "first_name": "Alice",
        "last_name": "Abbot",
        "role": "board-staff",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    response = superuser_client.post(url, form)
    assert "Board staff need the board they work for." in response.content.decode()
    response = superuser_client.post(url, form | {"role": "clinician", "board": board.pk})
    assert "Only board staff belong to a board." in response.content.decode()
    alice.refresh_from_db()
    assert (alice.role, alice.board) == (Role.CLINICIAN, None)


def test_the_admin_adds_an_organization_member_with_an_organization(superuser_client, organization):
    form = {
        "email": "member@example.org",
        "usable_password": "false",
        "role": "organization",
        "organization": organization.pk,
    }
    response = superuser_client.post(reverse("admin:accounts_user_add"), form)
    assert response.status_code == 302
    assert User.objects.get(email="member@example.org").organization == organization


def test_invited_staff_go_straight_to_setting_up_two_factor_authentication(client, board, settings):
    settings.MFA_REQUIRED = True
    _, secret = services.invite("bo@example.org", Role.BOARD_STAFF, board=board)
    response = client.post(reverse("invitation", args=[secret]), _accept_form())
    held = client.get(response.url)
    assert held.url == reverse("mfa_activate_totp")
    # The password was typed a moment ago: the set-up page opens without asking again.
    assert client.get(held.url).status_code == 200
