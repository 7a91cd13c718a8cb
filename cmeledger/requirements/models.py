"""Requirement-set versions as synced from the catalog, and clinicians' enrollments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cmeledger.accounts.models import Board, Certification, License
from cmeledger.requirements.schema import RequirementSet, SetKind


class Origin(models.TextChoices):
    CATALOG = "catalog", "Catalog file"
    BOARD = "board", "Added by board staff"
    SITE = "site", "Added by a site admin"


class RequirementSetVersion(models.Model):
    """One version of a set, frozen: a changed rule is a new version, never an edit."""

    set_id = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    authority = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=[(k.value, k.value) for k in SetKind])
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    definition = models.JSONField()
    digest = models.CharField(max_length=64)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.CATALOG)
    board = models.ForeignKey(Board, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["set_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["set_id", "version"], name="unique_set_version")
        ]

    def __str__(self) -> str:
        return f"{self.set_id} v{self.version}"

    def requirement_set(self) -> RequirementSet:
        return RequirementSet.model_validate(self.definition)


class Enrollment(models.Model):
    """A clinician following a set: automatic from a license or certification, or chosen."""

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    set_id = models.CharField(max_length=64)
    license = models.ForeignKey(License, null=True, blank=True, on_delete=models.CASCADE)
    certification = models.ForeignKey(
        Certification, null=True, blank=True, on_delete=models.CASCADE
    )
    automatic = models.BooleanField(default=False)
    started_on = models.DateField(default=timezone.localdate)
    dropped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["set_id", "id"]
        # One enrollment per set and license, per set and certification, and one chosen
        # by hand per set (NULLs are distinct in unique constraints, hence three).
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "set_id", "license"],
                condition=models.Q(license__isnull=False),
                name="unique_enrollment_per_license",
            ),
            models.UniqueConstraint(
                fields=["clinician", "set_id", "certification"],
                condition=models.Q(certification__isnull=False),
                name="unique_enrollment_per_certification",
            ),
            models.UniqueConstraint(
                fields=["clinician", "set_id"],
                condition=models.Q(license__isnull=True, certification__isnull=True),
                name="unique_chosen_enrollment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinician} in {self.set_id}"
