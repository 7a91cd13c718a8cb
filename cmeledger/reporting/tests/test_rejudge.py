"""Re-judging stored records: what no longer qualifies goes back to waiting, with its
reason and history; nothing is deleted; the command reports the counts."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from cmeledger.accounts.models import ClinicianProfile, User
from cmeledger.conftest import make_clinician
from cmeledger.ledger.models import CreditEntry, EntryRevision, RevisionAction
from cmeledger.lib.npi import make_npi
from cmeledger.reporting.intake import Context, write_batch
from cmeledger.reporting.models import RecordState, ReportedRecord
from cmeledger.reporting.records import RawRow, raw
from cmeledger.reporting.rejudge import rejudge_all
from cmeledger.reporting.sample import ensure_organization

NPI = make_npi("123456789")


def row(record_id: str, **changes: str) -> RawRow:
    values = {
        "record_id": record_id,
        "activity_title": "Spasticity management update",
        "completed_on": "2025-05-04",
        "npi": NPI,
        "last_name": "Lee",
        "birth_date": "03/07",
        "credits": "ama-pra-1=2.5",
    }
    values.update(changes)
    return RawRow(2, raw(**values))


@pytest.fixture
def org(db, board):
    return ensure_organization("acme-cme", "Acme CME Institute")


@pytest.fixture
def ann(db):
    return make_clinician("ann@example.org", "Ann", "Lee", npi=NPI, birth_month=3, birth_day=7)


def test_records_that_still_qualify_stay_and_gain_their_evidence(org, ann):
    write_batch(Context.of(org), [row("R-1")])
    ReportedRecord.objects.update(match_evidence=None)  # as stored before evidence existed
    counts = rejudge_all()
    assert (counts.kept, counts.released_total) == (1, 0)
    record = ReportedRecord.objects.get()
    assert record.match_evidence["agreed"] == ["NPI", "last name", "month/day of birth"]


def test_a_record_attached_without_corroboration_goes_back_to_waiting(org, ann):
    write_batch(Context.of(org), [row("R-1"), row("R-2")])
    # What the old rule allowed: the account's name no longer agrees with the record's.
    User.objects.filter(pk=ann.pk).update(last_name="Mallory")
    counts = rejudge_all()
    assert counts.kept == 0
    assert counts.released == {"last name differs from the account holding its NPI": 2}
    record = ReportedRecord.objects.get(record_key="R-1")
    assert (record.state, record.clinician_id) == (RecordState.UNMATCHED, None)
    assert record.wait_reason == "re-judged: last name differs from the account holding its NPI"
    assert record.npi == NPI  # waiting again: found when the right account appears
    # Nothing deleted: the entries stay, out of the ledger, with the reason in history.
    assert CreditEntry.objects.count() == 2
    assert CreditEntry.objects.filter(deleted_at__isnull=True).count() == 0
    reasons = EntryRevision.objects.filter(action=RevisionAction.DELETED).values_list(
        "changes", flat=True
    )
    assert list(reasons) == [{"reason": ["", record.wait_reason]}] * 2


def test_an_unconfirmed_account_loses_its_records_until_it_confirms(org, ann):
    write_batch(Context.of(org), [row("R-1")])
    User.objects.filter(pk=ann.pk).update(email_confirmed_at=None)
    counts = rejudge_all()
    assert counts.released == {"email not confirmed by the account holding its NPI": 1}


def test_a_waiting_record_that_now_qualifies_attaches(org, ann):
    ClinicianProfile.objects.filter(user=ann).update(npi="")
    write_batch(Context.of(org), [row("R-1")])
    assert ReportedRecord.objects.get().state == RecordState.UNMATCHED
    ClinicianProfile.objects.filter(user=ann).update(npi=NPI)  # no signal fired
    counts = rejudge_all()
    assert (counts.attached, counts.still_waiting) == (1, 0)
    assert CreditEntry.objects.get().clinician == ann


def test_the_command_reports_the_counts(org, ann):
    write_batch(Context.of(org), [row("R-1"), row("R-2", npi=make_npi("198765432"))])
    out = StringIO()
    call_command("reporting", "rejudge", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 attached records still qualify",
        "0 went back to waiting",
        "0 records attached (waiting ones that now qualify)",
        "1 records still wait",
    ]
