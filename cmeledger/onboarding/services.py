"""Onboarding by site staff, shared by the site-admin pages and the command line:
organizations and their data-sharing agreements, boards, and invitations to a role.

Every function checks what it is given and raises OnboardingError (naming the field)
before it stores anything, so a duplicate, an unknown board or a wrong role leaves the
database as it was.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cmeledger.accounts.models import Board, Organization, Profession, Role, User
from cmeledger.onboarding.models import RoleInvitation
from cmeledger.reporting.models import Agreement, CredentialKind

log = logging.getLogger(__name__)

INVITATION_DAYS = 7
# A secret is the prefix and 32 URL-safe characters; anything else is not one of ours.
SECRET_SHAPE = re.compile(r"i_[A-Za-z0-9_-]{32}")
SLUG_SHAPE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# The roles an invitation can give; a team manager is one too (cmeledger teams has the
# older way to make one).
INVITABLE = (
    Role.CLINICIAN,
    Role.ORGANIZATION,
    Role.BOARD_STAFF,
    Role.TEAM_MANAGER,
    Role.SITE_ADMIN,
)


class OnboardingError(ValueError):
    """The operation cannot be done as asked; the message says why, for a person, and
    `field` names the form field it is about (None: the whole request)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvitationGone(Exception):
    """The invitation exists but can no longer be used: used, withdrawn or expired."""

    MESSAGES = {
        "used": "This invitation has already been used. Sign in with the account it made.",
        "revoked": "This invitation was withdrawn. Ask the site's staff for a new one.",
        "expired": "This invitation has expired. Ask the site's staff for a new one.",
    }

    def __init__(self, invitation: RoleInvitation) -> None:
        self.invitation = invitation
        super().__init__(self.MESSAGES.get(invitation.state, "This invitation cannot be used."))


# Checking what was typed ------------------------------------------------------------------


def _clean_slug(raw: str, field: str, what: str, max_length: int) -> str:
    slug = (raw or "").strip().lower()
    if not slug:
        raise OnboardingError(f"Enter the {what}.", field)
    if len(slug) > max_length or not SLUG_SHAPE.fullmatch(slug):
        raise OnboardingError(
            f"Use lowercase letters, digits and single hyphens for the {what}, at most "
            f"{max_length} characters (for example “acme-cme”); “{raw.strip()}” is not one.",
            field,
        )
    return slug


def _clean_name(raw: str, what: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise OnboardingError(f"Enter the {what}'s name.", "name")
    if len(name) > 200:
        raise OnboardingError("Use at most 200 characters for the name.", "name")
    return name


def clean_email(raw: str) -> str:
    email = (raw or "").strip().lower()
    if not email:
        raise OnboardingError("Enter the email address to invite.", "email")
    if len(email) > 254:
        raise OnboardingError("Use at most 254 characters for the email address.", "email")
    try:
        validate_email(email)
    except ValidationError:
        raise OnboardingError(f"“{email}” is not an email address.", "email") from None
    return email


def find_board(code: str) -> Board:
    board = Board.objects.filter(code=(code or "").strip().lower()).first()
    if board is None:
        known = ", ".join(Board.objects.values_list("code", flat=True)) or "none yet"
        raise OnboardingError(
            f"There is no board with the code “{code}” (known: {known}).", "board"
        )
    return board


def find_organization(slug: str) -> Organization:
    organization = Organization.objects.filter(slug=(slug or "").strip().lower()).first()
    if organization is None:
        raise OnboardingError(
            f"There is no organization with the short name “{slug}”.", "organization"
        )
    return organization


# Organizations and agreements -------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """What an agreement allows: the kinds of credit, the boards (for board
    certification), whether only listed members are reported, and when."""

    credential_kinds: tuple[str, ...] = (CredentialKind.STATE_LICENSE,)
    boards: tuple[Board, ...] = ()
    members_only: bool = False
    starts_on: date | None = None
    ends_on: date | None = None

    def check(self) -> None:
        if not self.credential_kinds:
            raise OnboardingError(
                "Choose at least one kind of credit the organization may report.",
                "credential_kinds",
            )
        unknown = [k for k in self.credential_kinds if k not in CredentialKind.values]
        if unknown:
            allowed = ", ".join(CredentialKind.values)
            raise OnboardingError(
                f"Unknown kind of credit “{unknown[0]}”; choose from {allowed}.", "credential_kinds"
            )
        if CredentialKind.BOARD_CERTIFICATION in self.credential_kinds and not self.boards:
            raise OnboardingError(
                "Board certification credit needs the boards it may be reported for.", "boards"
            )
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise OnboardingError("The agreement cannot end before it starts.", "ends_on")


def create_organization(slug: str, name: str, terms: Terms) -> Organization:
    """A reporting organization and its data-sharing agreement, together or not at all."""
    slug = _clean_slug(slug, "slug", "organization's short name", 64)
    name = _clean_name(name, "organization")
    terms.check()
    if Organization.objects.filter(slug=slug).exists():
        raise OnboardingError(
            f"An organization with the short name “{slug}” already exists.", "slug"
        )
    try:
        with transaction.atomic():
            organization = Organization.objects.create(slug=slug, name=name)
            set_agreement(organization, terms)
    except IntegrityError:  # created by someone else at the same moment
        raise OnboardingError(
            f"An organization with the short name “{slug}” already exists.", "slug"
        ) from None
    return organization


def set_agreement(organization: Organization, terms: Terms) -> Agreement:
    """Creates or replaces the organization's agreement."""
    terms.check()
    with transaction.atomic():
        agreement, _ = Agreement.objects.update_or_create(
            organization=organization,
            defaults={
                "credential_kinds": list(terms.credential_kinds),
                "members_only": terms.members_only,
                "starts_on": terms.starts_on or timezone.localdate(),
                "ends_on": terms.ends_on,
            },
        )
        agreement.boards.set(terms.boards)
    return agreement


