"""Reported entries get random ids, like every other object: one tells nothing of another."""

from __future__ import annotations

from uuid import UUID

import pytest

from cmeledger.conftest import make_clinician
from cmeledger.ledger.models import CreditEntry
from cmeledger.lib.npi import make_npi
from cmeledger.reporting.intake import Context, write_batch
from cmeledger.reporting.records import RawRow, raw
from cmeledger.reporting.sample import ensure_organization

NPI = make_npi("123456789")


@pytest.fixture
def org(db, board):
    return ensure_organization("acme-cme", "Acme CME Institute")


def test_the_entries_of_one_import_have_random_unrelated_ids(org):
    ann = make_clinician("ann@example.org", "Ann", "Lee", npi=NPI, birth_month=3, birth_day=7)
    rows = [
        RawRow(
            number,
            raw(
                record_id=f"R-{number}",
                activity_title="Spasticity management update",
                completed_on="2025-05-04",
                npi=NPI,
                first_name="Ann",
                last_name="Lee",
                birth_date="03/07",
                credits="ama-pra-1=1",
            ),
        )
        for number in range(2, 22)
    ]
    write_batch(Context.of(org), rows)
    ids = [
        UUID(str(pk))
        for pk in CreditEntry.objects.filter(clinician=ann).values_list("pk", flat=True)
    ]
    assert len(ids) == 20
    assert {found.version for found in ids} == {4}
    numbers = sorted(found.int for found in ids)
    # Neither counting up nor sharing a time prefix: a UUIDv7 batch shares its first 48 bits.
    assert all(b - a > 1 for a, b in zip(numbers, numbers[1:], strict=False))
    assert len({found.hex[:12] for found in ids}) == len(ids)
