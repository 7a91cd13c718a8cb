"""`cmeledger reminders send|schedule`: send the reminder emails due, now or on a timer.

`send` runs in this process and prints the counts (cron-friendly). `schedule` only
enqueues the job for the `email` worker, every `--every` seconds, for installs that run
the worker apart from `cmeledger serve` (which enqueues it hourly by itself).
"""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cmeledger.reports.reminders import send_due
from cmeledger.reports.tasks import send_reminders

MIN_EVERY = 60  # a reminder is per day; polling faster than a minute only loads the queue


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--on {value!r} is not a date; write it as YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = "Send the deadline reminder emails due today, or enqueue that job on a timer."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        send = actions.add_parser("send", help="send the reminders due now and print counts")
        send.add_argument("--on", help="act as if today were this day (YYYY-MM-DD)")
        schedule = actions.add_parser(
            "schedule", help="enqueue the job for the email worker on a timer"
        )
        schedule.add_argument("--every", type=int, default=3600, help="seconds between runs")
        schedule.add_argument("--once", action="store_true", help="enqueue once and exit")

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
            send_reminders.enqueue()
            self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} enqueued the reminder job.")
            if options["once"]:
                return
            time.sleep(every)
