"""Credit entries, their history, and certificate files."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cmeledger.accounts.models import Organization
from cmeledger.ledger.vocabulary import (
    CREDIT_STEP,
    MAX_CREDITS_PER_ENTRY,
    PARTICIPATION_TYPES,
    Accreditor,
    ActivityKind,
    AwardedAs,
    CreditType,
    Source,
    Topic,
    credit_words,
)

# Sources the clinician owns (Source.clinician_editable), spelled out for the index.
OWN_SOURCES = ["self", "captured", "import"]


def validate_credits(value: Decimal) -> None:
    if value is None:
        return
    if value <= 0:
        raise ValidationError("Enter a number of credits above 0.")
    if value > MAX_CREDITS_PER_ENTRY:
        raise ValidationError(
            f"Enter at most {MAX_CREDITS_PER_ENTRY} credits for one activity; split larger claims."
        )
    if value % CREDIT_STEP != 0:
        raise ValidationError("Enter credits in steps of 0.25 (for example 1.25).")


class CertificateKind(models.TextChoices):
    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG image"
    PNG = "image/png", "PNG image"

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[self.value]


def certificate_path(instance: Certificate, _filename: str) -> str:
    # Never derived from the uploaded name: the id and the sniffed type only.
    extension = CertificateKind(instance.content_type).extension
    return f"certificates/{instance.clinician_id}/{instance.id}.{extension}"


def preview_path(instance: Certificate, _filename: str) -> str:
    return f"previews/{instance.clinician_id}/{instance.id}.png"


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def owned_by(self, user) -> CertificateQuerySet:
        return self.filter(clinician=user)


class Certificate(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    file = models.FileField(upload_to=certificate_path, max_length=200)
    preview = models.FileField(upload_to=preview_path, max_length=200, blank=True)
    # Kept for display and download names only; never used in a storage path.
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=32, choices=CertificateKind.choices)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    page_count = models.PositiveIntegerField(default=1)
    uploaded_at = models.DateTimeField(default=timezone.now)
    # The clinician lets the staff of their certifying boards open this file (otherwise
    # staff see it only while an audit of its entry is open).
    shared_with_boards = models.BooleanField(default=False)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["clinician", "sha256"], name="unique_certificate_file")
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_pdf(self) -> bool:
        return self.content_type == CertificateKind.PDF

    @property
    def download_name(self) -> str:
        extension = CertificateKind(self.content_type).extension
        stem = self.original_name.rsplit(".", 1)[0] or "certificate"
        return f"{stem}.{extension}"


class CreditEntryQuerySet(models.QuerySet["CreditEntry"]):
    def live(self) -> CreditEntryQuerySet:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> CreditEntryQuerySet:
        return self.filter(deleted_at__isnull=False)

    def owned_by(self, user) -> CreditEntryQuerySet:
        return self.filter(clinician=user)

    def counted(self) -> CreditEntryQuerySet:
        """Live entries that count: a self-report linked to a reported entry counts once,
        as the reported entry."""
        return self.filter(deleted_at__isnull=True, reported_as__isnull=True)

    def with_topic(self, topic: str) -> CreditEntryQuerySet:
        return self.filter(topic_links__topic=topic)


class CreditEntry(models.Model):
    # UUIDs so an entry keeps its identity across exports and installs.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: the (clinician, completed_on) index below serves every lookup
    # by clinician, and each index is paid for on every row a partner import writes.
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entries", db_index=False
    )
    title = models.CharField("activity title", max_length=300)
    provider = models.CharField(max_length=200, blank=True)
    accreditor = models.CharField(max_length=20, choices=Accreditor.choices, blank=True)
    activity_kind = models.CharField(
        max_length=32, choices=ActivityKind.choices, default=ActivityKind.LIVE
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    completed_on = models.DateField("completion date")
    credit_type = models.CharField(max_length=32, choices=CreditType.choices)
    credits = models.DecimalField(max_digits=6, decimal_places=2, validators=[validate_credits])
    # "participation": a certificate of participation for an activity designated for
    # `credit_type` (a PA or NP at an AMA PRA Category 1 activity), not the credit itself.
    awarded_as = models.CharField(
        "received", max_length=16, choices=AwardedAs.choices, default=AwardedAs.CREDIT
    )
    specialty_related = models.BooleanField(default=False)
    notes = models.TextField(blank=True, max_length=5000)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SELF)
    # No index of its own: entries are found through their reported record, and a
    # million-row import pays for every index on this table.
    reported_by = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        db_index=False,
    )
    # The organization's record this entry came from (one entry per credit type).
    reported_record = models.ForeignKey(
        "reporting.ReportedRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    # On a self-reported entry: the reported entry for the same activity, which counts
    # instead of it.
    reported_as = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="self_reports",
        db_index=False,  # a partial index below covers the few linked entries
    )
    certificates = models.ManyToManyField(Certificate, blank=True, related_name="entries")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = CreditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "-created_at"]
        verbose_name_plural = "credit entries"
        indexes = [
            models.Index(fields=["clinician", "completed_on"]),
            # The clinician's own entries only, so linking a million reported entries to
            # self-reports looks at the few that can be linked (reporting.intake).
            models.Index(
                fields=["clinician", "completed_on"],
                name="own_entries",
                condition=models.Q(source__in=OWN_SOURCES),
            ),
            models.Index(
                fields=["reported_as"],
                name="linked_self_reports",
                condition=models.Q(reported_as__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.credits} {self.credit_type})"

    @property
    def is_editable_by_clinician(self) -> bool:
        return self.source in Source.clinician_editable()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def topics(self) -> list[str]:
        return sorted(link.topic for link in self.topic_links.all())

    @property
    def is_participation(self) -> bool:
        return self.awarded_as == AwardedAs.PARTICIPATION

    def credit_words(self) -> str:
        """The credit type in words, naming a certificate of participation where it is one."""
        return credit_words(self.credit_type, self.awarded_as)

    def topic_labels(self) -> list[str]:
        return [Topic(code).label for code in self.topics]

    def clean(self) -> None:
        errors = entry_date_problems(
            self.start_date, self.end_date, self.completed_on, timezone.localdate()
        )
        if problem := participation_problem(self.credit_type, self.awarded_as):
            errors["awarded_as"] = problem
        if "completed_on" not in errors and (floor := completion_floor_problem(self.completed_on)):
            errors["completed_on"] = floor
        if errors:
            raise ValidationError(errors)


# No CME record a clinician keeps is older than this: an earlier date is a typing slip
# (1925 for 2025), refused with the floor named. The same floor as direct credit and
# transcripts.
EARLIEST_COMPLETION = date(1950, 1, 1)


def completion_floor_problem(completed: date | None) -> str | None:
    if completed is None or completed >= EARLIEST_COMPLETION:
        return None
    return (
        f"The completion date cannot be before {EARLIEST_COMPLETION:%b} "
        f"{EARLIEST_COMPLETION.day}, {EARLIEST_COMPLETION.year}: check the year."
    )


def participation_problem(credit_type: str, awarded_as: str) -> str | None:
    """A certificate of participation names the credit its activity was designated for."""
    if awarded_as != AwardedAs.PARTICIPATION or credit_type in PARTICIPATION_TYPES:
        return None
    label = CreditType(credit_type).label if credit_type in CreditType.values else credit_type
    return (
        f"A certificate of participation is for an activity designated for credit; "
        f"{label} is not designated. Choose the credit type the activity was designated for."
    )


def entry_date_problems(
    start: date | None, end: date | None, completed: date | None, today: date
) -> dict[str, str]:
    """The date rules of an entry, shared by the model and the bulk writers."""
    errors: dict[str, str] = {}
    if start and end and end < start:
        errors["end_date"] = "The end date cannot be before the start date."
    if completed:
        if start and completed < start:
            errors["completed_on"] = "The completion date cannot be before the start date."
        elif completed > today:
            errors["completed_on"] = "The completion date cannot be in the future."
    return errors


class EntryTopic(models.Model):
    # The unique (entry, topic) index serves lookups by entry; no second index.
    entry = models.ForeignKey(
        CreditEntry, on_delete=models.CASCADE, related_name="topic_links", db_index=False
    )
    topic = models.CharField(max_length=32, choices=Topic.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "topic"], name="unique_entry_topic")
        ]
        indexes = [models.Index(fields=["topic"])]

    def __str__(self) -> str:
        return self.topic


class RevisionAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Changed"
    DELETED = "deleted", "Deleted"
    RESTORED = "restored", "Restored"


class EntryRevision(models.Model):
    """One change to an entry: who, when, and each field's old and new value."""

    entry = models.ForeignKey(CreditEntry, on_delete=models.CASCADE, related_name="revisions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=16, choices=RevisionAction.choices)
    at = models.DateTimeField(default=timezone.now)
    # {"field": [old, new]} with values as shown to people (strings, lists).
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
