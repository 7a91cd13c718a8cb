"""CME providers and the accredited organizations each board accepts.

Providers are shared by every board (one AAPM&R, whoever lists it); what a provider
reports to a board, and which accreditors a board accepts, belong to that board and only
its staff change them. Every change is kept as a DirectoryChange row (who, when, what).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.utils import timezone

from cmeledger.accounts.models import Board
from cmeledger.ledger.vocabulary import Accreditor

PHONE = RegexValidator(
    r"^\+?[0-9 ()./-]{7,25}( (ext\.?|x) ?[0-9]{1,6})?$",
    "Enter a phone number of digits, spaces and ( ) + - . (7 to 25 characters), e.g. "
    "(555) 010-0100, optionally followed by ext. 12.",
)
WEB = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting http:// or https://."
)


class Provider(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    phone = models.CharField(max_length=40, blank=True, validators=[PHONE])
    website = models.CharField(max_length=500, blank=True, validators=[WEB])
    notes = models.TextField(blank=True, max_length=2000)
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the listing comes from (URL or citation)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def accreditor_codes(self) -> list[str]:
        return [a.accreditor for a in self.accreditors.all()]

    @property
    def specialty_names(self) -> list[str]:
        return [s.name for s in self.specialties.all()]


class ProviderAccreditor(models.Model):
    """Who accredits the provider; a provider may hold several accreditations."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="accreditors")
    accreditor = models.CharField(max_length=20, choices=Accreditor.choices)

    class Meta:
        ordering = ["accreditor"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "accreditor"], name="unique_provider_accreditor"
            )
        ]

    def __str__(self) -> str:
        return self.get_accreditor_display()


class ProviderSpecialty(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="specialties")
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="unique_provider_specialty")
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class ProviderReporting(models.Model):
    """What a provider reports to one board on its diplomates' behalf."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="reporting")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="provider_reporting")
    reports_automatically = models.BooleanField(default=False)
    # Codes from ledger/vocabulary.py (CreditType, ActivityKind); empty = not narrowed.
    credit_types = models.JSONField(default=list, blank=True)
    activity_kinds = models.JSONField(default=list, blank=True)
    details = models.TextField(
        blank=True, max_length=2000, help_text="What is reported, in words, and any condition."
    )
    source = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["board__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "board"], name="unique_provider_reporting_per_board"
            )
        ]

    def __str__(self) -> str:
        how = "reports automatically" if self.reports_automatically else "does not report"
        return f"{self.provider} {how} to {self.board.code.upper()}"


class BoardAccreditor(models.Model):
    """An accrediting organization whose activities a board accepts."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="accepted_accreditors")
    accreditor = models.CharField(max_length=20, choices=Accreditor.choices, blank=True)
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=300)
    note = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["board__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="unique_board_accreditor_name")
        ]

    def __str__(self) -> str:
        return f"{self.board.code.upper()} accepts {self.name}"


class DirectoryChange(models.Model):
    """One change to the directory: who, when, and what in words."""

    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=1000)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.summary
