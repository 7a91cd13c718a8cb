"""Teams: a manager invites clinicians; members share their status, never their entries.

A team is managed by one or more team-manager accounts. A clinician joins by accepting an
invitation (a single-use secret link of which only the SHA-256 is kept) and may leave at
any time. What a team sees of a member is their standing in each requirement set they
follow; a member may add one of their own transcript share links, and only then does the
team see that transcript.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

# Teams are a credentialing office's or a program's clinicians: small. The team view runs
# the calculator for every member on each load, so the size is capped (docs/teams.md).
MAX_MEMBERS = 500
INVITATION_DAYS = 14


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TeamKind(models.TextChoices):
    EMPLOYER = "employer", "Employer"
    RESIDENCY = "residency-program", "Residency program"
    OTHER = "other", "Other"


class TeamQuerySet(models.QuerySet["Team"]):
    def managed_by(self, user) -> TeamQuerySet:
        return self.filter(managers=user)


class Team(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=TeamKind.choices, default=TeamKind.EMPLOYER)
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="managed_teams")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A clinician in a team, from accepting an invitation until they leave (the row is
    deleted then: the team keeps nothing of a former member)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    # The only way the team sees more than statuses: a share link the member chose.
    share_link = models.ForeignKey(
        "reports.ShareLink",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team_memberships",
    )

    class Meta:
        ordering = ["clinician__last_name", "clinician__first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "clinician"], name="one_membership_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.clinician} in {self.team}"


class InvitationState(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self, now: datetime | None = None) -> InvitationQuerySet:
        return self.filter(
            revoked_at__isnull=True, answered_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class Invitation(models.Model):
    """A single-use link emailed to a clinician. Only the secret's SHA-256 is stored."""

    PREFIX = "t_"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hint = models.CharField(max_length=12)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    accepted = models.BooleanField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} to {self.team} ({self.hint}…)"

    @property
    def state(self) -> InvitationState:
        if self.answered_at is not None:
            return InvitationState.ACCEPTED if self.accepted else InvitationState.DECLINED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    @property
    def is_pending(self) -> bool:
        return self.state == InvitationState.PENDING
