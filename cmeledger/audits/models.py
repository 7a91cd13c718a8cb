"""Board audits: a seeded sample of diplomates, the entries each must prove, staff
decisions and the audit's history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cmeledger.accounts.models import Board
from cmeledger.ledger.models import Certificate, CreditEntry


class AuditStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ItemState(models.TextChoices):
    REQUESTED = "requested", "Proof requested"
    SUBMITTED = "submitted", "Proof submitted"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Audit(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="audits")
    title = models.CharField(max_length=200)
    # Entries completed in this window are the ones asked for.
    cycle_start = models.DateField()
    cycle_end = models.DateField()
    due = models.DateField(help_text="The day proof must be in by.")
    sample_size = models.PositiveIntegerField()
    # Stored, so anyone can draw the same sample again from the same population.
    seed = models.BigIntegerField()
    status = models.CharField(max_length=8, choices=AuditStatus.choices, default=AuditStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.board.code})"


class Subject(models.Model):
    """One sampled diplomate of an audit."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="subjects")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audit_subjects"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "clinician"], name="one_subject_per_audit")
        ]

    def __str__(self) -> str:
        return f"{self.clinician_id} in audit {self.audit_id}"


class Item(models.Model):
    """One entry a subject must prove, with the proof and the staff's decision."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="items")
    entry = models.ForeignKey(CreditEntry, on_delete=models.CASCADE, related_name="audit_items")
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_items"
    )
    state = models.CharField(max_length=10, choices=ItemState.choices, default=ItemState.REQUESTED)
    reason = models.CharField(max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entry__completed_on", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.state}"


class Event(models.Model):
    """The audit's history: every draw, submission, decision and closing, in order."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="events")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.SET_NULL)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=1200)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text


class Reminder(models.Model):
    """A reminder sent to a subject `days` before the due date: at most one each."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="reminders")
    days = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "days"], name="one_audit_reminder_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.days} days before, to {self.subject_id}"
