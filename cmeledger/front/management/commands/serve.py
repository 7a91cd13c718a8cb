"""`cmeledger serve`: the web app under gunicorn plus the background workers, together.

One command for a single machine: one worker process per queue (cmeledger/lib/queues.py),
so a long certificate reading never holds up an import, and the periodic jobs of every app
(cmeledger/periodic/) queued as they fall due. Larger installs run gunicorn,
`cmeledger worker --queue-name ...` and `cmeledger runperiodic` from cron or a timer as
separate services instead (docs/operations.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cmeledger.lib.queues import WORKERS
from cmeledger.periodic.services import run_due

# A job is due once an hour or a day (cmeledger/periodic/services.py); looking every
# minute queues it soon after its turn starts and costs one small query when nothing is due.
PERIODIC_EVERY = 60.0


def queue_periodic(stderr) -> bool:
    """Queue the periodic jobs that are due; a failure is reported, never fatal."""
    try:
        outcomes = run_due()
    except Exception as error:  # the web app must keep serving if the database hiccups
        stderr.write(f"Could not queue the periodic jobs: {error}")
        return False
    for outcome in outcomes:
        if outcome.error:
            stderr.write(f"Could not queue the periodic job {outcome.job}: {outcome.error}")
    return not any(outcome.error for outcome in outcomes)


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
        # The web app and the workers build links from SITE_URL, which follows PORT when it
        # is not set (cmeledger/settings.py): they must see the port this command serves on.
        environment = os.environ | {"PORT": str(port)}
        processes = {
            name: subprocess.Popen(command, env=environment) for name, command in commands.items()
        }
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"CME Ledger is running at {url}"))
        self.stdout.write(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        queues = "; ".join(name.removeprefix("worker ") for name in worker_commands())
        self.stdout.write(
            "Background workers: " + ("off" if no_worker else f"one per queue ({queues})")
        )
        if not no_worker:
            self.stdout.write(
                "Periodic jobs (reminders, compliance runs): queued as they fall due."
            )
        self.stdout.write("Press Ctrl-C to stop.")
        stopping = False

        def stop(_signum, _frame) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        checked_at = time.monotonic()
        if not no_worker:
            queue_periodic(self.stderr)
        while not stopping:
            if not no_worker and time.monotonic() - checked_at >= PERIODIC_EVERY:
                checked_at = time.monotonic()
                queue_periodic(self.stderr)
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
