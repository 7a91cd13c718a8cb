"""The ledger's bulk writers: history rows, old and new values, soft retirement, the lock,
and bad input refused with nothing written."""

from __future__ import annotations

import re
from datetime import UTC, date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

import cmeledger
from cmeledger.conftest import entry_fields
from cmeledger.ledger import bulk, services
from cmeledger.ledger.models import CreditEntry, EntryRevision, RevisionAction
from cmeledger.ledger.services import EntryLocked
from cmeledger.ledger.vocabulary import Source


def new_entry(clinician, **overrides) -> bulk.NewEntry:
    values = {**entry_fields(), "topics": ("ethics",)}
    values.update(overrides)
    return bulk.NewEntry(clinician_id=clinician.pk, **values)


def reported(clinician, organization, **overrides) -> CreditEntry:
    values = {"source": Source.ORGANIZATION.value, "reported_by_id": organization.pk}
    [entry_id] = bulk.create_entries([new_entry(clinician, **values, **overrides)], None)
    return CreditEntry.objects.prefetch_related("topic_links").get(pk=entry_id)


def test_a_bulk_created_entry_gets_the_same_created_row_as_a_single_one(alice):
    single = services.create_entry(alice, alice, entry_fields(), topics=["ethics"])
    [entry_id] = bulk.create_entries([new_entry(alice)], alice.pk)
    made = EntryRevision.objects.get(entry_id=entry_id)
    assert (made.action, made.actor) == (RevisionAction.CREATED, alice)
    assert made.changes == single.revisions.get().changes


def test_a_bulk_creation_writes_each_entry_its_topics_and_one_history_row(alice, organization):
    entries = [
        new_entry(alice, title=f"Session {n}", topics=("ethics", "pain-management"), notes="")
        for n in range(3)
    ]
    ids = bulk.create_entries(entries, None)
    assert CreditEntry.objects.count() == 3
    for entry_id in ids:
        entry = CreditEntry.objects.get(pk=entry_id)
        assert entry.topics == ["ethics", "pain-management"]
        [revision] = entry.revisions.all()
        assert revision.action == RevisionAction.CREATED and revision.actor is None
        assert revision.changes["title"] == [None, entry.title]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"credits": Decimal("1.1")}, "credits", "steps of 0.25"),
        ({"credits": Decimal("0")}, "credits", "above 0"),
        ({"credit_type": "made-up"}, "credit_type", "not a valid choice"),
        ({"topics": ("astrology",)}, "topics", "Unknown topic: astrology"),
        ({"title": ""}, "title", "cannot be blank"),
        ({"title": "x" * 301}, "title", "at most 300"),
        ({"completed_on": date.today() + timedelta(days=2)}, "completed_on", "in the future"),
        ({"end_date": date(2025, 5, 1)}, "end_date", "before the start date"),
    ],
)
def test_a_bad_entry_refuses_the_whole_batch_and_writes_nothing(alice, overrides, field, message):
    entries = [new_entry(alice), new_entry(alice, **overrides)]
    with pytest.raises(ValidationError) as caught:
        bulk.create_entries(entries, alice.pk)
    assert message in caught.value.message_dict[f"entries[1].{field}"][0]
    assert not CreditEntry.objects.exists()
    assert not EntryRevision.objects.exists()


def test_a_revision_writes_the_old_and_new_value_of_each_changed_field(alice, organization):
    entry = reported(alice, organization)
    revision = bulk.Revision(
        entry,
        {"credits": Decimal("3.00"), "title": "Renamed"},
        topics=["ethics", "pain-management"],
    )
    assert bulk.revise_entries([revision], None, reporter_id=organization.pk) == 1
    entry.refresh_from_db()
    assert (entry.credits, entry.title, entry.topics) == (
        Decimal("3.00"),
        "Renamed",
        ["ethics", "pain-management"],
    )
    change = entry.revisions.get(action=RevisionAction.UPDATED)
    assert change.changes == {
        "title": ["Spasticity management update", "Renamed"],
        "credits": ["2.50", "3.00"],
        "topics": [["ethics"], ["ethics", "pain-management"]],
    }


def test_a_revision_that_changes_nothing_writes_no_history(alice, organization):
    entry = reported(alice, organization)
    revision = bulk.Revision(entry, {"credits": Decimal("2.5")}, topics=["ethics"])
    assert bulk.revise_entries([revision], None, reporter_id=organization.pk) == 0
    assert entry.revisions.count() == 1


def test_one_bad_revision_refuses_them_all(alice, organization):
    first, second = reported(alice, organization), reported(alice, organization)
    revisions = [
        bulk.Revision(first, {"title": "Fine"}),
        bulk.Revision(second, {"credits": Decimal("1.1")}),
    ]
    with pytest.raises(ValidationError) as caught:
        bulk.revise_entries(revisions, None, reporter_id=organization.pk)
    assert "steps of 0.25" in caught.value.message_dict["revisions[1].credits"][0]
    assert set(CreditEntry.objects.values_list("title", flat=True)) == {
        "Spasticity management update"
    }
    assert not EntryRevision.objects.filter(action=RevisionAction.UPDATED).exists()


