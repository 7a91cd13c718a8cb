from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cmeledger.ledger import services
from cmeledger.ledger.models import CreditEntry, EntryRevision, RevisionAction
from cmeledger.ledger.testing import entry_fields
from cmeledger.ledger.vocabulary import Source


def test_creating_an_entry_records_who_created_it(alice, alice_entry):
    revision = alice_entry.revisions.get()
    assert revision.action == RevisionAction.CREATED
    assert revision.actor == alice
    assert revision.changes["credits"] == [None, "2.50"]
    assert revision.changes["topics"] == [None, ["ethics"]]


def test_updating_records_only_the_fields_that_changed(alice, alice_entry):
    services.update_entry(alice_entry, alice, {"credits": Decimal("3.00"), "title": "New title"})
    revision = alice_entry.revisions.filter(action=RevisionAction.UPDATED).get()
    assert revision.changes == {
        "title": ["Spasticity management update", "New title"],
        "credits": ["2.50", "3.00"],
    }


def test_an_update_that_changes_nothing_records_nothing(alice, alice_entry):
    services.update_entry(alice_entry, alice, {"credits": Decimal("2.5")})
    assert alice_entry.revisions.count() == 1


@pytest.mark.parametrize(
    ("credits", "message"),
    [
        (Decimal("0"), "above 0"),
        (Decimal("-1"), "above 0"),
        (Decimal("1.1"), "steps of 0.25"),
        (Decimal("1000"), "at most 100"),
    ],
)
def test_it_rejects_bad_credit_amounts(alice, credits, message):
    with pytest.raises(ValidationError) as caught:
        services.create_entry(alice, alice, entry_fields(credits=credits))
    assert message in str(caught.value.message_dict["credits"])
    assert not CreditEntry.objects.exists()


def test_delete_and_restore_keep_history(alice, alice_entry):
    services.delete_entry(alice_entry, alice)
    assert not CreditEntry.objects.live().exists()
    services.restore_entry(alice_entry, alice)
    assert CreditEntry.objects.live().get() == alice_entry
    actions = list(EntryRevision.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["created", "deleted", "restored"]


def test_entries_reported_by_organizations_are_locked(alice, organization):
    entry = services.create_entry(alice, None, entry_fields(), source=Source.ORGANIZATION)
    with pytest.raises(services.EntryLocked):
        services.update_entry(entry, alice, {"title": "Changed"})
    with pytest.raises(services.EntryLocked):
        services.delete_entry(entry, alice)
    entry.refresh_from_db()
    assert entry.title == "Spasticity management update"


def test_unknown_topics_are_refused(alice):
    with pytest.raises(ValidationError) as caught:
        services.create_entry(alice, alice, entry_fields(), topics=["astrology"])
    assert "astrology" in str(caught.value)
    assert not CreditEntry.objects.exists()
