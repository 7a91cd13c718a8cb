"""Board-wide compliance snapshots; the board workspace reads them.

A run computes every diplomate's standing for one board and set on one day, set-based
(compliance.py), and stores one row per certification cycle, so the diplomates list
opens at once and says when it was computed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cmeledger.accounts.models import Board, Certification


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
