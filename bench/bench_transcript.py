"""Transcript benchmarks: a 3,000-entry transcript of one set's cycle (abpmr-cc, five
years), gathered and drawn, against a 300-entry baseline in the same run. Peak memory is
Python's own (tracemalloc), which is where reportlab builds the document."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal

import pypdfium2
from django.core.management import call_command
from django.db import transaction

from bench.timing import measure
from cmeledger.accounts.models import Board, Certification, ClinicianProfile, User
from cmeledger.ledger.models import CreditEntry, EntryTopic
from cmeledger.ledger.vocabulary import Accreditor, CreditType, Topic
from cmeledger.reports.transcript import gather
from cmeledger.reports.transcript_pdf import transcript_pdf

SET_ID = "abpmr-cc"
TYPES = [CreditType.AMA_PRA_1, CreditType.AMA_PRA_1, CreditType.AMA_PRA_2, CreditType.SA_CME]


def _clinician(entries: int) -> User:
    user = User.objects.create_user(
        f"transcript-{entries}@example.org", "bench-password-123", first_name="T", last_name="B"
    )
    ClinicianProfile.objects.create(user=user, degree="MD", specialty="PM&R", npi="1234567893")
    today = date.today()
    start = today - timedelta(days=4 * 365)
    rng = random.Random(entries)
    rows = [
        CreditEntry(
            clinician=user,
            title=f"Session {n}: rehabilitation after stroke, a case-based review of outcomes",
            provider="Generated Provider Institute",
            accreditor=Accreditor.ACCME,
            completed_on=start + timedelta(days=rng.randrange(0, 4 * 365)),
            credit_type=rng.choice(TYPES),
            credits=Decimal(rng.randrange(1, 16)) / 4,
            specialty_related=rng.random() < 0.5,
        )
        for n in range(entries)
    ]
    topics = list(Topic.values)
    with transaction.atomic():
        CreditEntry.objects.bulk_create(rows, batch_size=1000)
        EntryTopic.objects.bulk_create(
            [EntryTopic(entry=row, topic=rng.choice(topics)) for row in rows if rng.random() < 0.4],
            batch_size=1000,
        )
        Certification.objects.create(
            clinician=user,
            board=Board.objects.get(code="abpmr"),
            board_id_number="BENCH-1",
            cycle_start=start,
            cycle_end=start + timedelta(days=5 * 365),
        )
    return user


def run() -> None:
    call_command("catalog", "sync", verbosity=0)
    print()
    print(f"Transcript: one cycle of {SET_ID}")
    results = {}
    for entries in (300, 3_000):
        user = _clinician(entries)
        data = gather(user, set_id=SET_ID)
        assert len(data.entries) == entries, len(data.entries)
        collected = measure(lambda user=user: gather(user, set_id=SET_ID), repeats=5)
        drawn = measure(lambda data=data: transcript_pdf(data), repeats=3)
        pdf = transcript_pdf(data)
        pages = len(pypdfium2.PdfDocument(io.BytesIO(pdf)))
        results[entries] = (collected, drawn)
        print(collected.line(f"gather ({entries} entries)"))
        print(drawn.line(f"draw the PDF ({entries} entries, {pages} pages)"))
        print(f"{'':<48} {len(pdf) / 1024:7.0f} KiB, {pages / drawn.median_s:6.0f} pages/s")
    gather_ratio = results[3_000][0].median_s / results[300][0].median_s
    draw_ratio = results[3_000][1].median_s / results[300][1].median_s
    memory_ratio = results[3_000][1].peak_mib / results[300][1].peak_mib
    print(
        f"{'':<48} ratio for 10x the entries: gather {gather_ratio:4.1f}x, draw {draw_ratio:4.1f}x,"
        f" peak memory {memory_ratio:4.1f}x"
    )
