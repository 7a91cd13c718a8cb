"""Audit packet benchmark: one cycle of us-tx-md whose entries each carry a generated
certificate of about 256 KiB, packed into a ZIP on disk: 300 certificates (about 75 MiB of
files) against a 30-certificate baseline in the same run. Peak memory is Python's own
(tracemalloc), where every chunk copied from storage and every PDF drawn is allocated:
it must not grow with the number or size of the certificates."""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.db import transaction

from bench.timing import measure
from cmeledger.accounts.models import ClinicianProfile, License, User
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import make_pdf
from cmeledger.ledger.vocabulary import Accreditor, CreditType
from cmeledger.reports.packet import write_packet

SET_ID = "us-tx-md"
PADDING = 256 * 1024


def _certificate_bytes(rng: random.Random, number: int) -> bytes:
    # Random bytes in a PDF comment: a realistic size that no compressor can shrink.
    noise = rng.randbytes(PADDING).replace(b"\n", b" ").replace(b"\r", b" ")
    return make_pdf(f"Certificate of completion {number}") + b"%" + noise + b"\n%%EOF\n"


def _clinician(certificates: int) -> User:
    user = User.objects.create_user(
        f"packet-{certificates}@example.org", "bench-password-123", first_name="P", last_name="B"
    )
    ClinicianProfile.objects.create(user=user, degree="MD", specialty="PM&R")
    today = date.today()
    # A Texas license expiring next February: its two-year cycle holds today.
    expires = date(today.year + 1, 2, 28)
    License.objects.create(
        clinician=user, state="TX", number=f"B-{certificates}", expires_on=expires
    )
    start = date(expires.year - 2, 3, 1)
    rng = random.Random(certificates)
    span = (today - start).days
    with transaction.atomic():
        for number in range(certificates):
            entry = CreditEntry.objects.create(
                clinician=user,
                title=f"Session {number}: rehabilitation after stroke, a case-based review",
                provider="Generated Provider Institute",
                accreditor=Accreditor.ACCME,
                completed_on=start + timedelta(days=rng.randrange(0, span)),
                credit_type=CreditType.AMA_PRA_1,
                credits=Decimal(rng.randrange(1, 16)) / 4,
            )
            data = _certificate_bytes(rng, number)
            entry.certificates.add(store_certificate(user, data, f"c{number}.pdf").certificate)
    return user


def _pack(user: User) -> tuple[int, int]:
    """The packet's size in bytes and its number of members."""
    with tempfile.TemporaryFile() as target:
        summary = write_packet(user, target, set_id=SET_ID)
        assert summary.certificate_count == summary.entry_count, summary
        return target.tell(), len(summary.members) + 1  # SHA256SUMS lists the others


def run() -> None:
    call_command("catalog", "sync", verbosity=0)
    print()
    print(f"Audit packet: one cycle of {SET_ID}, certificates of ~{PADDING // 1024} KiB each")
    results = {}
    for count in (30, 300):
        user = _clinician(count)
        size, members = _pack(user)
        assert members == count + 4, members
        timed = measure(lambda user=user: _pack(user), repeats=3)
        results[count] = timed
        mib = size / 1_048_576
        print(timed.line(f"write the packet ({count} certificates)"))
        print(f"{'':<48} {mib:7.1f} MiB ZIP, {members} members, {mib / timed.median_s:6.0f} MiB/s")
    time_ratio = results[300].median_s / results[30].median_s
    memory_ratio = results[300].peak_mib / results[30].peak_mib
    print(
        f"{'':<48} ratio for 10x the certificates: time {time_ratio:4.1f}x,"
        f" peak memory {memory_ratio:4.1f}x"
    )
