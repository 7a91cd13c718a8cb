"""Riding out a database restart: a failover, an upgrade, a PostgreSQL restart.

Long-running work (an import, the worker's loop) that loses its connection waits for the
database to answer again and carries on from its last commit, instead of failing the
job. Only a lost connection is retried: any other database error is a real error.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)


class DatabaseUnavailable(Exception):
    """The database did not come back within DB_RETRY_SECONDS."""


def connection_lost(error: BaseException) -> bool:
    """Whether `error` means the connection is gone (rather than, say, a lock)."""
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    if connection.vendor == "sqlite":
        return False  # a file: "database is locked" and its kin are not outages
    return connection.connection is None or not connection.is_usable()


def wait_for_database(seconds: float | None = None) -> None:
    """Drop the dead connection and try to connect again, with growing pauses."""
    limit = settings.DB_RETRY_SECONDS if seconds is None else seconds
    deadline = time.monotonic() + limit
    pause = 0.2
    while True:
        connection.close_if_unusable_or_obsolete()
        try:
            connection.close()
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            logger.warning("The database answers again; carrying on.")
            return
        except DatabaseError as error:
            if time.monotonic() + pause > deadline:
                raise DatabaseUnavailable(
                    f"The database did not come back within {limit:g} s: {error}"
                ) from error
            logger.warning("The database is unavailable (%s); trying again in %.1f s.", error, pause)
            time.sleep(pause)
            pause = min(pause * 2, 5.0)
