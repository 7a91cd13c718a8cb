"""Team operations shared by the pages, the API and the `cmeledger teams` command.

What a team sees of a member is built here and only here (`member_status`): their name,
email, the date they joined, and for each requirement set they follow the status, the
credits counted and required, what is missing and the cycle's end. Entries, certificates,
licenses and the NPI never leave this module's inputs.
"""

from __future__ import annotations

import io
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from allauth.account.forms import default_token_generator as allauth_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cmeledger.accounts.adapter import AccountAdapter
from cmeledger.accounts.models import Role, User
from cmeledger.lib import csvsafe
from cmeledger.lib.credits import credit_text
from cmeledger.reports.models import ShareLink
from cmeledger.requirements.engine import SetResult, Status
from cmeledger.requirements.progress import report
from cmeledger.teams.models import (
    INVITATION_DAYS,
    MAX_MEMBERS,
    Invitation,
    Membership,
    Team,
    TeamKind,
    hash_secret,
)

log = logging.getLogger(__name__)

UNAVAILABLE = "unavailable"
STATUS_WORDS = {
    Status.MET: "Met",
    Status.ON_TRACK: "On track",
    Status.BEHIND: "Behind",
    Status.NOT_MET: "Not met",
    Status.NOT_APPLICABLE: "Does not apply",
    UNAVAILABLE: "Cannot be worked out yet",
}
# A secret is the prefix and 32 URL-safe characters; anything else is not one of ours.
SECRET_SHAPE = re.compile(r"t_[A-Za-z0-9_-]{32}")
MAX_PENDING = MAX_MEMBERS


class TeamError(ValueError):
    """The operation cannot be done as asked; the message says why, for a person."""


class InvitationGone(Exception):
    """The invitation exists but can no longer be used (expired, revoked or answered)."""

    def __init__(self, invitation: Invitation) -> None:
        self.invitation = invitation
        state = invitation.state
        messages = {
            "expired": "This invitation has expired; ask the team's manager for a new one.",
            "revoked": "This invitation was withdrawn by the team's manager.",
            "accepted": "This invitation has already been used.",
            "declined": "This invitation has already been used.",
        }
        super().__init__(messages.get(state, "This invitation can no longer be used."))


def may_manage_teams(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.TEAM_MANAGER)


def _clean_email(raw: str) -> str:
    email = (raw or "").strip().lower()
    if not email:
        raise TeamError("email: enter the clinician's email address.")
    if len(email) > 254:
        raise TeamError("email: use at most 254 characters.")
    try:
        validate_email(email)
    except ValidationError:
        raise TeamError(f"email: {email!r} is not an email address.") from None
    return email


# Teams and their managers ---------------------------------------------------------------


def create_team(manager: User, *, name: str, kind: str = TeamKind.EMPLOYER) -> Team:
    if not may_manage_teams(manager):
        raise TeamError("Only team managers create teams.")
    name = " ".join((name or "").split())
    if not name:
        raise TeamError("name: give the team a name, e.g. “Hospitalists, St. Elsewhere”.")
    if len(name) > 200:
        raise TeamError("name: use at most 200 characters.")
    if kind not in TeamKind.values:
        choices = ", ".join(TeamKind.values)
        raise TeamError(f"kind: choose one of {choices}.")
    with transaction.atomic():
        team = Team.objects.create(name=name, kind=kind, created_by=manager)
        team.managers.add(manager)
    return team


def add_manager(team: Team, email: str) -> User:
    """Another team-manager account becomes a co-manager of the team."""
    email = _clean_email(email)
    user = User.objects.filter(email=email, role=Role.TEAM_MANAGER, is_active=True).first()
    if user is None:
        raise TeamError(
            f"email: no team manager account has the address {email}; a site admin creates "
            "manager accounts (cmeledger teams add-manager)."
        )
    if team.managers.filter(pk=user.pk).exists():
        raise TeamError(f"email: {email} already manages this team.")
    team.managers.add(user)
    return user


def remove_manager(team: Team, user: User) -> None:
    with transaction.atomic():
        managers = list(team.managers.select_for_update().values_list("pk", flat=True))
        if user.pk not in managers:
            raise TeamError("That account does not manage this team.")
        if len(managers) == 1:
            raise TeamError("A team needs a manager; add another before removing the last one.")
        team.managers.remove(user)


# Invitations ---------------------------------------------------------------------------------


