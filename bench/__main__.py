"""`make bench`: benchmarks printed as figures and ratios against a baseline in the same run.

Runs against a throw-away SQLite database (or DATABASE_URL if set to PostgreSQL:
a database named bench_cmeledger is created there and dropped afterwards).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="cmeledger-bench-"))
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASKS_IMMEDIATE"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cmeledger.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import warnings

    import django

    # whitenoise warns that collectstatic has not run; the benchmarks serve no files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    setup_test_environment()
    from django.test.utils import get_runner  # noqa: F401  (keeps test-mode settings)

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        # A file, not the in-memory test database: the reporting bench imports from a
        # child process, which must see the same database.
        settings.DATABASES["default"]["TEST"]["NAME"] = str(workdir / "test.sqlite3")
    print(f"CME Ledger benchmarks on {engine}, Python {sys.version.split()[0]}")
    from django.db import connection

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("check", verbosity=0)
        from bench import (
            bench_capture,
            bench_compliance,
            bench_dashboard,
            bench_ledger,
            bench_packet,
            bench_progress,
            bench_reporting,
            bench_transcript,
        )

        # BENCH=reporting (comma-separated) runs only the named benchmarks.
        chosen = set(filter(None, os.environ.get("BENCH", "").split(",")))
        for name, bench in (
            ("ledger", bench_ledger),
            ("progress", bench_progress),
            ("reporting", bench_reporting),
            ("capture", bench_capture),
            ("transcript", bench_transcript),
            ("packet", bench_packet),
            ("compliance", bench_compliance),
            ("dashboard", bench_dashboard),
        ):
            if not chosen or name in chosen:
                bench.run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
