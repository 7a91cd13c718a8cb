"""Matching, re-sending, withdrawing, agreements and linking self-reports, on the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cmeledger.accounts.models import Certification, License
from cmeledger.conftest import make_clinician
from cmeledger.ledger import services as ledger
from cmeledger.ledger.models import CreditEntry, EntryRevision
from cmeledger.ledger.testing import entry_fields
from cmeledger.lib.npi import make_npi
from cmeledger.reporting.intake import Context, NoAgreement, Status, write_batch
from cmeledger.reporting.models import Agreement, CredentialKind, Member, RecordState
from cmeledger.reporting.records import RawRow, raw
from cmeledger.reporting.sample import ensure_organization
from cmeledger.requirements.progress import credits_of

NPI = make_npi("123456789")


@pytest.fixture
def org(db, board):
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


def send(org, *rows: RawRow):
    return write_batch(Context.of(org), list(rows))


@pytest.fixture
def ann(db):
    return make_clinician("ann@example.org", "Ann", "Lee", npi=NPI, birth_month=3, birth_day=7)


def test_a_matched_record_becomes_a_locked_entry_of_the_clinician(org, ann):
    [outcome] = send(org, row(topics="ethics"))
    assert (outcome.status, outcome.state) == (Status.CREATED, RecordState.MATCHED)
    entry = CreditEntry.objects.get(clinician=ann)
    assert entry.reported_by == org
    assert entry.source == "organization"
    assert not entry.is_editable_by_clinician
    assert entry.credits == Decimal("2.50") and entry.topics == ["ethics"]
    assert entry.reported_record.record_key == "R-1"


def test_each_credit_type_of_a_record_becomes_its_own_entry(org, ann, board):
    send(org, row(credits="ama-pra-1=1;moc-points=2", board="abpmr", board_id="P9"))
    assert sorted(CreditEntry.objects.values_list("credit_type", flat=True)) == [
        "ama-pra-1",
        "moc-points",
    ]


def test_sending_the_same_record_again_changes_nothing(org, ann):
    send(org, row())
    [outcome] = send(org, row())
    assert outcome.status == Status.UNCHANGED
    assert CreditEntry.objects.count() == 1


def test_a_changed_record_updates_its_entry_and_keeps_the_history(org, ann):
    send(org, row())
    [outcome] = send(org, row(credits="ama-pra-1=3"))
    assert outcome.status == Status.UPDATED
    entry = CreditEntry.objects.get()
    assert entry.credits == Decimal("3.00")
    revision = EntryRevision.objects.get(entry=entry)
    assert revision.changes["credits"] == ["2.50", "3.00"]


def test_the_same_record_in_another_format_is_unchanged(org, ann):
    send(org, row())
    [outcome] = send(org, row(completed_on="05/04/2025"))
    assert outcome.status == Status.UNCHANGED


def test_withdrawing_removes_the_entry_from_totals_and_keeps_it(org, ann):
    send(org, row())
    [outcome] = send(org, row(status="withdrawn"))
    assert outcome.status == Status.WITHDRAWN
    entry = CreditEntry.objects.get()
    assert entry.is_deleted
    assert credits_of(ann) == []
    assert EntryRevision.objects.filter(entry=entry, action="deleted").exists()
    [again] = send(org, row(credits="ama-pra-1=1"))
    assert again.status == Status.INVALID
    assert "withdrawn" in again.problems[0].message


def test_withdrawing_a_record_never_sent_is_an_error(org, ann):
    [outcome] = send(org, row(status="withdrawn"))
    assert outcome.status == Status.INVALID
    assert CreditEntry.objects.count() == 0


def test_a_record_id_repeated_in_one_batch_keeps_the_last_row(org, ann):
    outcomes = send(org, row(2, credits="ama-pra-1=1"), row(3, credits="ama-pra-1=2"))
    assert [o.status for o in outcomes] == [Status.INVALID, Status.CREATED]
    assert CreditEntry.objects.get().credits == Decimal("2.00")


def test_invalid_rows_are_reported_and_valid_ones_still_land(org, ann):
    outcomes = send(org, row(2, record_id="A"), row(3, record_id="B", completed_on="soon"))
    assert [o.status for o in outcomes] == [Status.CREATED, Status.INVALID]
    assert outcomes[1].problems[0].field == "completed_on"
    assert CreditEntry.objects.count() == 1


def test_identifiers_of_two_corroborated_accounts_make_the_record_wait_for_review(org, ann, board):
    bea = make_clinician("bea@example.org", "Bea", "Lee", birth_month=3, birth_day=7)
    Certification.objects.create(
        clinician=bea,
        board=board,
        board_id_number="P42",
        cycle_start=date(2024, 1, 1),
        cycle_end=date(2028, 12, 31),
    )
    # The board ID names Bea and the NPI names Ann, and both agree on name and birth date.
    [outcome] = send(org, row(board="abpmr", board_id="p42"))
    assert outcome.state == RecordState.AMBIGUOUS
    assert CreditEntry.objects.count() == 0


def test_an_identifier_on_an_account_whose_name_differs_does_not_block_its_owner(org, ann, board):
    bea = make_clinician("bea@example.org", "Bea", "Moss", birth_month=3, birth_day=7)
    Certification.objects.create(
        clinician=bea,
        board=board,
        board_id_number="P42",
        cycle_start=date(2024, 1, 1),
        cycle_end=date(2028, 12, 31),
    )
    [outcome] = send(org, row(board="abpmr", board_id="p42"))
    assert outcome.state == RecordState.MATCHED
    assert CreditEntry.objects.get().clinician == ann


def test_two_clinicians_with_the_same_license_make_the_record_wait_for_review(org, ann):
    bea = make_clinician("bea@example.org", "Bea", "Moss")
    for person in (ann, bea):
        License.objects.create(clinician=person, state="TX", number="M123")
    [outcome] = send(org, row(npi="", license_state="TX", license_number="m123"))
    assert outcome.state == RecordState.AMBIGUOUS
    assert CreditEntry.objects.count() == 0


def test_a_name_and_birth_date_alone_attach_nothing(org, ann):
    [outcome] = send(org, row(npi="", first_name="ANN", last_name="lee", birth_date="03/07"))
    assert outcome.state == RecordState.UNMATCHED
    assert CreditEntry.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_an_unmatched_record_waits_and_attaches_when_the_clinician_adds_the_npi(board):
    org = ensure_organization("acme-cme", "Acme CME Institute")
    [outcome] = send(org, row())
    assert outcome.state == RecordState.UNMATCHED
    cara = make_clinician("cara@example.org", "Ann", "Lee", birth_month=3, birth_day=7)
    assert CreditEntry.objects.count() == 0
    cara.profile.npi = NPI
    cara.profile.save()
    entry = CreditEntry.objects.get()
    assert entry.clinician == cara
    assert entry.reported_record.state == RecordState.MATCHED


def test_a_self_report_of_the_same_activity_is_linked_and_counted_once(org, ann):
    own = ledger.create_entry(
        ann, ann, entry_fields(title="Spasticity Management Update!", credits=Decimal("2.25"))
    )
    other = ledger.create_entry(ann, ann, entry_fields(title="Something else entirely"))
    send(org, row())
    own.refresh_from_db()
    other.refresh_from_db()
    reported = CreditEntry.objects.get(reported_record__isnull=False)
    assert own.reported_as == reported
    assert other.reported_as is None
    counted = sorted(c.credits for c in credits_of(ann))
    assert counted == [Decimal("2.50"), Decimal("2.50")]  # the reported one and "other"


def test_withdrawing_the_report_lets_the_self_report_count_again(org, ann):
    own = ledger.create_entry(ann, ann, entry_fields())
    send(org, row())
    send(org, row(status="withdrawn"))
    own.refresh_from_db()
    assert own.reported_as is None


def test_an_organization_without_an_agreement_cannot_report(db, organization):
    with pytest.raises(NoAgreement, match="no data-sharing agreement"):
        Context.of(organization)


def test_moc_points_need_a_board_certification_agreement_for_that_board(org, ann):
    agreement = Agreement.objects.get(organization=org)
    [outcome] = send(org, row(credits="moc-points=2"))
    assert "must name the board" in outcome.problems[0].message
    [outcome] = send(org, row(credits="moc-points=2", board="abim", board_id="9"))
    assert "does not cover the board" in outcome.problems[0].message
    agreement.credential_kinds = [CredentialKind.BOARD_CERTIFICATION]
    agreement.save()
    [outcome] = send(org, row(record_id="R-2"))
    assert "does not cover CME credit" in outcome.problems[0].message


def test_a_members_only_agreement_refuses_learners_off_the_member_list(org, ann):
    Agreement.objects.filter(organization=org).update(members_only=True)
    [outcome] = send(org, row())
    assert outcome.problems[0].field == "learner"
    Member.objects.create(organization=org, npi=NPI)
    [outcome] = send(org, row())
    assert outcome.status == Status.CREATED


def test_a_certification_activity_counts_toward_its_component(org, ann, board):
    send(
        org,
        row(component="improvement-project", board="abpmr", board_id="P1", credits="ama-pra-1=4"),
    )
    entry = CreditEntry.objects.get()
    assert entry.activity_kind == "improvement-project"
    assert entry.source == "cc-activity"
    [credit] = credits_of(ann)
    assert credit.activity_kind == "improvement-project"
