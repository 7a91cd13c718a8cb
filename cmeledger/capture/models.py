"""A certificate's reading, kept when it was read in the background (several files at
once): the queue of drafts the clinician confirms one by one."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from cmeledger.ledger.models import Certificate


class ReadingStatus(models.TextChoices):
    QUEUED = "queued", "Waiting"
    READING = "reading", "Reading"
    DONE = "done", "Read"
    FAILED = "failed", "Could not be read"


FINISHED = (ReadingStatus.DONE, ReadingStatus.FAILED)


class Reading(models.Model):
    certificate = models.OneToOneField(
        Certificate, on_delete=models.CASCADE, related_name="reading"
    )
    status = models.CharField(
        max_length=10, choices=ReadingStatus.choices, default=ReadingStatus.QUEUED
    )
    drafts = models.JSONField(default=list, blank=True)  # docs/formats/capture.md shape
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]

    def __str__(self) -> str:
        return f"Reading of {self.certificate}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED
