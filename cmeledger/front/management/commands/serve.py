"""`cmeledger serve`: the web app under gunicorn plus the background workers, together.

One command for a single machine: one worker process per queue (cmeledger/lib/queues.py),
so a long certificate reading never holds up an import. Larger installs run gunicorn and
`cmeledger worker --queue-name ...` as separate services instead (docs/operations.md),
with `cmeledger reminders schedule` taking over the hourly reminder job this command
enqueues (docs/deadlines.md).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cmeledger.lib.queues import WORKERS

# The reminder job is idempotent and per day; hourly catches a day's turn soon after
# midnight without a cron entry.
REMINDERS_EVERY = 3600.0


def enqueue_reminders(stderr) -> bool:
    """Queue the reminder jobs (deadlines, audits) for the worker; a failure is reported, never fatal."""
    from cmeledger.audits.tasks import send_audit_reminders
    from cmeledger.reports.tasks import send_reminders

    try:
        send_reminders.enqueue()
        send_audit_reminders.enqueue()
    except Exception as error:  # the web app must keep serving if the queue hiccups
        stderr.write(f"Could not enqueue the reminder job: {error}")
        return False
    return True


def enqueue_compliance(stderr, last_day: date | None) -> date | None:
    """Once a day, queue a compliance run for every board and set, so the board lists
    are never more than a day old; returns the day it last queued them."""
    from django.utils import timezone

    from cmeledger.boards.tasks import compute_all_boards

    today = timezone.localdate()
    if last_day == today:
        return last_day
    try:
        compute_all_boards()
    except Exception as error:  # as above: never take the web app down
        stderr.write(f"Could not enqueue the compliance runs: {error}")
        return last_day
    return today


def worker_commands() -> dict[str, list[str]]:
    """The worker processes to start, by name: one for each group of queues."""
    commands = {}
    for queues in WORKERS:
        names = ",".join(queues)
        commands[f"worker {names}"] = [
            sys.executable, "-m", "cmeledger", "worker", "--no-reload", "--interval", "1",
            "--queue-name", names,
        ]  # fmt: skip
    return commands


class Command(BaseCommand):
    help = "Start the web app (gunicorn) and the background workers; Ctrl-C stops them all."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start the background workers"
        )

    def handle(self, *args, host: str, port: int, workers: int, no_worker: bool, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535; got {port}")
        web = [
            sys.executable, "-m", "gunicorn", "cmeledger.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers),
            "--access-logfile", "-", "--graceful-timeout", "10",
        ]  # fmt: skip
        commands = {"gunicorn": web} | ({} if no_worker else worker_commands())
        if not no_worker:
            # This command's imports worker is the only one: any import left running was
            # cut off when the last one stopped, and resumes from its checkpoint.
            from cmeledger.reporting.jobs import resume_stalled

            resumed = resume_stalled()
            if resumed:
                self.stdout.write(f"Resuming {len(resumed)} unfinished import job(s).")
        processes = {name: subprocess.Popen(command) for name, command in commands.items()}
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"CME Ledger is running at {url}"))
        self.stdout.write(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        queues = "; ".join(name.removeprefix("worker ") for name in worker_commands())
        self.stdout.write(
            "Background workers: " + ("off" if no_worker else f"one per queue ({queues})")
        )
        if not no_worker:
            self.stdout.write("Deadline reminders: checked on start and every hour.")
        self.stdout.write("Press Ctrl-C to stop.")
        stopping = False

        def stop(_signum, _frame) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        reminders_at = time.monotonic()
        compliance_day = None
        if not no_worker:
            enqueue_reminders(self.stderr)
            compliance_day = enqueue_compliance(self.stderr, compliance_day)
        while not stopping:
            if not no_worker and time.monotonic() - reminders_at >= REMINDERS_EVERY:
                reminders_at = time.monotonic()
                enqueue_reminders(self.stderr)
                compliance_day = enqueue_compliance(self.stderr, compliance_day)
            for name, process in processes.items():
                if process.poll() is not None:
                    exit_code = process.returncode or 1
                    self.stderr.write(f"{name} exited with code {process.returncode}")
                    stopping = True
            time.sleep(0.5)
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if exit_code:
            raise CommandError("A process stopped unexpectedly; see its output above.")
