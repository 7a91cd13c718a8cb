"""`cmeledger worker`: django-tasks-db's `db_worker` that rides out a database restart.

The stock worker stops with an error when its connection drops between jobs; this one
waits for the database (up to DB_RETRY_SECONDS) and goes on polling. A job cut off by
the outage is the job's business: imports wait and continue from their checkpoint.
Takes every option of `db_worker`.
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
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


class Command(db_worker.Command):
    help = "Run background jobs (db_worker) and wait out database restarts."

    def handle(self, *args, **options) -> None:
        db_worker.Worker = ResilientWorker  # the stock command builds its worker by this name
        super().handle(*args, **options)
