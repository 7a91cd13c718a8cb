"""Matching with corroboration: an identifier alone never hands anyone's credits over.

Each case is worked out from docs/identity.md: the identifier must be held by exactly
one account, the last name must agree, month/day of birth must agree where both sides
have it (and be on both sides for an identifier that is only claimed), and the account's
email must be confirmed.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from cmeledger.accounts.models import Certification, IdentifierState, License
from cmeledger.conftest import make_clinician
from cmeledger.ledger.models import CreditEntry, EntryRevision, RevisionAction
from cmeledger.lib.npi import make_npi
from cmeledger.reporting.intake import Context, write_batch
from cmeledger.reporting.matching import describe
from cmeledger.reporting.models import RecordState, ReportedRecord
from cmeledger.reporting.records import RawRow, raw
from cmeledger.reporting.sample import ensure_organization

NPI = make_npi("123456789")
OTHER_NPI = make_npi("198765432")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def org(board):
    return ensure_organization("acme-cme", "Acme CME Institute")


def row(number: int = 2, **changes: str) -> RawRow:
    values = {
        "record_id": "R-1",
        "activity_title": "Spasticity management update",
        "completed_on": "2025-05-04",
        "npi": NPI,
        "first_name": "Ann",
        "last_name": "Lee",
        "birth_date": "03/07",
        "credits": "ama-pra-1=2.5",
    }
    values.update(changes)
    return RawRow(number, raw(**values))


def send(org, *rows: RawRow) -> ReportedRecord:
    write_batch(Context.of(org), list(rows))
    return ReportedRecord.objects.get(record_key=rows[-1].key)


def ann(**profile):
    profile = {"npi": NPI, "birth_month": 3, "birth_day": 7, **profile}
    confirmed = profile.pop("confirmed", True)
    return make_clinician("ann@example.org", "Ann", "Lee", confirmed=confirmed, **profile)


def certify(user, board, number="P42", state=IdentifierState.CLAIMED):
    return Certification.objects.create(
        clinician=user,
        board=board,
        board_id_number=number,
        board_id_state=state,
        cycle_start=date(2024, 1, 1),
        cycle_end=date(2028, 12, 31),
    )


def live_entries(user) -> int:
    return CreditEntry.objects.filter(clinician=user, deleted_at__isnull=True).count()


def test_a_claimed_npi_with_last_name_and_birth_date_attaches_with_its_evidence(org):
    user = ann()
    record = send(org, row())
    assert (record.state, record.clinician) == (RecordState.MATCHED, user)
    assert record.match_evidence == {
        "identifier": "npi",
        "state": "claimed",
        "agreed": ["NPI", "last name", "month/day of birth"],
    }
    assert describe(record.match_evidence) == (
        "matched by NPI, last name and month/day of birth (NPI claimed at the time)"
    )
    assert live_entries(user) == 1


def test_a_claimed_npi_without_a_birth_date_on_the_record_waits(org):
    user = ann()
    record = send(org, row(birth_date=""))
    assert record.state == RecordState.UNMATCHED
    assert record.wait_reason == (
        "its NPI is only claimed, and month/day of birth is needed on both sides to corroborate it"
    )
    assert live_entries(user) == 0


def test_a_verified_npi_attaches_on_identifier_and_last_name(org):
    user = ann(npi_state=IdentifierState.VERIFIED, birth_month=None, birth_day=None)
    record = send(org, row(birth_date=""))
    assert (record.state, record.clinician) == (RecordState.MATCHED, user)
    assert describe(record.match_evidence) == (
        "matched by NPI and last name (NPI verified at the time)"
    )


def test_a_different_last_name_waits_whatever_the_identifier(org):
    ann(npi_state=IdentifierState.VERIFIED)
    record = send(org, row(last_name="Leigh"))
    assert record.state == RecordState.UNMATCHED
    assert record.wait_reason == "last name differs from the account holding its NPI"
    assert CreditEntry.objects.count() == 0


def test_a_different_birth_date_waits_even_for_a_verified_identifier(org):
    ann(npi_state=IdentifierState.VERIFIED)
    record = send(org, row(birth_date="07/03"))
    assert record.wait_reason == "month/day of birth differs from the account holding its NPI"
    assert CreditEntry.objects.count() == 0


def test_names_are_compared_without_case_accents_hyphens_or_suffixes(org):
    user = make_clinician(
        "sean@example.org", "Seán", "O'Brien-Núñez", npi=NPI, birth_month=3, birth_day=7
    )
    record = send(org, row(first_name="SEAN", last_name="obrien nunez Jr."))
    assert (record.state, record.clinician) == (RecordState.MATCHED, user)


def test_an_unconfirmed_email_waits_and_confirming_it_attaches(org):
    user = ann(confirmed=False)
    record = send(org, row())
    assert record.state == RecordState.UNMATCHED
    assert record.wait_reason == "email not confirmed by the account holding its NPI"
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    record.refresh_from_db()
    assert (record.state, record.clinician) == (RecordState.MATCHED, user)
    assert live_entries(user) == 1


def test_an_identifier_claimed_by_two_accounts_is_a_dispute(org):
    ann()
    make_clinician("eve@example.org", "Eve", "Lee", npi=NPI, birth_month=3, birth_day=7)
    record = send(org, row())
    assert (record.state, record.clinician) == (RecordState.AMBIGUOUS, None)
    assert record.wait_reason == "its NPI is claimed by 2 accounts"


def test_a_verified_holder_wins_over_an_account_that_only_claims_the_same_number(org):
    owner = ann(npi_state=IdentifierState.VERIFIED)
    make_clinician("eve@example.org", "Eve", "Lee", npi=NPI, birth_month=3, birth_day=7)
    record = send(org, row())
    assert (record.state, record.clinician) == (RecordState.MATCHED, owner)


def test_a_disputed_identifier_attaches_nothing(org):
    ann(npi_state=IdentifierState.DISPUTED)
    record = send(org, row())
    assert (record.state, record.wait_reason) == (RecordState.AMBIGUOUS, "its NPI is disputed")


def test_a_record_without_any_identifier_waits_and_says_why(org):
    ann()
    record = send(org, row(npi=""))
    assert record.wait_reason == "it carries no identifier (board ID, NPI or license)"


def test_typing_another_physicians_npi_receives_none_of_their_credits(org):
    """The attack that opened the issue: Mallory signs up and types Ann's NPI."""
    send(org, row(record_id="before"))  # reported before either account exists
    mallory = make_clinician("mallory@example.org", "Mal", "Ory", npi=NPI)
    send(org, row(record_id="after"))
    mallory.profile.birth_month, mallory.profile.birth_day = 3, 7
    mallory.profile.save()
    assert live_entries(mallory) == 0
    assert set(ReportedRecord.objects.values_list("state", flat=True)) == {RecordState.UNMATCHED}