def invite(team: Team, email: str, invited_by: User) -> tuple[Invitation, str]:
    """A new invitation and its secret (only its hash is stored). A pending invitation to
    the same address is replaced, so the newest email is the one that works."""
    email = _clean_email(email)
    if team.memberships.filter(clinician__email=email).exists():
        raise TeamError(f"email: {email} is already a member of this team.")
    if team.memberships.count() >= MAX_MEMBERS:
        raise TeamError(f"This team has {MAX_MEMBERS} members, the most a team can have.")
    now = timezone.now()
    pending = team.invitations.pending(now)
    if pending.exclude(email=email).count() >= MAX_PENDING:
        raise TeamError(
            f"This team has {MAX_PENDING} invitations waiting; revoke some before sending more."
        )
    secret = Invitation.PREFIX + secrets.token_urlsafe(24)
    with transaction.atomic():
        pending.filter(email=email).update(revoked_at=now)
        invitation = Invitation.objects.create(
            team=team,
            email=email,
            invited_by=invited_by,
            hint=secret[: len(Invitation.PREFIX) + 6],
            secret_hash=hash_secret(secret),
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
    return invitation, secret


def join_url(secret: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("team-join", args=[secret])


def invitation_email(invitation: Invitation, secret: str) -> EmailMultiAlternatives:
    team = invitation.team
    site = settings.SITE_URL.rstrip("/")
    context = {
        "team": team,
        "kind": team.get_kind_display(),
        "managers": manager_names(team),
        "invited_by": invitation.invited_by.display_name if invitation.invited_by else "",
        "url": join_url(secret),
        "expires_at": invitation.expires_at,
        "signup_url": site + reverse("signup"),
        "site_name": settings.SITE_NAME,
    }
    subject = " ".join(render_to_string("teams/email/invitation_subject.txt", context).split())
    text = render_to_string("teams/email/invitation.txt", context)
    html = render_to_string("teams/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    message.attach_alternative(html, "text/html")
    return message


def send_invitation(invitation: Invitation, secret: str) -> bool:
    """Sends the email now, in this request: a queued job would have to keep the secret
    in the task table, and only its hash may be stored. False if the mail server failed
    (the invitation stands; the manager can pass the link on)."""
    try:
        invitation_email(invitation, secret).send()
    except Exception:
        log.exception("Could not send the invitation %s to %s", invitation.pk, invitation.email)
        return False
    return True


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.is_pending:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def open_invitation(secret: str) -> Invitation | None:
    """The invitation behind a secret, whatever its state; None when there is none."""
    if not isinstance(secret, str) or not SECRET_SHAPE.fullmatch(secret):
        return None
    return (
        Invitation.objects.select_related("team", "invited_by")
        .filter(secret_hash=hash_secret(secret))
        .first()
    )


def usable_invitation(secret: str) -> Invitation | None:
    """None for an unknown secret; raises InvitationGone for one that cannot be used."""
    invitation = open_invitation(secret)
    if invitation is not None and not invitation.is_pending:
        raise InvitationGone(invitation)
    return invitation


def _check_may_join(user: User) -> None:
    if user.role != Role.CLINICIAN:
        raise TeamError(
            "Only clinicians join teams; this account's role is "
            f"{user.get_role_display().lower()}. Sign in with your clinician account."
        )


def _claim(invitation: Invitation, user: User, accepted: bool) -> None:
    """Marks the invitation answered, once: a second answer, even at the same moment,
    finds nothing to update and is refused."""
    now = timezone.now()
    claimed = (
        Invitation.objects.pending(now)
        .filter(pk=invitation.pk)
        .update(answered_at=now, accepted=accepted, answered_by=user)
    )
    if not claimed:
        invitation.refresh_from_db()
        raise InvitationGone(invitation)
    invitation.answered_at, invitation.accepted, invitation.answered_by = now, accepted, user


def accept(invitation: Invitation, user: User) -> Membership:
    _check_may_join(user)
    team = invitation.team
    with transaction.atomic():
        existing = Membership.objects.filter(team=team, clinician=user).first()
        if existing is None and team.memberships.count() >= MAX_MEMBERS:
            raise TeamError(
                f"{team.name} already has {MAX_MEMBERS} members, the most a team can have; "
                "tell its manager."
            )
        _claim(invitation, user, accepted=True)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                return Membership.objects.create(team=team, clinician=user)
        except IntegrityError:  # joined through another invitation at the same moment
            return Membership.objects.get(team=team, clinician=user)


def decline(invitation: Invitation, user: User) -> None:
    _check_may_join(user)
    _claim(invitation, user, accepted=False)


# Membership ----------------------------------------------------------------------------------


def leave(membership: Membership) -> None:
    """The member's row goes at once; the team keeps nothing of them."""
    membership.delete()


def set_shared_link(membership: Membership, share_link_id: int | None) -> ShareLink | None:
    """Shares one of the member's own transcript share links with the team (or stops)."""
    if share_link_id is None:
        link = None
    else:
        link = (
            ShareLink.objects.owned_by(membership.clinician)
            .usable()
            .filter(pk=share_link_id)
            .first()
        )
        if link is None:
            raise TeamError(
                "share_link: choose one of your share links that is still active "
                "(Reports → Share links)."
            )
    membership.share_link = link
    membership.save(update_fields=["share_link"])
    return link


def shared_link(membership: Membership) -> ShareLink | None:
    """The share link the team may open: chosen by the member and still usable."""
    link = membership.share_link
    return link if link is not None and link.is_usable else None


# What a team sees ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetRow:
    set_id: str
    set_name: str
    status: str
    counted: Decimal | None
    required: Decimal | None
    missing: str
    cycle_end: date | None

    @property
    def status_words(self) -> str:
        return STATUS_WORDS.get(self.status, self.status)

    @property
    def missing_words(self) -> str:
        if self.status == UNAVAILABLE:
            return "The member's records do not yet say when this set's cycle runs."
        return self.missing or "Nothing"


@dataclass
class MemberStatus:
    membership: Membership
    name: str
    email: str
    joined_at: object
    rows: list[SetRow]
    shares_transcript: bool


@dataclass
class TeamStatus:
    team: Team
    on: date
    members: list[MemberStatus] = field(default_factory=list)

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(status, words, how many member-set rows) for every status, in a fixed order."""
        tally: dict[str, int] = dict.fromkeys(STATUS_WORDS, 0)
        for member in self.members:
            for row in member.rows:
                tally[row.status] = tally.get(row.status, 0) + 1
        return [(str(status), STATUS_WORDS[status], n) for status, n in tally.items()]


def _fmt(value: Decimal) -> str:
    return credit_text(value, grouping=False)  # also written into CSV files


def _missing(result: SetResult) -> str:
    missing = [
        rule.name if rule.kind == "component" else f"{rule.name}: {_fmt(rule.remaining)} more"
        for rule in result.rules
        if rule.status not in (Status.MET, Status.NOT_APPLICABLE) and rule.kind != "pacing"
    ]
    return "; ".join(missing)


def _row(set_id: str, result: SetResult | None) -> SetRow:
    if result is None:
        return SetRow(set_id, set_id, UNAVAILABLE, None, None, "", None)
    total = next((r for r in result.rules if r.kind == "minimum-total"), None)
    return SetRow(
        set_id=result.set_id,
        set_name=result.name,
        status=str(result.status),
        counted=result.total_counted,
        required=total.required if total else None,
        missing=_missing(result),
        cycle_end=result.cycle_end,
    )


def status_rows(user: User, on: date) -> list[SetRow]:
    """A clinician's standing in each set they follow, as a team sees it (a fixed
    handful of queries: the calculator's)."""
    return [_row(p.set_id, p.result) for p in report(user, on).sets]


def member_status(membership: Membership, on: date) -> MemberStatus:
    user = membership.clinician
    return MemberStatus(
        membership=membership,
        name=user.get_full_name() or user.email,
        email=user.email,
        joined_at=membership.joined_at,
        rows=status_rows(user, on),
        shares_transcript=shared_link(membership) is not None,
    )


def team_status(team: Team, on: date | None = None) -> TeamStatus:
    on = on or timezone.localdate()
    memberships = team.memberships.select_related("clinician", "share_link")[:MAX_MEMBERS]
    return TeamStatus(team, on, [member_status(m, on) for m in memberships])


def manager_names(team: Team) -> list[str]:
    return [m.display_name for m in team.managers.order_by("last_name", "first_name", "email")]


CSV_HEADER = [
    "member",
    "email",
    "joined",
    "set_id",
    "set",
    "status",
    "counted",
    "required",
    "missing",
    "cycle_end",
]


def status_csv(status: TeamStatus) -> str:
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for member in status.members:
        base = [member.name, member.email, f"{member.joined_at:%Y-%m-%d}"]
        if not member.rows:
            writer.writerow([*base, "", "", "", "", "", "", ""])
        for row in member.rows:
            writer.writerow(
                [
                    *base,
                    row.set_id,
                    row.set_name,
                    row.status_words,
                    "" if row.counted is None else _fmt(row.counted),
                    "" if row.required is None else _fmt(row.required),
                    row.missing,
                    "" if row.cycle_end is None else row.cycle_end.isoformat(),
                ]
            )
    return buffer.getvalue()


# Manager accounts (the site admin's command) ------------------------------------------------------


def create_manager(email: str, first_name: str = "", last_name: str = "") -> tuple[User, bool]:
    """A team-manager account with no password yet; an existing one is returned as is.
    Another role's account is refused: one account, one role."""
    email = _clean_email(email)
    if len(first_name) > 150 or len(last_name) > 150:
        raise TeamError("names: use at most 150 characters each.")
    user = User.objects.filter(email=email).first()
    if user is not None:
        if user.role != Role.TEAM_MANAGER:
            raise TeamError(
                f"{email} already has an account with the role "
                f"{user.get_role_display().lower()}; use another address."
            )
        return user, False
    user = User.objects.create_user(
        email, None, role=Role.TEAM_MANAGER, first_name=first_name, last_name=last_name
    )
    return user, True


def set_password_url(user: User) -> str:
    """A one-time link to choose a password (allauth's reset token; valid for
    PASSWORD_RESET_TIMEOUT, and spent once the password changes)."""
    key = f"{user_pk_to_url_str(user)}-{allauth_token_generator.make_token(user)}"
    return AccountAdapter().get_reset_password_from_key_url(key)
