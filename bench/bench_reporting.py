"""Partner reporting: a PARS-style file imported end to end, re-imported, and compared
with the ceiling (plain executemany of the same final rows) and a naive per-row ORM import.

Sizes: BENCH_REPORTING_ROWS (default 1,000,000) rows for BENCH_REPORTING_CLINICIANS
(default 50,000) clinicians. The import runs as `cmeledger reporting import` in a child
process so its peak memory is its own (getrusage of the child).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

ROWS = int(os.environ.get("BENCH_REPORTING_ROWS", "1000000"))
CLINICIANS = int(os.environ.get("BENCH_REPORTING_CLINICIANS", "50000"))
NAIVE_ROWS = 20_000
API_RECORDS = 10_000


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        user = db.get("USER") or "postgres"
        env["DATABASE_URL"] = (
            f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/"
            f"{db['NAME']}"
        )
    return env


def _import(path: Path, org: str) -> tuple[float, float, str]:
    """Seconds, peak MB of the child and its summary line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cmeledger", "reporting", "import", str(path), "--org", org,
         "--quiet"],
        env=_child_env(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = done.stdout.splitlines()[1] if len(done.stdout.splitlines()) > 1 else done.stdout
    return seconds, max(peak, before) / 1024, summary


def _final_rows(table: str, where: str = "") -> tuple[list[str], list[tuple]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} {where}")
        columns = [c[0] for c in cursor.description]
        return columns, cursor.fetchall()


def _ceiling() -> float:
    """Seconds to executemany the final rows of the import back into the same tables."""
    from cmeledger.ledger.models import CreditEntry, EntryRevision, EntryTopic
    from cmeledger.lib.bulk import insert_rows
    from cmeledger.reporting.models import ReportedRecord

    reported = "WHERE reported_record_id IS NOT NULL"
    # Topics and history rows (each reported entry starts with a "created" one) of them.
    topics_where = (
        "WHERE entry_id IN (SELECT id FROM ledger_creditentry WHERE reported_record_id IS NOT NULL)"
    )
    tables = [
        (ReportedRecord, *_final_rows("reporting_reportedrecord")),
        (CreditEntry, *_final_rows("ledger_creditentry", reported)),
        (EntryTopic, *_final_rows("ledger_entrytopic", topics_where)),
        (EntryRevision, *_final_rows("ledger_entryrevision", topics_where)),
    ]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM ledger_entryrevision {topics_where}")
            cursor.execute(f"DELETE FROM ledger_entrytopic {topics_where}")
            cursor.execute(f"DELETE FROM ledger_creditentry {reported}")
            cursor.execute("DELETE FROM reporting_reportedrecord")
    started = time.perf_counter()
    batch = settings.REPORTING_BATCH_ROWS
    for model, columns, rows in tables:
        for begin in range(0, len(rows), batch):
            with transaction.atomic():
                insert_rows(model, columns, rows[begin : begin + batch])
    return time.perf_counter() - started


def _naive(path: Path, org_slug: str) -> float:
    """Rows per second of a per-row ORM import (one query per lookup, one save per row)."""
    from datetime import date

    from cmeledger.accounts.models import Board, ClinicianProfile, Organization
    from cmeledger.ledger.models import CreditEntry, EntryTopic
    from cmeledger.reporting.formats import open_reader
    from cmeledger.reporting.models import ReportedRecord
    from cmeledger.reporting.records import BadRow, validate

    organization = Organization.objects.get(slug=org_slug)
    boards = frozenset(Board.objects.values_list("code", flat=True))
    today = date.today()
    started = time.perf_counter()
    count = 0
    with open(path, "rb") as handle:
        for row in open_reader(handle).rows:
            if count >= NAIVE_ROWS:
                break
            count += 1
            if isinstance(row, BadRow):
                continue
            c = validate(row, boards, today)
            if isinstance(c, list):
                continue
            with transaction.atomic():
                profile = ClinicianProfile.objects.filter(npi=c.npi).first() if c.npi else None
                record = ReportedRecord.objects.create(
                    organization=organization, record_key=c.key, fingerprint=row.fingerprint(),
                    state="matched" if profile else "unmatched",
                    clinician_id=profile.user_id if profile else None, learner=c.learner,
                    activity_title=c.title, completed_on=c.completed_on, payload=c.payload(),
                )  # fmt: skip
                if profile:
                    for credit_type, amount in c.credits:
                        entry = CreditEntry.objects.create(
                            clinician_id=profile.user_id, title=c.title, completed_on=c.completed_on,
                            credit_type=credit_type, credits=amount, source="organization",
                            reported_by=organization, reported_record=record,
                        )  # fmt: skip
                        for topic in c.topics:
                            EntryTopic.objects.create(entry=entry, topic=topic)
    return count / (time.perf_counter() - started)


def _api_batch(workdir: Path, org_slug: str) -> tuple[float, float]:
    """Seconds for one POST /api/v1/reports/completions of 10,000 new records, and for
    the same request sent again (all unchanged), through the whole Django stack."""
    from django.test import Client

    from cmeledger.accounts.models import Organization, Role, User
    from cmeledger.reporting import sample, services

    organization = Organization.objects.get(slug=org_slug)
    user = User.objects.create_user(
        f"bench@{org_slug}.example.org", "bench-password", role=Role.ORGANIZATION,
        organization=organization,
    )  # fmt: skip
    _, key = services.issue_token(user, "bench")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    path = workdir / "batch.json"
    with open(path, "w", encoding="utf-8", newline="") as out:
        sample.write_sample(out, "json", org_slug, API_RECORDS, CLINICIANS, seed=44)
    body = path.read_bytes()
    seconds = []
    for _ in range(2):
        started = time.perf_counter()
        response = client.post("/api/v1/reports/completions", body, content_type="application/json")
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
    return seconds[0], seconds[1]


def run() -> None:
    from cmeledger.reporting import sample

    engine = connection.vendor
    workdir = Path(tempfile.mkdtemp(prefix="cmeledger-reporting-"))
    path = workdir / "partner.tsv"
    started = time.perf_counter()
    sample.ensure_organization("bench-org")
    sample.create_clinicians(CLINICIANS)
    with open(path, "w", encoding="utf-8", newline="") as out:
        sample.write_sample(out, "pars", "bench-org", ROWS, CLINICIANS, seed=42)
    size_mb = path.stat().st_size / 1_048_576
    print(
        f"\nPartner reporting ({engine}): {ROWS:,} PARS rows ({size_mb:.0f} MB) for "
        f"{CLINICIANS:,} clinicians, prepared in {time.perf_counter() - started:.1f} s"
    )
    first, first_peak, summary = _import(path, "bench-org")
    print(f"  import:    {first:7.1f} s  {ROWS / first:>9,.0f} rows/s  peak {first_peak:5.0f} MB")
    print(f"             {summary}")
    again, again_peak, summary = _import(path, "bench-org")
    print(f"  re-import: {again:7.1f} s  {ROWS / again:>9,.0f} rows/s  peak {again_peak:5.0f} MB")
    ceiling = _ceiling()
    print(
        f"  ceiling (executemany of the final rows): {ceiling:.1f} s, "
        f"{ROWS / ceiling:,.0f} rows/s; the import takes {first / ceiling:.1f}x the ceiling"
    )
    naive_org = sample.ensure_organization("naive-org")
    naive_path = workdir / "naive.tsv"
    with open(naive_path, "w", encoding="utf-8", newline="") as out:
        sample.write_sample(out, "pars", naive_org.slug, NAIVE_ROWS, CLINICIANS, seed=43)
    naive = _naive(naive_path, naive_org.slug)
    print(
        f"  naive per-row ORM on {NAIVE_ROWS:,} rows: {naive:,.0f} rows/s; "
        f"the import is {ROWS / first / naive:.1f}x faster"
    )
    api_org = sample.ensure_organization("api-org")
    new, unchanged = _api_batch(workdir, api_org.slug)
    print(
        f"  API batch of {API_RECORDS:,} records: {new:.2f} s new "
        f"({API_RECORDS / new:,.0f} records/s), {unchanged:.2f} s sent again"
    )
