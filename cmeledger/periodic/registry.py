"""The periodic jobs every deployment runs: one registry each app adds to.

An app declares its jobs in its own `periodic.py` module (found at start-up by
`PeriodicConfig.ready`), each with how often it is due:

    @periodic(Every.HOUR)
    def send_reminders() -> None:
        tasks.send_reminders.enqueue()

A job only queues work for the workers and must be idempotent: `cmeledger runperiodic`
(`services.run_due`) calls it at most once per hour or per day however often it runs.
Plain Python, no models: the domain apps import it without depending on this app's table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Every(StrEnum):
    # A job is due once per calendar hour or local day (TIME_ZONE), not "60 minutes after
    # the last run": a cron line firing a second early must not skip a whole turn.
    HOUR = "hour"
    DAY = "day"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: Every
    run: Callable[[], object]


_jobs: dict[str, PeriodicJob] = {}


def job_name(function: Callable[[], object]) -> str:
    """`reports.send_reminders` for `cmeledger.reports.periodic.send_reminders`."""
    app = function.__module__.removeprefix("cmeledger.").removesuffix(".periodic")
    return f"{app}.{function.__name__}"


def periodic(every: Every) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register the decorated function as a periodic job named after its app."""

    def register(function: Callable[[], object]) -> Callable[[], object]:
        name = job_name(function)
        known = _jobs.get(name)
        if known is not None and known.run is not function:
            raise ValueError(f"A periodic job named {name!r} is already registered.")
        _jobs[name] = PeriodicJob(name, every, function)
        return function

    return register


def jobs() -> list[PeriodicJob]:
    """Every registered job, by name."""
    return [_jobs[name] for name in sorted(_jobs)]
