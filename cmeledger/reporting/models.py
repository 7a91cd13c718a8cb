"""What organizations report: agreements, member lists, submissions, records, corrections."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cmeledger.accounts.models import Board, Organization


class CredentialKind(models.TextChoices):
    # What a report may be used for. `state-license`: CME credit (toward licenses and
    # awards). `board-certification`: MOC points, self-assessment credit and continuing-
    # certification activities, for the agreement's boards only.
    STATE_LICENSE = "state-license", "State license CME"
    BOARD_CERTIFICATION = "board-certification", "Board certification (MOC/CC)"


class Agreement(models.Model):
    """The data-sharing agreement under which an organization may report at all."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="agreement"
    )
    boards = models.ManyToManyField(Board, blank=True, related_name="agreements")
    credential_kinds = models.JSONField(default=list)
    members_only = models.BooleanField(
        default=False, help_text="Report only for learners on the organization's member list."
    )
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Agreement of {self.organization}"

    def allows(self, kind: str) -> bool:
        return kind in self.credential_kinds

    def in_force(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)


class Member(models.Model):
    """One learner on an organization's member list (any one identifier is enough)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="member_list"
    )
    email = models.CharField(max_length=254, blank=True)
    npi = models.CharField(max_length=10, blank=True)
    board = models.CharField(max_length=32, blank=True)
    board_id = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "npi"])]

    def __str__(self) -> str:
        return self.email or self.npi or f"{self.board} {self.board_id}"


class SubmissionStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Channel(models.TextChoices):
    API = "api", "API batch"
    UPLOAD = "upload", "File upload"
    CLI = "cli", "Command line"
    PORTAL = "portal", "Portal edit"


def submission_path(instance: Submission, _filename: str) -> str:
    return f"reporting/{instance.organization_id}/{instance.pk or 'new'}.upload"


class Submission(models.Model):
    """One batch or file an organization sent, and the job that reads it."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    format = models.CharField(max_length=10, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    file = models.FileField(upload_to=submission_path, max_length=200, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    # A local file's content hash (`reporting import`), so running the command again on
    # the same file continues an interrupted import instead of starting a second one.
    digest = models.CharField(max_length=32, blank=True)
    status = models.CharField(
        max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.QUEUED
    )
    message = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    # Each (re)start of the job takes the next attempt; a batch commits only while its
    # attempt is still the current one, so a stale worker can never write twice.
    attempt = models.PositiveIntegerField(default=0)
    # The checkpoint: rows before it are written, in the same transaction as the counts.
    rows_done = models.PositiveIntegerField(default=0)
    bytes_done = models.PositiveBigIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"Submission {self.pk} of {self.organization}"

    @property
    def is_finished(self) -> bool:
        return self.status in (
            SubmissionStatus.DONE,
            SubmissionStatus.FAILED,
            SubmissionStatus.CANCELLED,
        )

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.size:
            return 0
        return min(99, int(100 * self.bytes_done / self.size))

    def counts(self) -> dict[str, int]:
        return {
            name: getattr(self, name)
            for name in (
                "created",
                "updated",
                "unchanged",
                "withdrawn",
                "invalid",
                "matched",
                "waiting",
            )
        }


class RowError(models.Model):
    """A row the submission could not take: where, which field, and why."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="errors")
    row = models.PositiveIntegerField()
    record_key = models.CharField(max_length=100, blank=True)
    field = models.CharField(max_length=60, blank=True)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["row", "id"]

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.message}"


class RecordState(models.TextChoices):
    MATCHED = "matched", "Matched"
    UNMATCHED = "unmatched", "Waiting"
    # A dispute: the identifier is claimed by several accounts, or disputed, or the
    # record's identifiers belong to different accounts. Site staff resolve it.
    AMBIGUOUS = "ambiguous", "Waiting: disputed identifier"
    WITHDRAWN = "withdrawn", "Withdrawn"


WAITING_STATES = (RecordState.UNMATCHED, RecordState.AMBIGUOUS)


class ReportedRecord(models.Model):
    """One completion as the organization reported it, keyed by the organization's own id.

    `payload` holds the validated record (JSON); the few columns beside it are what the
    portal searches and what matching looks up while the record waits for a clinician.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="records", db_index=False
    )
    record_key = models.CharField(max_length=100)
    fingerprint = models.BigIntegerField()
    state = models.CharField(max_length=10, choices=RecordState.choices)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_records",
    )
    matched_by = models.CharField(max_length=12, blank=True)
    # Why a waiting record waits ("last name differs from the account holding its NPI"),
    # and, for an attached one, what agreed when it attached (matching.describe).
    wait_reason = models.CharField(max_length=300, blank=True)
    match_evidence = models.JSONField(null=True, blank=True)
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, db_index=False
    )
    learner = models.CharField(max_length=200)
    activity_title = models.CharField(max_length=300)
    completed_on = models.DateField()
    payload = models.TextField()
    # Filled only while the record waits (NULL otherwise, not "", so the partial indexes
    # below hold waiting records only).
    npi = models.CharField(max_length=10, null=True, blank=True)  # noqa: DJ001
    board_key = models.CharField(max_length=80, null=True, blank=True)  # noqa: DJ001
    license_key = models.CharField(max_length=50, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "record_key"], name="unique_record_per_organization"
            )
        ]
        indexes = [
            models.Index(fields=["npi"], name="waiting_npi", condition=Q(npi__isnull=False)),
            models.Index(
                fields=["board_key"], name="waiting_board", condition=Q(board_key__isnull=False)
            ),
            models.Index(
                fields=["license_key"],
                name="waiting_license",
                condition=Q(license_key__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}:{self.record_key}"

    @property
    def is_waiting(self) -> bool:
        return self.state in WAITING_STATES


class CorrectionStatus(models.TextChoices):
    OPEN = "open", "Open"
    CORRECTED = "corrected", "Corrected"
    DECLINED = "declined", "Declined"


class CorrectionRequest(models.Model):
    """A clinician asks the reporting organization to change a locked entry."""

    record = models.ForeignKey(ReportedRecord, on_delete=models.CASCADE, related_name="corrections")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="correction_requests"
    )
    message = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN
    )
    response = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Correction request {self.pk} ({self.status})"
