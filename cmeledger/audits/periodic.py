"""The audits app's periodic jobs (cmeledger/periodic/registry.py)."""

from __future__ import annotations

from cmeledger.audits import tasks
from cmeledger.periodic.registry import Every, periodic


# As the deadline reminders: per day, each claimed once, so hourly only catches up sooner.
@periodic(Every.HOUR)
def send_audit_reminders() -> None:
    tasks.send_audit_reminders.enqueue()
