"""Board-wide compliance: every ABPMR diplomate judged under abpmr-cc in one run.

Sizes: BENCH_COMPLIANCE_DIPLOMATES (default 100,000) diplomates with
BENCH_COMPLIANCE_ENTRIES (default 50) entries each, so 5,000,000 entries. The baseline,
in the same process, is the calculator judging one diplomate at a time (its own queries
and the whole ledger, as the clinician's dashboard does) on the first 2,000 diplomates;
the set-based run is timed on the same 2,000 first, then on everyone. The issue's bound
is 60 s for the full run. Memory is the process's peak resident size (VmHWM), read
before and after, since tracemalloc would slow the run it measures.
"""

from __future__ import annotations

import os
import random
import resource
import time
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from cmeledger.accounts.models import Board, Certification, License, User
from cmeledger.boards import compliance
from cmeledger.ledger.models import CreditEntry
from cmeledger.lib.bulk import insert_rows, random_uuids
from cmeledger.requirements.models import RequirementSetVersion
from cmeledger.requirements.sync import sync

DIPLOMATES = int(os.environ.get("BENCH_COMPLIANCE_DIPLOMATES", "100000"))
ENTRIES = int(os.environ.get("BENCH_COMPLIANCE_ENTRIES", "50"))
BASELINE = 2000
SET_ID = "abpmr-cc"
COLUMNS = (
    "id",
    "clinician_id",
    "title",
    "provider",
    "accreditor",
    "activity_kind",
    "completed_on",
    "credit_type",
    "credits",
    "specialty_related",
    "notes",
    "source",
    "created_at",
    "updated_at",
)
TYPES = ["ama-pra-1"] * 6 + ["aoa-1a", "ama-pra-2", "sa-cme", "aafp-prescribed"]
KINDS = ["live"] * 5 + ["enduring", "journal", "longitudinal-assessment"]


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _people(board: Board, first: int, count: int, today: date) -> None:
    """`count` diplomates numbered from `first`, each with a certification, a license and
    ENTRIES entries spread over (and a little around) their five-year cycle."""
    rng = random.Random(first)
    stamp = timezone.now()
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(
                email=f"diplomate{n}@example.org",
                first_name=f"D{n}",
                last_name=f"Diplomate{n}",
                password="!bench",
            )
            for n in range(first, first + count)
        )
        if any(u.pk is None for u in users):
            users = list(User.objects.filter(email__startswith="diplomate").order_by("id")[first:])
        certifications = []
        for user in users:
            start = date(today.year - rng.randrange(0, 5), rng.randrange(1, 13), 1)
            end = date(start.year + 5, start.month, 1) - timedelta(days=1)
            certifications.append(
                Certification(
                    clinician=user, board=board, specialty="PM&R", cycle_start=start, cycle_end=end
                )
            )
        Certification.objects.bulk_create(certifications, batch_size=5000)
        License.objects.bulk_create(
            (
                License(
                    clinician=user,
                    state="TX",
                    number=f"L{user.pk}",
                    expires_on=today + timedelta(days=rng.randrange(-60, 700)),
                )
                for user in users
            ),
            batch_size=5000,
        )
        rows = []
        for cert in certifications:
            span = (min(cert.cycle_end, today) - cert.cycle_start).days + 120
            ids = random_uuids(ENTRIES)
            for i in range(ENTRIES):
                day = cert.cycle_start + timedelta(days=rng.randrange(-60, span))
                rows.append(
                    (
                        ids[i],
                        cert.clinician_id,
                        "Generated activity",
                        "Generated Provider",
                        "accme",
                        rng.choice(KINDS),
                        min(day, today),
                        rng.choice(TYPES),
                        str(rng.randrange(1, 33) / 4),
                        rng.random() < 0.55,
                        "",
                        "self",
                        stamp,
                        stamp,
                    )
                )
            if len(rows) >= 100_000:
                insert_rows(CreditEntry, COLUMNS, rows)
                rows.clear()
        insert_rows(CreditEntry, COLUMNS, rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _per_person(board: Board, today: date) -> float:
    rset = (
        RequirementSetVersion.objects.filter(set_id=SET_ID).order_by("-version")[0]
    ).requirement_set()
    started = time.perf_counter()
    for cert in Certification.objects.filter(board=board).select_related("clinician")[:BASELINE]:
        compliance.by_calculator(cert, rset, today)
    return time.perf_counter() - started


def _set_based(board: Board, today: date) -> tuple[float, compliance.ComplianceRun]:
    started = time.perf_counter()
    run = compliance.compute(board, SET_ID, on=today)
    return time.perf_counter() - started, run


def run() -> None:
    sync()
    board = Board.objects.get(code="abpmr")
    today = timezone.localdate()
    print()
    print(
        f"Board-wide compliance: {SET_ID}, {DIPLOMATES:,} diplomates x {ENTRIES} entries "
        f"({DIPLOMATES * ENTRIES:,} entries); baseline: the calculator one diplomate at a time"
    )
    started = time.perf_counter()
    _people(board, 0, BASELINE, today)
    print(f"  generated {BASELINE:,} diplomates in {time.perf_counter() - started:.1f} s")
    loop = _per_person(board, today)
    small, small_run = _set_based(board, today)
    print(
        f"  {BASELINE:,} diplomates: one at a time {loop:8.2f} s   set-based {small:6.2f} s   "
        f"ratio {loop / small:5.1f}x   ({small_run.by_calculator} by the calculator)"
    )
    if DIPLOMATES <= BASELINE:
        return
    started = time.perf_counter()
    step = 20_000
    for first in range(BASELINE, DIPLOMATES, step):
        _people(board, first, min(step, DIPLOMATES - first), today)
    print(
        f"  generated {DIPLOMATES - BASELINE:,} more diplomates in "
        f"{time.perf_counter() - started:.1f} s"
    )
    before = _peak_mib()
    seconds, big_run = _set_based(board, today)
    after = _peak_mib()
    counts = ", ".join(f"{k} {v:,}" for k, v in sorted(big_run.counts.items()))
    print(
        f"  {DIPLOMATES:,} diplomates: set-based {seconds:6.2f} s "
        f"(bound 60 s: {'within' if seconds <= 60 else 'OVER'})   "
        f"{big_run.cycles:,} cycles, {big_run.by_calculator} by the calculator"
    )
    print(
        f"  per-person loop extrapolated to {DIPLOMATES:,}: {loop * DIPLOMATES / BASELINE:7.0f} s"
        f"   ratio {loop * DIPLOMATES / BASELINE / seconds:5.1f}x"
    )
    print(f"  peak resident memory {before:.0f} MiB before the run, {after:.0f} MiB after")
    print(f"  statuses: {counts}")