def test_claiming_the_owners_npi_later_moves_none_of_the_owners_credits(org):
    owner = ann()
    send(org, row(record_id="R-1"))
    assert live_entries(owner) == 1
    make_clinician("mallory@example.org", "Mal", "Lee", npi=NPI, birth_month=3, birth_day=7)
    assert live_entries(owner) == 1
    # New reports for the disputed number wait for site staff instead.
    record = send(org, row(record_id="R-2"))
    assert record.state == RecordState.AMBIGUOUS
    assert live_entries(owner) == 1


def test_removing_the_npi_sends_its_records_back_to_waiting_with_history(org):
    user = ann()
    record = send(org, row())
    entry = CreditEntry.objects.get(reported_record=record)
    user.profile.npi = ""
    user.profile.save()
    record.refresh_from_db()
    assert (record.state, record.clinician) == (RecordState.UNMATCHED, None)
    assert record.wait_reason == "no account holds its identifiers yet"
    entry.refresh_from_db()
    assert entry.deleted_at is not None
    revision = EntryRevision.objects.get(entry=entry, action=RevisionAction.DELETED)
    why = "the NPI it matched was removed or changed on the profile"
    assert revision.changes == {"reason": ["", why]}
    # Typing it back attaches again, as a new entry; nothing was deleted.
    user.profile.npi = NPI
    user.profile.save()
    record.refresh_from_db()
    assert record.state == RecordState.MATCHED
    assert CreditEntry.objects.filter(reported_record=record).count() == 2
    assert live_entries(user) == 1


def test_a_verified_board_id_keeps_records_when_the_npi_is_removed(org, board):
    user = ann()
    certify(user, board, state=IdentifierState.VERIFIED)
    record = send(org, row(board="abpmr", board_id="P42"))
    assert record.matched_by == "board"
    user.profile.npi = ""
    user.profile.save()
    record.refresh_from_db()
    assert (record.state, record.clinician) == (RecordState.MATCHED, user)


def test_changing_the_npi_makes_it_claimed_again_and_releases_its_records(org):
    user = ann(npi_state=IdentifierState.VERIFIED)
    record = send(org, row(birth_date=""))
    assert record.state == RecordState.MATCHED
    user.profile.npi = OTHER_NPI
    user.profile.save()
    user.profile.refresh_from_db()
    assert user.profile.npi_state == IdentifierState.CLAIMED
    record.refresh_from_db()
    assert record.state == RecordState.UNMATCHED
    assert live_entries(user) == 0


def test_deleting_a_license_releases_the_records_attached_through_it(org):
    user = ann(npi="")
    license = License.objects.create(clinician=user, state="TX", number="M123")
    record = send(org, row(npi="", license_state="TX", license_number="m123"))
    assert record.state == RecordState.MATCHED
    license.delete()
    record.refresh_from_db()
    assert record.state == RecordState.UNMATCHED
    assert live_entries(user) == 0


def test_a_released_record_goes_to_its_true_owner(org):
    mallory = make_clinician(
        "mallory@example.org", "Mal", "Lee", npi=NPI, birth_month=3, birth_day=7
    )
    record = send(org, row())
    assert record.clinician == mallory  # Mallory copied name, birth date and number
    owner = make_clinician("ann@example.org", "Ann", "Lee", birth_month=3, birth_day=7)
    mallory.profile.npi = ""
    mallory.profile.save()
    owner.profile.npi = NPI
    owner.profile.save()
    record.refresh_from_db()
    assert (record.state, record.clinician) == (RecordState.MATCHED, owner)
    assert live_entries(mallory) == 0 and live_entries(owner) == 1


def test_correcting_the_learner_of_an_attached_record_moves_it(org):
    first = ann()
    other = make_clinician("bo@example.org", "Bo", "Kim", npi=OTHER_NPI, birth_month=1, birth_day=2)
    send(org, row())
    record = send(org, row(npi=OTHER_NPI, first_name="Bo", last_name="Kim", birth_date="01/02"))
    assert (record.state, record.clinician) == (RecordState.MATCHED, other)
    assert live_entries(first) == 0 and live_entries(other) == 1
