"""A site of its own for tests that run the `cmeledger` command in child processes:
a SQLite file, or a fresh PostgreSQL database when the suite runs on PostgreSQL. Crash,
backup and load tests use it so they leave the suite's own database alone."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def postgres_server() -> str:
    """The suite's PostgreSQL server (scheme, user, host, port), or "" on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return ""
    return url.rsplit("/", 1)[0]


class Site:
    """One database and media folder, driven through the command line: a SQLite file,
    or a PostgreSQL database of its own when the suite runs on PostgreSQL."""

    def __init__(self, folder: Path, postgres: str = "", template: str = "", **env: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.extra = env
        self.postgres = postgres  # the server's URL without a database name
        self.name = f"cmeledger_site_{os.getpid()}_{folder.name}".lower().replace("-", "_")
        if postgres:
            copying = f' TEMPLATE "{template}"' if template else ""
            self._admin(f'CREATE DATABASE "{self.name}"{copying}')
            url = f"{postgres}/{self.name}"
        else:
            url = f"sqlite:///{folder / 'cmeledger.sqlite3'}"
        self.env = {
            **os.environ,
            "SECRET_KEY": "crash-test-secret-key",
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(folder / "media"),
            "TASKS_IMMEDIATE": "",
            "LOG_LEVEL": "WARNING",
            **env,
        }

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.postgres}/postgres", autocommit=True) as connection:
            connection.execute(sql)

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "cmeledger", *args]

    def run(self, *args: str) -> str:
        done = subprocess.run(
            self.command(*args), env=self.env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(*args),
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def copy_to(self, folder: Path) -> Site:
        if self.postgres:
            return type(self)(folder, self.postgres, template=self.name, **self.extra)
        other = type(self)(folder, **self.extra)
        source = sqlite3.connect(self.folder / "cmeledger.sqlite3")
        target = sqlite3.connect(other.folder / "cmeledger.sqlite3")
        source.backup(target)
        source.close()
        target.close()
        return other

    def query(self, sql: str) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as connection:
                return connection.execute(sql).fetchall()
        database = sqlite3.connect(self.folder / "cmeledger.sqlite3", timeout=30)
        try:
            return database.execute(sql).fetchall()
        finally:
            database.close()

    def rows_done(self) -> int:
        rows = self.query("SELECT COALESCE(MAX(rows_done), 0) FROM reporting_submission")
        return rows[0][0]

    def ledger(self) -> dict[str, list[tuple]]:
        """Everything an import writes, without ids and clocks, in a fixed order."""
        return {
            "records": self.query(
                "SELECT record_key, fingerprint, state, clinician_id, matched_by, learner, "
                "activity_title, completed_on, payload, npi, board_key, license_key, wait_reason "
                "FROM reporting_reportedrecord ORDER BY record_key"
            ),
            "entries": self.query(
                "SELECT r.record_key, e.clinician_id, e.title, e.provider, e.activity_kind, "
                "e.completed_on, e.credit_type, e.credits, e.source, e.deleted_at IS NULL "
                "FROM ledger_creditentry e JOIN reporting_reportedrecord r "
                "ON r.id = e.reported_record_id ORDER BY r.record_key, e.credit_type"
            ),
            "topics": self.query(
                "SELECT r.record_key, e.credit_type, t.topic FROM ledger_entrytopic t "
                "JOIN ledger_creditentry e ON e.id = t.entry_id "
                "JOIN reporting_reportedrecord r ON r.id = e.reported_record_id "
                "ORDER BY 1, 2, 3"
            ),
            "errors": self.query(
                "SELECT row, record_key, field, message FROM reporting_rowerror "
                "ORDER BY row, field, message"
            ),
            "submissions": self.query(
                "SELECT status, rows_done, created, updated, unchanged, withdrawn, invalid, "
                "matched, waiting FROM reporting_submission ORDER BY id"
            ),
        }

    def tables(self) -> dict[str, list[tuple]]:
        """Every row of every table, sorted: two sites are the same ledger when equal."""
        if self.postgres:
            listing = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        else:
            listing = (
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        names = sorted(row[0] for row in self.query(listing))
        return {name: sorted(self.query(f'SELECT * FROM "{name}"'), key=repr) for name in names}

    def files(self) -> dict[str, str]:
        """Every stored file's SHA-256, by its path under the media folder."""
        import hashlib

        media = self.folder / "media"
        return {
            str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(media.rglob("*"))
            if path.is_file()
        }
