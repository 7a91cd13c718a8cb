"""Background jobs of the reports app, run by the `email` worker (or inline in tests)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from django.utils import timezone
from django_tasks import task

from cmeledger.lib.queues import Queue
from cmeledger.reports.reminders import send_due


@task(queue_name=Queue.EMAIL)
def send_reminders(on: str | None = None) -> dict[str, int]:
    """Send the reminders due on `on` (ISO date; today by default). Safe to enqueue as
    often as you like: a reminder already sent is skipped."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    return asdict(send_due(today))
