"""Set-based writes that skip the ORM: COPY on PostgreSQL, executemany on SQLite.

For imports of a million rows, building a model instance per row costs more than the
database's own work; these helpers take plain tuples in column order.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from django.db import connection
from django.db.models import Model


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(name) for name in names)


def insert_rows(model: type[Model], columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert rows (tuples in `columns` order, values already in database form)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({_quoted(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({_quoted(columns)}) VALUES ({marks})", rows)


class FreshStatistics:
    """Keeps PostgreSQL's planner statistics in step while a bulk import grows tables.

    Statistics come from ANALYZE, which autovacuum runs only now and then (and not at all
    where it is switched off); a table that grew from nothing to a million rows within
    one import is still planned as empty, and the import's own look-ups degrade into
    scans. ANALYZE samples a fixed number of rows, so running it each time the written
    rows double costs a few runs per import whatever its size."""

    def __init__(self, *models: type[Model], first_after: int = 20_000) -> None:
        self.tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        self.next_after = first_after

    def wrote(self, rows: int) -> None:
        """`rows` written so far by this import (outside any transaction)."""
        if connection.vendor != "postgresql" or rows < self.next_after:
            return
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {self.tables}")
        self.next_after = rows * 2


def allocate_ids(model: type[Model], count: int) -> range | list[int]:
    """`count` fresh primary keys for an auto-increment table, inside the caller's
    transaction (SQLite holds the write lock from BEGIN IMMEDIATE, so no one else can
    take the same ones)."""
    if count == 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {table}")
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        first = max(highest, row[0] if row else 0) + 1
        return range(first, first + count)


def random_uuids(count: int) -> list[str]:
    """Unguessable ids as 32 hex digits: UUIDv7 (RFC 9562), the time in milliseconds
    followed by 74 random bits drawn afresh for every id, so no id tells another (the
    ids that counted up within a batch did). The time prefix keeps a batch's inserts at
    the end of the primary-key index: uuid4 keys scattered them and cost a million-row
    SQLite import a sixth of its speed (decision 59)."""
    millis = int(time.time() * 1000) & ((1 << 48) - 1)
    head = (millis << 80) | (0x7 << 76)
    noise = os.urandom(10 * count)
    ids = []
    for position in range(count):
        bits = int.from_bytes(noise[position * 10 : position * 10 + 10], "big")
        rand_a, rand_b = bits >> 68, bits & ((1 << 62) - 1)  # 12 and 62 random bits
        ids.append("%032x" % (head | (rand_a << 64) | (0b10 << 62) | rand_b))  # noqa: UP031
    return ids
