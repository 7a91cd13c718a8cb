"""Reminder emails: for each deadline with a gap, the step due today, sent once.

A reminder is claimed by inserting its SentReminder row before the email goes out: the
unique key (clinician, set, deadline, step) makes a second run, even a concurrent one, a
no-op, and a failed send deletes the claim so the next run tries again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse

from cmeledger.accounts.models import Role, User
from cmeledger.reports import deadlines
from cmeledger.reports.deadlines import Deadline
from cmeledger.reports.models import DEFAULT_REMINDER_DAYS, SentReminder

logger = logging.getLogger(__name__)


@dataclass
class SendResult:
    sent: int = 0
    skipped: int = 0  # already sent, or claimed by a concurrent run
    failed: int = 0  # the email (or the clinician's standing) failed; retried next run

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.skipped} skipped, {self.failed} failed"


def recipients() -> QuerySet[User]:
    """Active clinicians following a set who have not turned reminders off; a clinician
    with no preferences row gets the defaults."""
    return (
        User.objects.filter(
            role=Role.CLINICIAN, is_active=True, enrollments__dropped_at__isnull=True
        )
        .exclude(deadline_preferences__reminders_enabled=False)
        .select_related("deadline_preferences")
        .distinct()
        .order_by("pk")
    )


def due_step(steps: list[int], days_left: int) -> int | None:
    """The smallest chosen step the deadline is already inside: 20 days out with steps
    180/90/30/7 gives 30 alone, never the 180 and 90 that were missed."""
    inside = [step for step in steps if days_left <= step]
    return min(inside) if inside and days_left >= 0 else None


def send_due(today: date) -> SendResult:
    result = SendResult()
    for user in recipients().iterator(chunk_size=200):
        try:
            _send_for(user, today, result)
        except Exception:
            # One clinician's broken data must not hold up everyone else's reminders.
            logger.exception("Reminders for clinician %s failed", user.pk)
            result.failed += 1
    return result


def _steps(user: User) -> list[int]:
    try:
        return user.deadline_preferences.days
    except ObjectDoesNotExist:
        return list(DEFAULT_REMINDER_DAYS)


def _send_for(user: User, today: date, result: SendResult) -> None:
    steps = _steps(user)
    upcoming = deadlines.of(user, today).upcoming_gaps
    if not upcoming:
        return
    sent = set(
        SentReminder.objects.filter(clinician=user, deadline__gte=today).values_list(
            "set_id", "deadline", "days_before"
        )
    )
    for item in upcoming:
        step = due_step(steps, item.days_left)
        if step is None:
            continue
        if (item.set_id, item.deadline, step) in sent:
            result.skipped += 1
            continue
        claim_and_send(user, item, step, result)


def claim_and_send(user: User, item: Deadline, step: int, result: SendResult) -> None:
    message = reminder_email(user, item)
    try:
        with transaction.atomic():
            claim = SentReminder.objects.create(
                clinician=user,
                set_id=item.set_id,
                deadline=item.deadline,
                days_before=step,
                subject=message.subject[:200],
            )
    except IntegrityError:
        result.skipped += 1  # another run claimed it first
        return
    try:
        message.send()
    except Exception:
        claim.delete()
        logger.exception(
            "Reminder email for clinician %s, %s %s failed; it will be retried",
            user.pk,
            item.set_id,
            item.deadline,
        )
        result.failed += 1
        return
    result.sent += 1


def reminder_email(user: User, item: Deadline) -> EmailMultiAlternatives:
    site = settings.SITE_URL.rstrip("/")
    context = {
        "first_name": user.first_name,
        "item": item,
        "days_left": item.days_left,
        "dashboard_url": site + reverse("dashboard"),
        "deadlines_url": site + reverse("deadlines"),
        "site_name": settings.SITE_NAME,
    }
    # A subject is one line whatever the template's whitespace.
    subject = " ".join(render_to_string("reports/email/reminder_subject.txt", context).split())
    text = render_to_string("reports/email/reminder.txt", context)
    html = render_to_string("reports/email/reminder.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    return message
