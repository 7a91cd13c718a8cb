"""`cmeledger runperiodic`: queue the periodic jobs that are due, for cron or a timer.

Safe to run as often as you like, on as many machines as you like: each job is queued
once per hour or day (cmeledger/periodic/services.py). `serve` does the same by itself.
Quiet when nothing is due, so cron mails only what happened; `-v 0` mails only failures.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cmeledger.periodic.registry import jobs
from cmeledger.periodic.services import run_due


class Command(BaseCommand):
    help = "Queue the periodic jobs (reminders, compliance runs, stalled imports) that are due."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--list", dest="list_jobs", action="store_true", help="list the jobs and exit"
        )

    def handle(self, *args, list_jobs: bool, verbosity: int, **options) -> None:
        if list_jobs:
            for job in jobs():
                self.stdout.write(f"{job.name}  every {job.every}")
            return
        outcomes = run_due()
        for outcome in outcomes:
            if outcome.error:
                self.stderr.write(str(outcome))
            elif verbosity >= 1:
                self.stdout.write(str(outcome))
        if not outcomes and verbosity >= 2:
            self.stdout.write("Nothing due.")
        failed = [outcome.job for outcome in outcomes if outcome.error]
        if failed:
            raise CommandError(
                f"{len(failed)} job(s) failed and will be tried at the next run: "
                f"{', '.join(failed)}; see the log above."
            )
