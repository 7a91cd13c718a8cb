"""Property: whatever accounts and records exist, no record ever attaches to an account
whose last name differs from the record's, nor whose birth date contradicts it, nor
through an identifier that is only claimed without birth dates on both sides."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmeledger.accounts.models import (
    Certification,
    ClinicianProfile,
    IdentifierState,
    License,
    User,
)
from cmeledger.ledger.models import CreditEntry
from cmeledger.lib.names import normalise_name
from cmeledger.lib.npi import make_npi
from cmeledger.reporting.intake import Context, write_batch
from cmeledger.reporting.models import RecordState, ReportedRecord
from cmeledger.reporting.records import RawRow, from_payload, raw
from cmeledger.reporting.sample import ensure_organization

NPIS = [make_npi(f"1{n:08d}") for n in range(3)]
BOARD_IDS = ["P1", "P2", "P3"]
LICENSES = ["M1", "M2"]
# Spellings that fold to the same name, and names that do not.
LAST_NAMES = ["Lee", "LEE", "Lée", "Lee Jr.", "Leigh", "Kim", "O'Neil", "Oneil"]
BIRTHS = [None, (3, 7), (7, 3)]
STATES = list(IdentifierState)
CONFIRMED_AT = datetime(2026, 1, 1, tzinfo=UTC)

account = st.fixed_dictionaries(
    {
        "last": st.sampled_from(LAST_NAMES),
        "birth": st.sampled_from(BIRTHS),
        "confirmed": st.booleans(),
        "npi": st.sampled_from(["", *NPIS]),
        "npi_state": st.sampled_from(STATES),
        "board_id": st.sampled_from(["", *BOARD_IDS]),
        "board_state": st.sampled_from(STATES),
        "license": st.sampled_from(["", *LICENSES]),
        "license_state": st.sampled_from(STATES),
    }
)
record = st.fixed_dictionaries(
    {
        "last": st.sampled_from(["", *LAST_NAMES]),
        "birth": st.sampled_from(BIRTHS),
        "npi": st.sampled_from(["", *NPIS]),
        "board_id": st.sampled_from(["", *BOARD_IDS]),
        "license": st.sampled_from(["", *LICENSES]),
    }
)


def _make_accounts(accounts: list[dict], board) -> None:
    for number, spec in enumerate(accounts):
        user = User.objects.create_user(
            f"c{number}@example.org",
            None,
            first_name="Pat",
            last_name=spec["last"],
            email_confirmed_at=CONFIRMED_AT if spec["confirmed"] else None,
        )
        month, day = spec["birth"] or (None, None)
        ClinicianProfile.objects.create(
            user=user,
            npi=spec["npi"],
            npi_state=spec["npi_state"],
            birth_month=month,
            birth_day=day,
        )
        if spec["board_id"]:
            Certification.objects.create(
                clinician=user,
                board=board,
                board_id_number=spec["board_id"],
                board_id_state=spec["board_state"],
                cycle_start=date(2024, 1, 1),
                cycle_end=date(2028, 12, 31),
            )
        if spec["license"]:
            License.objects.create(
                clinician=user,
                state="TX",
                number=spec["license"],
                number_state=spec["license_state"],
            )


def _row(number: int, spec: dict) -> RawRow:
    birth = spec["birth"]
    return RawRow(
        number,
        raw(
            record_id=f"R-{number}",
            activity_title="Stroke rehabilitation update",
            completed_on="2025-05-04",
            npi=spec["npi"],
            board="abpmr" if spec["board_id"] else "",
            board_id=spec["board_id"],
            license_state="TX" if spec["license"] else "",
            license_number=spec["license"],
            first_name="Pat",
            last_name=spec["last"],
            birth_date=f"{birth[0]:02d}/{birth[1]:02d}" if birth else "",
            credits="ama-pra-1=1",
        ),
    )


def _state_through(user: User, kind: str) -> str:
    if kind == "npi":
        return user.profile.npi_state
    if kind == "board":
        return user.certifications.get().board_id_state
    return user.licenses.get().number_state


@pytest.mark.django_db
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(accounts=st.lists(account, min_size=1, max_size=4), records=st.lists(record, max_size=6))
def test_no_record_attaches_against_its_name_or_birth_date(board, accounts, records):
    CreditEntry.objects.all().delete()
    ReportedRecord.objects.all().delete()
    User.objects.filter(email__endswith="@example.org", email__startswith="c").delete()
    organization = ensure_organization("acme-cme", "Acme CME Institute")
    _make_accounts(accounts, board)
    write_batch(Context.of(organization), [_row(n, spec) for n, spec in enumerate(records, 2)])
    for stored in ReportedRecord.objects.filter(state=RecordState.MATCHED).select_related(
        "clinician__profile"
    ):
        completion = from_payload(stored.payload)
        user = stored.clinician
        assert normalise_name(completion.last_name) == normalise_name(user.last_name)
        assert normalise_name(user.last_name)
        births = (
            (completion.birth_month, completion.birth_day),
            (
                user.profile.birth_month,
                user.profile.birth_day,
            ),
        )
        if None not in births[0] and None not in births[1]:
            assert births[0] == births[1]
        assert user.email_confirmed_at is not None
        state = _state_through(user, stored.matched_by)
        assert state != IdentifierState.DISPUTED
        if state == IdentifierState.CLAIMED:
            assert None not in births[0] and None not in births[1]
    # Entries exist exactly for attached records, each in its own clinician's ledger.
    for entry in CreditEntry.objects.select_related("reported_record"):
        assert entry.reported_record.state == RecordState.MATCHED
        assert entry.clinician_id == entry.reported_record.clinician_id
