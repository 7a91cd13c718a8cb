"""Direct-credit applications: a clinician applies with evidence, board staff decide;
approved ones become ledger entries with source `direct-credit` (docs/direct-credit.md)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from cmeledger.accounts.models import Board, Certification
from cmeledger.ledger.models import Certificate, CreditEntry


class Kind(models.TextChoices):
    """domain-reference.md section 2, "Direct credit"."""

    RECERTIFICATION = "recertification", "Board certification or MOC completed"
    ARTICLE = "article", "Peer-reviewed article, first author, in a MEDLINE-indexed journal"
    POSTER = "poster", "Poster, first author, in the published abstracts of a Category 1 conference"
    DEGREE = "degree", "Medically related master's or doctoral degree"
    RESIDENCY = "residency", "ACGME-accredited residency or fellowship"
    TEACHING = "teaching", "Teaching at a live activity (value unconfirmed)"


class Status(models.TextChoices):
    PENDING = "pending", "Waiting for the board"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


# An application in one of these blocks another for the same certification or item.
ACTIVE = [Status.PENDING.value, Status.APPROVED.value]


class Action(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class ApplicationQuerySet(models.QuerySet["Application"]):
    def owned_by(self, user) -> ApplicationQuerySet:
        return self.filter(clinician=user)

    def for_board(self, board_id: int | None) -> ApplicationQuerySet:
        """A board's applications; staff without a board see none."""
        if board_id is None:
            return self.none()
        return self.filter(board_id=board_id)

    def active(self) -> ApplicationQuerySet:
        return self.filter(status__in=ACTIVE)

    def pending(self) -> ApplicationQuerySet:
        return self.filter(status=Status.PENDING)


class Application(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="direct_credit"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The reviewing board: one of the clinician's own certifications' boards.
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="direct_credit")
    # For the recertification kind: the completed cycle (one application per cycle).
    certification = models.ForeignKey(
        Certification,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_credit",
    )
    title = models.CharField(max_length=300)
    completed_on = models.DateField("completion date")
    quantity = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(1))
    credits = models.DecimalField(max_digits=7, decimal_places=2)
    statement = models.TextField(blank=True, max_length=2000)
    # What a duplicate is judged by: the certification, or the kind and the normalised title.
    item_key = models.CharField(max_length=320)
    evidence = models.ManyToManyField(Certificate, related_name="direct_credit_applications")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_credit_decisions",
    )
    reason = models.TextField(blank=True, max_length=2000)
    entries = models.ManyToManyField(
        CreditEntry, blank=True, related_name="direct_credit_applications"
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "id"]
        indexes = [models.Index(fields=["board", "status", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "item_key"],
                condition=models.Q(status__in=ACTIVE),
                name="one_active_direct_credit_application_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_pending(self) -> bool:
        return self.status == Status.PENDING


class Event(models.Model):
    """One step in an application's life: who, when, and the reason given."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
