"""Board-wide compliance snapshots; the board workspace reads them.

A run computes every diplomate's standing for one board and set on one day, set-based
(compliance.py), and stores one row per certification cycle, so the diplomates list
opens at once and says when it was computed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import TextChoices
from django.utils import timezone

from cmeledger.accounts.models import Board, Certification, Degree
from cmeledger.lib.states import USState


class Standing(models.TextChoices):
    """The calculator's statuses, in the order the board list shows them."""

    NOT_MET = "not-met", "Not met"
    BEHIND = "behind", "Behind"
    ON_TRACK = "on-track", "On track"
    MET = "met", "Met"
    UNKNOWN = "unknown", "Cannot be judged"


class ComplianceRun(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="compliance_runs")
    set_id = models.CharField(max_length=64)
    on = models.DateField(help_text="The day the standing was judged on.")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    diplomates = models.PositiveIntegerField(default=0)
    cycles = models.PositiveIntegerField(default=0)
    # Certifications the set-based path could not judge exactly and the full calculator
    # judged instead (docs/board.md).
    by_calculator = models.PositiveIntegerField(default=0)
    # {"met": 10, "on-track": 3, ...}
    counts = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    # The digest of what the run read (boards.freshness), taken as it started: the page
    # compares it with today's to say when the list is out of date.
    inputs = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["board", "set_id", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.set_id} for {self.board.code} on {self.on}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None and not self.error

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class ComplianceRow(models.Model):
    """One diplomate's standing for one certification cycle, as of the run's day."""

    run = models.ForeignKey(ComplianceRun, on_delete=models.CASCADE, related_name="rows")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    cycle_start = models.DateField()
    cycle_end = models.DateField()
    status = models.CharField(max_length=16, choices=Standing.choices)
    counted = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    required = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    remaining = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    # What the pace expects by the run's day (null when the set has no pacing rule).
    expected = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    # The rules not yet met, in words, for the list and the CSV.
    missing = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["run", "status"]),
            models.Index(fields=["run", "cycle_end"]),
            models.Index(fields=["run", "clinician"]),
        ]

    def __str__(self) -> str:
        return f"{self.clinician_id} {self.status} {self.cycle_start}–{self.cycle_end}"


class RosterStatus(TextChoices):
    """A diplomate's standing as the board's roster gives it (docs/formats/roster.md).
    Identity is verified whatever the status: a revoked diplomate is still that person."""

    CERTIFIED = "certified", "Certified"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    INACTIVE = "inactive", "Inactive"


class LicenseStatus(TextChoices):
    """A license's standing as the state board's roster gives it."""

    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    SUSPENDED = "suspended", "Suspended"
    REVOKED = "revoked", "Revoked"
    INACTIVE = "inactive", "Inactive"


class RosterEntry(models.Model):
    """One diplomate on a board's roster, keyed by the board's own ID for them."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="roster")
    # Stripped and upper-case; claims are compared in the same form.
    board_id_number = models.CharField("board ID", max_length=40)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    certification_start = models.DateField()
    certification_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=RosterStatus.choices)
    # When a load last changed this row; the verification note quotes its day, so sending
    # the same file again later changes nothing.
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["board", "board_id_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "board_id_number"], name="unique_roster_board_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.board.code.upper()} {self.board_id_number} {self.last_name}"


class LicenseRosterEntry(models.Model):
    """One license on a state licensing board's roster."""

    state = models.CharField(max_length=2, choices=USState.choices)
    profession = models.CharField(max_length=8, choices=Degree.choices)
    # Stripped and upper-case, as claims are compared.
    number = models.CharField(max_length=40)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=LicenseStatus.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["state", "profession", "number"]
        verbose_name_plural = "license roster entries"
        constraints = [
            models.UniqueConstraint(
                fields=["state", "profession", "number"], name="unique_license_roster_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.profession} {self.number} {self.last_name}"
