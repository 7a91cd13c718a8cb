"""Invitations to a role: a single-use, expiring link emailed by site staff."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from cmeledger.accounts.models import Board, Organization, Role


class InvitationState(models.TextChoices):
    PENDING = "pending", "Waiting"
    USED = "used", "Used"
    REVOKED = "revoked", "Withdrawn"
    EXPIRED = "expired", "Expired"


class RoleInvitationQuerySet(models.QuerySet["RoleInvitation"]):
    def pending(self, now: datetime | None = None) -> RoleInvitationQuerySet:
        return self.filter(
            revoked_at__isnull=True, used_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class RoleInvitation(models.Model):
    """An invitation to create an account with a role. Only the secret's SHA-256 is kept;
    the account is made when the invitee follows the link and chooses a password."""

    PREFIX = "i_"

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hint = models.CharField(max_length=12)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RoleInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same rules as the account it will make (accounts.User).
            models.CheckConstraint(
                condition=~models.Q(role="organization") | models.Q(organization__isnull=False),
                name="invitation_organization_member_has_organization",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="board-staff") | models.Q(board__isnull=False),
                name="invitation_board_staff_has_board",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()} ({self.hint}…)"

    @property
    def state(self) -> InvitationState:
        if self.used_at is not None:
            return InvitationState.USED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    @property
    def is_pending(self) -> bool:
        return self.state == InvitationState.PENDING

    @property
    def role_in_words(self) -> str:
        """ "Board staff of ABPMR", "Organization member of Acme CME", "Clinician"."""
        if self.organization is not None:
            return f"{self.get_role_display()} of {self.organization.name}"
        if self.board is not None:
            return f"{self.get_role_display()} of {self.board.name}"
        return self.get_role_display()