def test_a_revision_may_not_touch_fields_outside_the_entry(alice, organization):
    entry = reported(alice, organization)
    with pytest.raises(ValidationError) as caught:
        bulk.revise_entries(
            [bulk.Revision(entry, {"clinician_id": 99})], None, reporter_id=organization.pk
        )
    assert "revisions[0].clinician_id" in caught.value.message_dict


def test_an_entry_reported_by_one_organization_is_locked_to_others(alice, organization):
    entry = reported(alice, organization)
    other = type(organization).objects.create(slug="other", name="Other CME")
    with pytest.raises(EntryLocked):
        bulk.revise_entries(
            [bulk.Revision(entry, {"title": "Mine now"})], None, reporter_id=other.pk
        )
    with pytest.raises(EntryLocked):
        bulk.retire_entries([entry.pk], None, reporter_id=other.pk)
    with pytest.raises(EntryLocked):  # nor may anyone but its reporter, as for one entry
        bulk.retire_entries([entry.pk], alice.pk)
    entry.refresh_from_db()
    assert entry.title == "Spasticity management update" and not entry.is_deleted
    assert entry.revisions.count() == 1


def test_retiring_is_soft_keeps_history_and_lets_a_self_report_count_again(alice, organization):
    entry = reported(alice, organization)
    own = services.create_entry(alice, alice, entry_fields(), topics=["ethics"])
    bulk.link_self_reports({own.pk: entry.pk})
    own.refresh_from_db()
    assert own.reported_as_id == entry.pk
    assert bulk.retire_entries([entry.pk], None, reason="withdrawn", reporter_id=organization.pk)
    entry.refresh_from_db()
    own.refresh_from_db()
    assert entry.is_deleted and CreditEntry.objects.filter(pk=entry.pk).exists()
    assert own.reported_as_id is None
    gone = entry.revisions.get(action=RevisionAction.DELETED)
    assert gone.changes == {"reason": ["", "withdrawn"]}
    # Retiring again changes nothing and records nothing.
    assert bulk.retire_entries([entry.pk], None, reporter_id=organization.pk) == 0
    assert entry.revisions.filter(action=RevisionAction.DELETED).count() == 1


def test_retiring_an_unknown_entry_refuses_them_all(alice, organization):
    entry = reported(alice, organization)
    with pytest.raises(ValidationError) as caught:
        bulk.retire_entries(
            [entry.pk, "00000000-0000-0000-0000-000000000000"], None, reporter_id=organization.pk
        )
    assert "No such entry" in caught.value.message_dict["entries"][0]
    entry.refresh_from_db()
    assert not entry.is_deleted


def test_restoring_brings_a_retired_entry_back_with_a_history_row(alice):
    [entry_id] = bulk.create_entries([new_entry(alice)], alice.pk)
    bulk.retire_entries([entry_id], alice.pk)
    assert bulk.restore_entries([entry_id], alice.pk) == 1
    entry = CreditEntry.objects.get(pk=entry_id)
    assert not entry.is_deleted
    actions = list(entry.revisions.order_by("id").values_list("action", flat=True))
    assert actions == ["created", "deleted", "restored"]


def test_a_moved_ledger_keeps_its_own_history_instead_of_a_created_row(alice):
    entry = new_entry(alice, id="0190c0de-0000-7000-8000-000000000001")
    at = date(2025, 5, 4)
    history = [
        bulk.HistoryRow(entry.id, alice.pk, "created", _aware(at), {"title": [None, "T"]}),
        bulk.HistoryRow(entry.id, None, "updated", _aware(at), {"title": ["T", entry.title]}),
    ]
    bulk.create_entries([entry], None, history=history)
    actions = list(
        EntryRevision.objects.filter(entry_id=entry.id)
        .order_by("id")
        .values_list("action", "actor")
    )
    assert actions == [("created", alice.pk), ("updated", None)]


def _aware(day: date):
    from datetime import datetime

    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


# Writes to the entry tables, as they would be spelled outside the ledger app.
ENTRY_WRITES = re.compile(
    r"(CreditEntry|EntryRevision|EntryTopic)\.objects\.(create|bulk_create|get_or_create"
    r"|update_or_create|update)\b|EntryRevision\(|insert_rows\((CreditEntry|EntryRevision|"
    r"EntryTopic)|CreditEntry\.objects\.filter\(.*\)\.update\(|INTO ledger_"
)


def test_no_app_but_the_ledger_writes_entries_or_their_history():
    package = Path(cmeledger.__file__).parent
    offenders = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if (
            relative.parts[0] == "ledger"
            or "tests" in relative.parts
            or "migrations" in relative.parts
        ):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ENTRY_WRITES.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
