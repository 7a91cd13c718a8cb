"""Queue the periodic jobs that are due: what `cmeledger runperiodic` and `serve` call.

A job is due once per turn (the calendar hour, or the local day) and is claimed before it
runs by a compare-and-set on its `LastRun` row: of two runs at once, on one machine or on
several, one update matches the old value and the other matches nothing, so a turn queues
each job once. A job that fails gives its claim back, and the next run tries again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from cmeledger.periodic.models import LastRun
from cmeledger.periodic.registry import Every, PeriodicJob, jobs

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    job: str
    error: str = ""  # empty when the job was queued

    def __str__(self) -> str:
        return f"{self.job}: failed ({self.error})" if self.error else f"{self.job}: queued"


def turn_start(every: Every, now: datetime) -> datetime:
    """The start of the hour or local day `now` falls in."""
    local = timezone.localtime(now)
    if every is Every.HOUR:
        return local.replace(minute=0, second=0, microsecond=0)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def run_due(now: datetime | None = None) -> list[Outcome]:
    """Run every registered job not yet run in its current turn; what ran, by name."""
    now = now or timezone.now()
    registered = jobs()
    last = dict(LastRun.objects.values_list("name", "queued_at"))
    missing = [LastRun(name=job.name) for job in registered if job.name not in last]
    if missing:
        LastRun.objects.bulk_create(missing, ignore_conflicts=True)
    outcomes = []
    for job in registered:
        previous = last.get(job.name)
        if previous is not None and previous >= turn_start(job.every, now):
            continue
        if _claim(job, previous, now):
            outcomes.append(_run(job, previous, now))
    return outcomes


def _claim(job: PeriodicJob, previous: datetime | None, now: datetime) -> bool:
    return bool(LastRun.objects.filter(name=job.name, queued_at=previous).update(queued_at=now))


def _run(job: PeriodicJob, previous: datetime | None, now: datetime) -> Outcome:
    try:
        job.run()
    except Exception as error:  # one broken job must not keep the others from their turn
        logger.exception("Periodic job %s failed", job.name)
        LastRun.objects.filter(name=job.name, queued_at=now).update(queued_at=previous)
        return Outcome(job.name, f"{type(error).__name__}: {error}")
    return Outcome(job.name)
