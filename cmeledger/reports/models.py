"""What the clinician hands out: issued transcripts, share links and their access log,
and the deadline preferences behind the calendar feed and the reminder emails."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

# Verification codes avoid letters and digits people misread (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
DEFAULT_REMINDER_DAYS = [180, 90, 30, 7]


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def owned_by(self, user) -> ShareLinkQuerySet:
        return self.filter(clinician=user)

    def usable(self, now: datetime | None = None) -> ShareLinkQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ShareLink(models.Model):
    """A read-only, expiring, revocable link to one transcript. Only the secret's SHA-256
    is stored; the link is shown to the clinician once, when it is made."""

    PREFIX = "s_"

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    # Who it is for, in the clinician's words ("Credentialing office, St. Mary's").
    recipient = models.CharField(max_length=200)
    # What it shows: a set's cycle (the cycle containing `on`) or, with no set, a range.
    set_id = models.CharField(max_length=64, blank=True)
    on = models.DateField(null=True, blank=True)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    hint = models.CharField(max_length=12)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(set_id="")
                | (models.Q(start__isnull=False) & models.Q(end__isnull=False)),
                name="share_link_has_set_or_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.hint}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.expires_at > timezone.now() else "expired"

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class ShareAccessKind(models.TextChoices):
    PAGE = "page", "Viewed the transcript"
    PDF = "pdf", "Downloaded the PDF"
    VERIFY = "verify", "Checked a verification code"
    REFUSED = "refused", "Tried a revoked or expired link"


class ShareAccess(models.Model):
    """One use of a share link, shown to the clinician."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="accesses")
    kind = models.CharField(max_length=16, choices=ShareAccessKind.choices)
    at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class IssuedTranscript(models.Model):
    """Every transcript PDF made, so the verification code printed on it can be checked:
    who, which set and period, when, and the SHA-256 of the exact bytes handed out."""

    code = models.CharField(max_length=14, unique=True, default=new_code)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="issued_transcripts"
    )
    share_link = models.ForeignKey(
        ShareLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="transcripts"
    )
    set_id = models.CharField(max_length=64, blank=True)
    set_version = models.PositiveIntegerField(null=True, blank=True)
    start = models.DateField()
    end = models.DateField()
    status = models.CharField(max_length=16, blank=True)
    total_credits = models.DecimalField(max_digits=9, decimal_places=2)
    entry_count = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)
    generated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-generated_at"]

    def __str__(self) -> str:
        return self.code


class DeadlinePreferences(models.Model):
    """One row per clinician: the calendar feed's secret and when to be reminded."""

    clinician = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deadline_preferences"
    )
    # Kept readable (not hashed) so the settings page can show the address again, as
    # calendar services do: the feed holds deadlines and gaps, never entries or identifiers.
    calendar_secret = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    reminders_enabled = models.BooleanField(default=True)
    reminder_days = models.JSONField(default=list)  # days before a deadline; [] = defaults
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Deadline preferences of {self.clinician_id}"

    @property
    def days(self) -> list[int]:
        return sorted(self.reminder_days or DEFAULT_REMINDER_DAYS, reverse=True)

    def regenerate_secret(self) -> str:
        self.calendar_secret = secrets.token_urlsafe()
        self.save(update_fields=["calendar_secret", "updated_at"])
        return self.calendar_secret


class SentReminder(models.Model):
    """A reminder claimed or sent: the unique key makes a second scheduler run a no-op."""

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    set_id = models.CharField(max_length=64)
    deadline = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "set_id", "deadline", "days_before"],
                name="one_reminder_per_deadline_and_step",
            )
        ]

    def __str__(self) -> str:
        return f"{self.set_id} {self.deadline}: {self.days_before} days"
