"""Organizations, boards and invitations, as the services and the command line make them:
the good case, and bad input that stores nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from cmeledger.accounts.models import Board, Organization, Role, User
from cmeledger.conftest import PASSWORD
from cmeledger.onboarding import services
from cmeledger.onboarding.models import RoleInvitation
from cmeledger.onboarding.services import InvitationGone, OnboardingError, Terms
from cmeledger.reporting.models import Agreement, CredentialKind

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Organization.objects.count(),
        Agreement.objects.count(),
        Board.objects.count(),
        RoleInvitation.objects.count(),
        User.objects.count(),
    )


def test_an_organization_is_created_with_its_agreement(board):
    terms = Terms(
        credential_kinds=(CredentialKind.STATE_LICENSE, CredentialKind.BOARD_CERTIFICATION),
        boards=(board,),
        members_only=True,
    )
    organization = services.create_organization("Acme-CME", "  Acme   CME ", terms)
    assert (organization.slug, organization.name) == ("acme-cme", "Acme CME")
    agreement = organization.agreement
    assert agreement.in_force() and agreement.members_only
    assert list(agreement.boards.all()) == [board]
    assert agreement.allows(CredentialKind.BOARD_CERTIFICATION)


@pytest.mark.parametrize(
    ("slug", "name", "terms", "field"),
    [
        ("acme-cme", "Acme", Terms(), "slug"),  # duplicate
        ("", "Acme", Terms(), "slug"),
        ("Acme CME!", "Acme", Terms(), "slug"),
        ("new-org", "", Terms(), "name"),
        ("new-org", "New", Terms(credential_kinds=()), "credential_kinds"),
        ("new-org", "New", Terms(credential_kinds=("cme-for-cats",)), "credential_kinds"),
        (
            "new-org",
            "New",
            Terms(credential_kinds=(CredentialKind.BOARD_CERTIFICATION,)),
            "boards",
        ),
        (
            "new-org",
            "New",
            Terms(starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 30)),
            "ends_on",
        ),
    ],
)
def test_a_bad_organization_is_refused_naming_the_field_and_stores_nothing(
    organization, slug, name, terms, field
):
    before = _counts()
    with pytest.raises(OnboardingError) as refused:
        services.create_organization(slug, name, terms)
    assert refused.value.field == field
    assert _counts() == before


def test_a_board_is_created_once_and_a_bad_code_is_refused(board):
    made = services.create_board("abx", "American Board of X")
    assert made.code == "abx"
    before = _counts()
    for code, name in [(board.code, "Again"), ("AB X", "Spaces"), ("abz", "")]:
        with pytest.raises(OnboardingError):
            services.create_board(code, name)
    assert _counts() == before


def test_an_invitation_makes_the_account_with_its_role_once(organization):
    invitation, secret = services.invite(
        "Olive@Example.org ", Role.ORGANIZATION, organization=organization
    )
    assert invitation.email == "olive@example.org" and invitation.is_pending
    assert secret not in invitation.secret_hash and invitation.hint == secret[:8]
    found = services.usable(secret)
    user = services.accept(found, PASSWORD, "Olive", "Oak")
    assert (user.role, user.organization, user.email_confirmed_at is not None) == (
        Role.ORGANIZATION,
        organization,
        True,
    )
    assert user.check_password(PASSWORD)
    with pytest.raises(InvitationGone, match="already been used"):
        services.usable(secret)
    with pytest.raises(InvitationGone):
        services.accept(found, PASSWORD, "Olive", "Again")
    assert User.objects.filter(email="olive@example.org").count() == 1


def test_an_expired_or_withdrawn_invitation_cannot_be_used(board):
    expired, old_secret = services.invite("bo@example.org", Role.BOARD_STAFF, board=board)
    RoleInvitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(InvitationGone, match="expired"):
        services.usable(old_secret)
    fresh, secret = services.invite("bo@example.org", Role.BOARD_STAFF, board=board)
    services.revoke(fresh)
    with pytest.raises(InvitationGone, match="withdrawn"):
        services.usable(secret)


def test_a_second_invitation_to_the_same_address_withdraws_the_first(board):
    _, first = services.invite("bo@example.org", Role.BOARD_STAFF, board=board)
    services.invite("bo@example.org", Role.BOARD_STAFF, board=board)
    with pytest.raises(InvitationGone, match="withdrawn"):
        services.usable(first)


def test_a_tampered_secret_finds_nothing(board):
    _, secret = services.invite("bo@example.org", Role.BOARD_STAFF, board=board)
    for wrong in (secret[:-1] + ("A" if secret[-1] != "A" else "B"), secret[:-3], "", "x" * 500):
        assert services.usable(wrong) is None


@pytest.mark.parametrize(
    ("email", "role", "with_org", "with_board", "field"),
    [
        ("alice@example.org", Role.CLINICIAN, False, False, "email"),  # already registered
        ("ALICE@example.org", Role.CLINICIAN, False, False, "email"),
        ("not an email", Role.CLINICIAN, False, False, "email"),
        ("new@example.org", "overlord", False, False, "role"),
        ("new@example.org", Role.ORGANIZATION, False, False, "organization"),
        ("new@example.org", Role.CLINICIAN, True, False, "organization"),
        ("new@example.org", Role.BOARD_STAFF, False, False, "board"),
        ("new@example.org", Role.SITE_ADMIN, False, True, "board"),
    ],
)
def test_a_bad_invitation_is_refused_and_stores_nothing(
    alice, organization, board, email, role, with_org, with_board, field
):
    before = _counts()
    with pytest.raises(OnboardingError) as refused:
        services.invite(
            email,
            role,
            organization=organization if with_org else None,
            board=board if with_board else None,
        )
    assert refused.value.field == field
    assert _counts() == before


def test_an_address_registered_after_the_invitation_is_not_taken_over(alice):
    invitation, secret = services.invite("late@example.org", Role.CLINICIAN)
    User.objects.create_user("late@example.org", PASSWORD)
    with pytest.raises(OnboardingError, match="already has an account"):
        services.accept(invitation, PASSWORD, "Late", "Comer")
    assert User.objects.filter(email="late@example.org").count() == 1


def test_the_invitation_email_carries_the_link_and_the_role(board):
    invitation, secret = services.invite("bo@example.org", Role.BOARD_STAFF, board=board)
    assert services.send_invitation(invitation, secret)
    [sent] = mail.outbox
    assert sent.to == ["bo@example.org"]
    assert services.invitation_url(secret) in sent.body
    assert f"Board staff of {board.name}" in sent.body


# The command line --------------------------------------------------------------------------------


def run(*words: str) -> str:
    out = io.StringIO()
    call_command(*words, stdout=out)
    return out.getvalue()


def test_the_commands_create_an_organization_a_board_and_invitations(board):
    out = run(
        "org", "create", "acme-cme", "--name", "Acme CME", "--kind", "state-license",
        "--kind", "board-certification", "--board", board.code, "--starts", "2026-01-01",
    )  # fmt: skip
    assert "Created the organization Acme CME (acme-cme)" in out
    assert f"boards {board.code.upper()}" in out
    assert "acme-cme" in run("org", "list")
    assert "Created the board American Board of X (abx)" in run(
        "board", "create", "abx", "--name", "American Board of X"
    )
    assert "abx" in run("board", "list")
    out = run("invite", "olive@example.org", "--role", "organization", "--org", "acme-cme")
    assert "Sent an invitation for olive@example.org as Organization member of Acme CME" in out
    assert "/welcome/i_" in out and len(mail.outbox) == 1
    out = run("invite", "bo@example.org", "--role", "board-staff", "--board", "abx", "--no-email")
    assert out.startswith("Made an invitation") and len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("words", "says"),
    [
        (("org", "create", "acme-cme", "--name", "Again"), "already exists"),
        (("org", "create", "new-org", "--name", "New", "--board", "nope"), "no board"),
        (("org", "create", "new-org", "--name", "New", "--ends", "someday"), "not a date"),
        (("board", "create", "abpmr", "--name", "Again"), "already exists"),
        (("invite", "x@example.org", "--role", "board-staff", "--board", "nope"), "no board"),
        (("invite", "x@example.org", "--role", "organization"), "needs the organization"),
        (("invite", "x@example.org", "--role", "clinician", "--org", "acme-cme"), "Only an"),
        (("invite", "x@example.org", "--role", "organization", "--org", "nope"), "no organization"),
        (("invite", "alice@example.org", "--role", "clinician"), "already has an account"),
    ],
)
def test_the_commands_refuse_bad_input_and_store_nothing(alice, organization, words, says):
    before = _counts()
    with pytest.raises(CommandError, match=says):
        run(*words)
    assert _counts() == before


def test_the_command_refuses_an_unknown_role():
    with pytest.raises(CommandError, match="invalid choice"):
        run("invite", "x@example.org", "--role", "overlord")


# The demo ----------------------------------------------------------------------------------------


def test_the_demo_prints_a_login_for_every_workspace_and_each_one_opens(client):
    from cmeledger.ledger.demo import PASSWORD as DEMO_PASSWORD
    from cmeledger.onboarding.demo import ADMIN_EMAIL, BOARD_EMAIL, ORGANIZATION_EMAIL

    out = run("demo")
    pages = {ORGANIZATION_EMAIL: "/organization/", BOARD_EMAIL: "/board/diplomates/"}
    pages[ADMIN_EMAIL] = "/site/"
    for email, page in pages.items():
        assert email in out
        assert client.login(email=email, password=DEMO_PASSWORD)
        assert client.get("/").url == page
        assert client.get(page).status_code == 200
    agreement = Agreement.objects.get(organization__slug="aapmr")
    assert agreement.in_force() and agreement.boards.filter(code="abpmr").exists()
    again = _counts()
    assert "Already there" in run("demo")
    assert _counts() == again


def test_the_demo_webinars_are_reported_records_matched_to_the_demo_clinician():
    from cmeledger.ledger.demo import EMAIL
    from cmeledger.ledger.models import CreditEntry
    from cmeledger.ledger.vocabulary import Source
    from cmeledger.reporting.models import RecordState, ReportedRecord

    run("demo")
    reported = CreditEntry.objects.filter(clinician__email=EMAIL, source=Source.ORGANIZATION)
    assert reported.count() == 8
    assert not reported.filter(reported_record__isnull=True).exists()
    records = ReportedRecord.objects.filter(organization__slug="aapmr")
    assert records.count() == 8
    assert set(records.values_list("state", flat=True)) == {RecordState.MATCHED}
    assert reported.filter(specialty_related=True).count() == 8


def test_a_body_certifying_pas_or_nps_is_created_with_its_credential(db):
    made = services.create_board("nbx", "National Board of X", "NP", "XNP-C")
    assert (made.profession, made.credential) == ("NP", "XNP-C")
    assert services.create_board("aby", "American Board of Y").profession == "physician"


@pytest.mark.parametrize(
    ("profession", "credential", "field", "says"),
    [
        ("dentist", "", "profession", "“dentist” is not a profession a body certifies"),
        ("PA", "PA C", "credential", "one word of at most 20 characters"),
        ("PA", "X" * 21, "credential", "one word of at most 20 characters"),
    ],
)
def test_a_body_with_an_unknown_profession_or_a_bad_credential_is_refused(
    db, profession, credential, field, says
):
    before = _counts()
    with pytest.raises(OnboardingError, match=says) as refused:
        services.create_board("nbx", "National Board of X", profession, credential)
    assert refused.value.field == field
    assert _counts() == before


def test_the_board_command_creates_and_lists_a_pa_body(db):
    out = run(
        "board", "create", "nbx", "--name", "National Board of X",
        "--profession", "PA", "--credential", "PA-X",
    )  # fmt: skip
    assert "Created the board National Board of X (nbx)" in out
    listed = run("board", "list")
    assert "nbx\tNational Board of X\tPA (PA-X)\t0 staff" in listed
    assert (
        "nccpa\tNational Commission on Certification of Physician Assistants\tPA (PA-C)" in listed
    )
    assert "abpmr\tAmerican Board of Physical Medicine and Rehabilitation\tphysician\t" in listed
    with pytest.raises(CommandError, match="invalid choice"):
        run("board", "create", "nby", "--name", "Y", "--profession", "dentist")