def boards_from_codes(codes: Iterable[str]) -> tuple[Board, ...]:
    return tuple(find_board(code) for code in codes if code.strip())


# Boards -----------------------------------------------------------------------------------


def _clean_credential(raw: str) -> str:
    credential = (raw or "").strip()
    if len(credential) > 20 or any(c.isspace() for c in credential):
        raise OnboardingError(
            f"Write the credential as one word of at most 20 characters, like “PA-C”; "
            f"“{credential[:40]}” is not one.",
            "credential",
        )
    return credential


def create_board(
    code: str, name: str, profession: str = Profession.PHYSICIAN, credential: str = ""
) -> Board:
    """A certifying body: a physicians' board unless `profession` says it certifies PAs
    or NPs, whose certification form then offers it to clinicians of that degree."""
    code = _clean_slug(code, "code", "board's code", 32)
    name = _clean_name(name, "board")
    if profession not in Profession.values:
        known = ", ".join(Profession.values)
        raise OnboardingError(
            f"“{profession}” is not a profession a body certifies (known: {known}).",
            "profession",
        )
    credential = _clean_credential(credential)
    if Board.objects.filter(code=code).exists():
        raise OnboardingError(f"A board with the code “{code}” already exists.", "code")
    try:
        with transaction.atomic():
            return Board.objects.create(
                code=code, name=name, profession=profession, credential=credential
            )
    except IntegrityError:
        raise OnboardingError(f"A board with the code “{code}” already exists.", "code") from None


# Invitations ------------------------------------------------------------------------------


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_role(role: str, organization: Organization | None, board: Board | None) -> None:
    if role not in INVITABLE:
        allowed = ", ".join(INVITABLE)
        raise OnboardingError(f"Unknown role “{role}”; choose one of {allowed}.", "role")
    if role == Role.ORGANIZATION and organization is None:
        raise OnboardingError(
            "An organization member needs the organization they join.", "organization"
        )
    if role != Role.ORGANIZATION and organization is not None:
        raise OnboardingError(
            "Only an organization member belongs to an organization; leave it empty for "
            f"{Role(role).label.lower()}.",
            "organization",
        )
    if role == Role.BOARD_STAFF and board is None:
        raise OnboardingError("Board staff need the board they work for.", "board")
    if role != Role.BOARD_STAFF and board is not None:
        raise OnboardingError(
            f"Only board staff belong to a board; leave it empty for {Role(role).label.lower()}.",
            "board",
        )


