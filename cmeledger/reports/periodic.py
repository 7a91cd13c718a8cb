"""The reports app's periodic jobs (cmeledger/periodic/registry.py)."""

from __future__ import annotations

from cmeledger.periodic.registry import Every, periodic
from cmeledger.reports import tasks


# Reminders are per day and claimed once each; hourly starts a day's turn soon after
# midnight, and catches up within the hour after an outage.
@periodic(Every.HOUR)
def send_reminders() -> None:
    tasks.send_reminders.enqueue()
