"""Reported entries get unguessable ids: one tells nothing of another (decision 59)."""

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
    assert {found.version for found in ids} == {7}
    # After the time, 74 bits drawn afresh per id: sorted, neighbours are far apart (ids
    # that counted up differed by one), and no two share their random part's first bits.
    random_parts = sorted(found.int & ((1 << 74) - 1) for found in ids)
    assert all(b - a > 1 << 40 for a, b in zip(random_parts, random_parts[1:], strict=False))
    assert len({found.hex[13:16] + found.hex[17:20] for found in ids}) > 15
