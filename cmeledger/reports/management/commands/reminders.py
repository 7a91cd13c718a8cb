"""`cmeledger reminders send|schedule`: send the reminder emails due, now or on a timer.

`send` runs in this process and prints the counts (cron-friendly). `schedule` is the
older name of `cmeledger runperiodic` on a timer: every `--every` seconds it queues every
periodic job that is due (these reminders among them), so an install set up with it
before `runperiodic` existed gets the audit reminders, compliance runs and import
resumption too.
"""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cmeledger.periodic.services import run_due
from cmeledger.reports.reminders import send_due

MIN_EVERY = 60  # a job is due once an hour at most; polling faster only loads the database


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--on {value!r} is not a date; write it as YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = "Send the deadline reminder emails due today, or queue the periodic jobs on a timer."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        send = actions.add_parser("send", help="send the reminders due now and print counts")
        send.add_argument("--on", help="act as if today were this day (YYYY-MM-DD)")
        schedule = actions.add_parser(
            "schedule", help="`cmeledger runperiodic` on a timer (reminders, compliance, imports)"
        )
        # Each job is due once per calendar hour or day: looking every few minutes queues it
        # soon after its turn starts (an hourly look drifting past the hour would skip one).
        schedule.add_argument("--every", type=int, default=300, help="seconds between looks")
        schedule.add_argument("--once", action="store_true", help="look once and exit")

    def handle(self, *args, action: str, **options) -> None:
        if action == "send":
            today = _day(options["on"]) if options.get("on") else timezone.localdate()
            result = send_due(today)
            self.stdout.write(f"Reminders for {today}: {result}.")
            if result.failed:
                raise CommandError(f"{result.failed} reminder(s) failed; see the log above.")
            return
        every = options["every"]
        if every < MIN_EVERY:
            raise CommandError(f"--every must be at least {MIN_EVERY} seconds; got {every}.")
        while True:
            lines = [str(outcome) for outcome in run_due()] or ["nothing due"]
            for line in lines:
                self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {line}")
            if options["once"]:
                return
            time.sleep(every)
