"""`cmeledger worker [--queue-name ocr]`: django-tasks-db's `db_worker` that drains the
named queues (all of them by default) and rides out a database restart.

The stock worker stops with an error when its connection drops between jobs; this one
waits for the database (up to DB_RETRY_SECONDS) and goes on polling. A job cut off by
the outage is the job's business: imports wait and continue from their checkpoint.
Takes every option of `db_worker`; `cmeledger serve` runs one per queue
(cmeledger/lib/queues.py).
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError
from django_tasks import task_backends
from django_tasks_db.management.commands import db_worker

from cmeledger.lib.dbretry import connection_lost, wait_for_database


class ResilientWorker(db_worker.Worker):
    def run(self) -> None:
        while True:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                if not connection_lost(error):
                    raise
                db_worker.logger.warning("Lost the database connection: %s", error)
                wait_for_database()


def check_queue_names(queue_name: str, backend_name: str) -> None:
    """A misspelt queue would be polled forever and never hold a job: refuse it."""
    known = task_backends[backend_name].queues
    unknown = [name for name in queue_name.split(",") if name != "*" and name not in known]
    if unknown:
        names = ", ".join(sorted(known))
        raise CommandError(f"Unknown queue {unknown[0]!r}; the queues are: {names}.")


class Command(db_worker.Command):
    help = (
        "Run background jobs from the given queues (all by default) and wait out database restarts."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        # One worker for everything unless told otherwise, as before queues had names: a
        # small install needs no more, and `serve` names a queue for each of its workers.
        parser.set_defaults(queue_name="*")

    def handle(self, *args, **options) -> None:
        check_queue_names(options["queue_name"], options["backend_name"])
        db_worker.Worker = ResilientWorker  # the stock command builds its worker by this name
        super().handle(*args, **options)
