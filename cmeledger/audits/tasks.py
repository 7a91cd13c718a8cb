"""Background jobs of the audits app, run by the `email` worker (or inline in tests)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from cmeledger.audits.services import send_reminders
from cmeledger.lib.queues import Queue


@task(queue_name=Queue.EMAIL)
def send_audit_reminders(on: str | None = None) -> int:
    """Send the audit reminders due on `on` (ISO date; today by default); idempotent."""
    return send_reminders(date.fromisoformat(on) if on else timezone.localdate())