def invite(
    email: str,
    role: str,
    *,
    organization: Organization | None = None,
    board: Board | None = None,
    invited_by: User | None = None,
) -> tuple[RoleInvitation, str]:
    """A new invitation and its secret (only its hash is stored). A waiting invitation to
    the same address is withdrawn, so the newest email is the one that works."""
    email = clean_email(email)
    _check_role(role, organization, board)
    if User.objects.filter(email__iexact=email).exists():
        raise OnboardingError(
            f"{email} already has an account; change its role in the admin instead of inviting.",
            "email",
        )
    now = timezone.now()
    secret = RoleInvitation.PREFIX + secrets.token_urlsafe(24)
    with transaction.atomic():
        RoleInvitation.objects.pending(now).filter(email=email).update(revoked_at=now)
        invitation = RoleInvitation.objects.create(
            email=email,
            role=role,
            organization=organization,
            board=board,
            invited_by=invited_by,
            hint=secret[: len(RoleInvitation.PREFIX) + 6],
            secret_hash=hash_secret(secret),
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
    return invitation, secret


def invitation_url(secret: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("invitation", args=[secret])


def send_invitation(invitation: RoleInvitation, secret: str) -> bool:
    """Sends the email now (a queued job would keep the secret in the task table). False
    when the mail server failed: the invitation stands and the link can be passed on."""
    context = {
        "invitation": invitation,
        "role": invitation.role_in_words,
        "invited_by": invitation.invited_by.display_name if invitation.invited_by else "",
        "url": invitation_url(secret),
        "expires_at": invitation.expires_at,
        "site_name": settings.SITE_NAME,
    }
    subject = f"Your invitation to {settings.SITE_NAME}"
    text = render_to_string("onboarding/email/invitation.txt", context)
    try:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    except Exception:
        log.exception("Could not send the invitation %s to %s", invitation.pk, invitation.email)
        return False
    return True


def revoke(invitation: RoleInvitation) -> None:
    if invitation.is_pending:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def open_invitation(secret: str) -> RoleInvitation | None:
    """The invitation behind a secret, whatever its state; None for one that is not ours
    (mistyped, cut short or made up)."""
    if not isinstance(secret, str) or not SECRET_SHAPE.fullmatch(secret):
        return None
    return (
        RoleInvitation.objects.select_related("organization", "board", "invited_by")
        .filter(secret_hash=hash_secret(secret))
        .first()
    )


def usable(secret: str) -> RoleInvitation | None:
    """None for an unknown secret; raises InvitationGone for one that cannot be used."""
    invitation = open_invitation(secret)
    if invitation is not None and not invitation.is_pending:
        raise InvitationGone(invitation)
    return invitation


def accept(invitation: RoleInvitation, password: str, first_name: str, last_name: str) -> User:
    """Makes the invited account, once: the invitation is claimed in the same transaction,
    so two tabs submitting at the same moment make one account. The address counts as
    confirmed, since the link was opened from it. The password is checked by the caller
    (Django's validators, in the form)."""
    now = timezone.now()
    with transaction.atomic():
        claimed = RoleInvitation.objects.pending(now).filter(pk=invitation.pk).update(used_at=now)
        if not claimed:
            invitation.refresh_from_db()
            raise InvitationGone(invitation)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise OnboardingError(
                f"{invitation.email} already has an account: sign in with it instead.", "email"
            )
        user = User.objects.create_user(
            invitation.email,
            password,
            first_name=first_name.strip()[:150],
            last_name=last_name.strip()[:150],
            role=invitation.role,
            organization=invitation.organization,
            board=invitation.board,
            email_confirmed_at=now,
        )
        RoleInvitation.objects.filter(pk=invitation.pk).update(user=user)
    invitation.used_at, invitation.user = now, user
    return user


def workspace(user: User) -> str:
    """The URL name of the page a newly arrived account starts on."""
    pages: dict[str, str] = {
        Role.CLINICIAN: "profile",
        Role.ORGANIZATION: "organization",
        Role.BOARD_STAFF: "board-diplomates",
        Role.TEAM_MANAGER: "teams",
        Role.SITE_ADMIN: "site-admin",
    }
    return pages.get(user.role, "dashboard")
